import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LAUNCHER_EXIT, runLauncher } from './launcher.js';
import { parseJsonLine } from './log-renderer.js';
import { APPS } from './paths.js';
import { StopSignals } from './stop-signals.js';

const fakeApp = fileURLToPath(new URL('./__fixtures__/fake-app.mjs', import.meta.url));
let root: string;

/** A repository whose three apps are the fake app (behaviour per FAKE_MODE_<APP>). */
beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'kumo-launcher-test-'));
  writeFileSync(path.join(root, 'package.json'), '{"type":"module"}\n');
  for (const app of APPS) {
    mkdirSync(path.join(root, 'apps', app, 'dist'), { recursive: true });
    copyFileSync(fakeApp, path.join(root, 'apps', app, 'dist', 'main.js'));
  }
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

class Captured extends Writable {
  text = '';
  readonly #waiters = new Set<() => void>();
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void) {
    this.text += chunk.toString();
    for (const wake of this.#waiters) wake();
    callback();
  }
  get lines(): Record<string, unknown>[] {
    return this.text
      .split('\n')
      .map((line) => parseJsonLine(line))
      .filter((line): line is Record<string, unknown> => line !== undefined);
  }
  /** Resolves once the output contains `text`. */
  until(text: string): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        if (!this.text.includes(text)) return;
        this.#waiters.delete(wake);
        resolve();
      };
      this.#waiters.add(wake);
      wake();
    });
  }
}

/** Whether the process runs (a zombie waiting for a reaper does not: it was killed). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Every launcher a test started: stopped (forcibly) after each test, so a failing test leaves no process behind. */
const runs: { stops: StopSignals; done: Promise<number> }[] = [];
afterEach(async () => {
  for (const run of runs.splice(0)) {
    run.stops.request('test end');
    run.stops.request('test end');
    await run.done;
  }
});

/** Starts the launcher in-process over the fake repository. */
function launch(env: Record<string, string> = {}, options: { readyTimeoutMs?: number } = {}) {
  const stdout = new Captured();
  const stderr = new Captured();
  const stops = new StopSignals();
  const done = runLauncher({
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      LOG_FORMAT: 'json',
      REDIS_URL: 'redis://127.0.0.1:1', // used as given; the fake apps never connect
      API_PORT: '3999',
      SHUTDOWN_TIMEOUT_MS: '100',
      ...env,
    },
    stdout,
    stderr,
    stops,
    root,
    readyTimeoutMs: options.readyTimeoutMs ?? 30_000,
  });
  runs.push({ stops, done });
  return { stdout, stderr, stops, done };
}

const readyLines = (stdout: Captured) =>
  stdout.lines.filter((line) => line.msg === 'ready' && line.name !== 'launcher');
const appPids = (stdout: Captured) => {
  const pids = readyLines(stdout).map((line) => Number(line.pid));
  expect(pids.every((pid) => pid > 0)).toBe(true);
  return pids;
};

describe('runLauncher', { timeout: 30_000 }, () => {
  it('starts the three apps, prints the banner, and stops everything on request with exit 0', async () => {
    const run = launch();
    await run.stdout.until('Press Ctrl-C to stop.');
    const ready = readyLines(run.stdout);
    expect(ready.map((line) => line.name).sort()).toEqual([...APPS].sort());
    const banner = run.stdout.text;
    const key = /API key {7}(\S+) {2}\(generated for this run\)/.exec(banner)?.[1];
    expect(key).toMatch(/^kumo_[A-Za-z0-9_-]{43}$/);
    expect(banner).toContain('API           http://127.0.0.1:3999');
    expect(banner).toContain('Dashboard     http://127.0.0.1:3999/admin/queues   user admin   password ');
    const sampleUrl = /Sample site {3}(\S+)/.exec(banner)?.[1] ?? '';
    expect(banner).toContain(`npx kumo crawl ${sampleUrl} --depth 2`);
    // The sample site answers while kumo runs.
    expect((await fetch(sampleUrl)).status).toBe(200);

    // Every app got the same environment: the generated key, 127.0.0.1 allowed, JSON logs, the Redis.
    for (const line of ready) {
      expect(line.env).toMatchObject({
        API_KEYS: key,
        BOARD_USER: 'admin',
        CRAWL_ALLOW_HOSTS: '127.0.0.1',
        LOG_FORMAT: 'json',
        REDIS_URL: 'redis://127.0.0.1:1',
      });
    }

    run.stops.request('SIGTERM');
    expect(await run.done).toBe(LAUNCHER_EXIT.ok);
    expect(run.stdout.lines.filter((line) => line.msg === 'stopping' && line.name !== 'launcher')).toHaveLength(3);
    expect(run.stdout.lines.at(-1)?.msg).toBe('stopped');
    for (const pid of appPids(run.stdout)) expect(alive(pid)).toBe(false);
    await expect(fetch(sampleUrl)).rejects.toThrow();
  });

  it('passes given credentials and allowed hosts on instead of generating them', async () => {
    const run = launch({
      API_KEYS: 'k1,k2',
      BOARD_USER: 'ops',
      BOARD_PASSWORD: 'secret-password',
      CRAWL_ALLOW_HOSTS: '10.0.0.0/8',
    });
    await run.stdout.until('Press Ctrl-C to stop.');
    expect(readyLines(run.stdout)[0]?.env).toMatchObject({
      API_KEYS: 'k1,k2',
      BOARD_USER: 'ops',
      BOARD_PASSWORD: 'secret-password',
      CRAWL_ALLOW_HOSTS: '10.0.0.0/8,127.0.0.1',
    });
    expect(run.stdout.text).toContain('API key       k1\n');
    expect(run.stdout.text).not.toContain('generated for this run');
    run.stops.request('SIGINT');
    expect(await run.done).toBe(LAUNCHER_EXIT.ok);
  });

  it.each([
    [
      'an app exits during start-up',
      { FAKE_MODE_CRAWL_WORKER: 'exit-early' },
      'crawl-worker exited during start-up (code 3)',
    ],
    ['an app dies while running', { FAKE_MODE_API: 'die-after-ready' }, 'api exited unexpectedly (code 4)'],
  ])('exits 1 when %s, and stops the others', async (_label, env, message) => {
    const run = launch(env);
    expect(await run.done).toBe(LAUNCHER_EXIT.failed);
    expect(run.stderr.text).toBe(
      `kumo: KUMO_LAUNCHER_APP_EXITED: ${message}${message.includes('start-up') ? '; see its log lines above' : ': its supervisor gave up; stopping kumo'}\n`,
    );
    expect(run.stdout.lines.some((line) => line.level === 60 && line.code === 'KUMO_LAUNCHER_APP_EXITED')).toBe(true);
    for (const pid of appPids(run.stdout)) expect(alive(pid)).toBe(false);
  });

  it("wraps an app's raw stderr lines into JSON lines with its name", async () => {
    const run = launch({ FAKE_MODE_CRAWL_WORKER: 'exit-early' });
    await run.done;
    expect(run.stdout.lines).toContainEqual(
      expect.objectContaining({ name: 'crawl-worker', level: 50, msg: 'boom: cannot start' }),
    );
  });

  it('exits 1 when an app never logs ready', async () => {
    const run = launch({ FAKE_MODE_ANALYSIS_WORKER: 'never-ready' }, { readyTimeoutMs: 1000 });
    expect(await run.done).toBe(LAUNCHER_EXIT.failed);
    expect(run.stderr.text).toContain(
      'KUMO_LAUNCHER_START_TIMEOUT: analysis-worker did not log "ready" within 1000 ms',
    );
  });

  it('kills an app (with its process group) that ignores SIGTERM past SHUTDOWN_TIMEOUT_MS + margin', async () => {
    const run = launch({ FAKE_MODE_API: 'ignore-term' });
    await run.stdout.until('Press Ctrl-C to stop.');
    const workerPid = Number(run.stdout.lines.find((line) => line.msg === 'worker')?.workerPid);
    expect(alive(workerPid)).toBe(true);
    run.stops.request('SIGTERM');
    expect(await run.done).toBe(LAUNCHER_EXIT.ok);
    expect(run.stdout.lines).toContainEqual(
      expect.objectContaining({ msg: 'app did not stop in time and was killed', app: 'api' }),
    );
    expect(alive(workerPid)).toBe(false);
  }, 30_000);

  it('a second stop request kills at once and exits 130', async () => {
    const run = launch({ FAKE_MODE_API: 'ignore-term' });
    await run.stdout.until('Press Ctrl-C to stop.');
    run.stops.request('SIGINT');
    await run.stdout.until('ignoring SIGTERM');
    run.stops.request('SIGINT');
    expect(await run.done).toBe(LAUNCHER_EXIT.forced);
    for (const pid of appPids(run.stdout)) expect(alive(pid)).toBe(false);
  });

  it.each([
    ['API_PORT', { API_PORT: 'eighty' }],
    ['REDIS_URL', { REDIS_URL: 'http://127.0.0.1:6379' }],
    ['SHUTDOWN_TIMEOUT_MS', { SHUTDOWN_TIMEOUT_MS: '-1' }],
  ])('exits 78 naming %s when the configuration is invalid, starting nothing', async (name, env) => {
    const run = launch(env);
    expect(await run.done).toBe(LAUNCHER_EXIT.config);
    expect(run.stderr.text).toMatch(new RegExp(`^kumo: Invalid configuration .*\\n {2}${name}: `, 's'));
    expect(run.stdout.text).toBe('');
  });

  it('exits 1 naming the app when an app is not built', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'kumo-launcher-empty-'));
    try {
      const stdout = new Captured();
      const stderr = new Captured();
      const code = await runLauncher({
        env: { PATH: process.env.PATH, LOG_FORMAT: 'json', REDIS_URL: 'redis://127.0.0.1:1' },
        stdout,
        stderr,
        stops: new StopSignals(),
        root: empty,
      });
      expect(code).toBe(LAUNCHER_EXIT.failed);
      expect(stderr.text).toContain('kumo: KUMO_LAUNCHER_APP_NOT_BUILT: api is not built');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('local mode keeps its credentials between runs (#20)', { timeout: 30_000 }, () => {
  const dataDir = () => path.join(root, '.data-restart');
  const env = { KUMO_DATA_DIR: '.data-restart' };

  it('a restart reuses the generated key and board password, says so, and the file is 0600', async () => {
    const first = launch(env);
    await first.stdout.until('Press Ctrl-C to stop.');
    const key = /API key {7}(\S+) {2}\(generated for this run\)/.exec(first.stdout.text)?.[1];
    const password = /password (\S+) {2}\(generated for this run\)/.exec(first.stdout.text)?.[1];
    expect(key).toMatch(/^kumo_/);
    const file = path.join(dataDir(), 'credentials.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // While it runs, the runtime file tells `kumo keys audit` where its Redis is.
    expect(JSON.parse(readFileSync(path.join(dataDir(), 'runtime.json'), 'utf8'))).toMatchObject({
      redisUrl: 'redis://127.0.0.1:1',
    });
    first.stops.request('SIGTERM');
    expect(await first.done).toBe(LAUNCHER_EXIT.ok);
    expect(existsSync(path.join(dataDir(), 'runtime.json'))).toBe(false);

    const second = launch(env);
    await second.stdout.until('Press Ctrl-C to stop.');
    expect(second.stdout.text).toContain(`API key       ${key}  (kept from the last run)\n`);
    expect(second.stdout.text).toContain(`password ${password}  (kept from the last run)\n`);
    expect(readyLines(second.stdout)[0]?.env).toMatchObject({ API_KEYS: key, BOARD_PASSWORD: password });
    second.stops.request('SIGTERM');
    expect(await second.done).toBe(LAUNCHER_EXIT.ok);
  });

  it('a corrupt credentials file stops the start with a coded error naming it, and is left alone', async () => {
    const file = path.join(dataDir(), 'credentials.json');
    mkdirSync(dataDir(), { recursive: true });
    writeFileSync(file, '{"apiKey": ', { mode: 0o600 });
    const run = launch(env);
    expect(await run.done).toBe(LAUNCHER_EXIT.failed);
    expect(run.stderr.text).toContain(`kumo: KUMO_LAUNCHER_CREDENTIALS_UNREADABLE: ${file} cannot be used`);
    expect(readFileSync(file, 'utf8')).toBe('{"apiKey": ');
    expect(readyLines(run.stdout)).toEqual([]);
  });
});
