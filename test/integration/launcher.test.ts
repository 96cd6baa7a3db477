import { freePort } from '@kumo/local-redis';
import { afterAll, afterEach, describe, expect, inject, it, vi } from 'vitest';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { descendantPids, isRunning, runCommand, runKumo, runShell, trackProcesses } from '../helpers/cli-run.js';
import { testEnv, uniquePrefix } from '../helpers/env.js';
import { type AppProcess, repoRoot, startApp } from '../helpers/processes.js';

const redisUrl = inject('redisUrl');
const prefixes: string[] = [];
let launcher: AppProcess | undefined;

/** `npm start`'s process with its own prefix and API port, JSON logs; unset credentials so it generates them. */
async function startLauncher(overrides: Record<string, string> = {}) {
  const { env, apiPort, prefix } = await launcherEnv(overrides);
  const app = startApp('launcher', env);
  launcher = app;
  return { app, env, apiPort, prefix };
}

/**
 * A launcher's environment: its own prefix, API port and data directory (so its instance lock meets no other
 * launcher, nor a developer's `npm start`), JSON logs.
 */
async function launcherEnv(overrides: Record<string, string> = {}) {
  const prefix = uniquePrefix('launch');
  prefixes.push(prefix);
  const apiPort = await freePort();
  const env = testEnv({
    redisUrl,
    prefix,
    overrides: {
      API_PORT: String(apiPort),
      SAMPLE_SITE_PORT: '0',
      KUMO_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'kumo-launcher-')),
      ...overrides,
    },
  });
  return { env, apiPort, prefix };
}

/** The banner's lines (the launcher prints it as plain text between its JSON log lines). */
async function banner(launcher: AppProcess): Promise<string[]> {
  await launcher.waitForLog((line) => line.msg === 'Press Ctrl-C to stop.', { timeoutMs: 120_000 });
  return launcher.lines.filter((line) => !('level' in line)).map((line) => String(line.msg));
}

const bannerValue = (lines: string[], label: string) =>
  lines
    .find((line) => line.trimStart().startsWith(label))
    ?.trimStart()
    .slice(label.length)
    .trim()
    .split(/\s+/)[0] ?? '';

afterEach(async () => {
  await launcher?.stop('SIGKILL');
  launcher = undefined;
});

afterAll(async () => {
  const env = { PATH: process.env.PATH ?? '' };
  for (const prefix of prefixes) {
    const keys = await runCommand('redis-cli', ['-u', redisUrl, '--scan', '--pattern', `${prefix}:*`], { env });
    const names = keys.stdout.split('\n').filter(Boolean);
    if (names.length > 0) await runCommand('redis-cli', ['-u', redisUrl, 'DEL', ...names], { env });
  }
});

describe('npm start (apps/launcher)', () => {
  it('prints a banner whose commands crawl the sample site to done, and stops everything on SIGTERM with exit 0', async () => {
    const { app, env, apiPort } = await startLauncher();
    const lines = await banner(app);
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    expect(bannerValue(lines, 'API ')).toBe(apiUrl);
    const apiKey = bannerValue(lines, 'API key');
    expect(apiKey).toMatch(/^kumo_/);
    expect(lines.some((line) => line.includes(`${apiUrl}/admin/queues`))).toBe(true);
    expect(lines.some((line) => line.includes(`${apiUrl}/docs`))).toBe(true);

    // The copy-paste CLI command, exactly as printed, run by a shell from the repository.
    const cliCommand = lines.find((line) => line.includes('npx kumo crawl'))?.trim() ?? '';
    expect(cliCommand).toContain('--depth 2');
    const crawled = await runShell(cliCommand, { PATH: env.PATH, HOME: env.HOME }, 120_000);
    expect(crawled.code, `${crawled.stdout}\n${crawled.stderr}`).toBe(0);
    expect(crawled.stdout).toMatch(/^crawl \S+ completed: /m);
    expect(crawled.stdout).toMatch(/^ *1 {2}\S+/m); // the first row of the keyword table

    // The curl command submits the same crawl; the API then runs it to `completed` too.
    const curlCommand = lines.find((line) => line.trimStart().startsWith('curl -sS -X POST'))?.trim() ?? '';
    const submitted = await runShell(curlCommand, { PATH: env.PATH });
    expect(submitted.code, submitted.stderr).toBe(0);
    const { id } = JSON.parse(submitted.stdout) as { id: string };
    await waitForStatus(apiUrl, apiKey, id, 'completed');
    const report = await runKumo(['report', id, '--json'], {
      PATH: env.PATH,
      KUMO_API_URL: apiUrl,
      KUMO_API_KEY: apiKey,
    });
    expect(report.code, report.stderr).toBe(0);
    expect((JSON.parse(report.stdout) as { keywords: unknown[] }).keywords.length).toBeGreaterThan(0);

    // SIGTERM: every process the launcher started (apps, their workers, Redis if embedded) is gone, exit 0.
    const pids = descendantPids(app.child.pid ?? -1);
    expect(pids.length).toBeGreaterThanOrEqual(3);
    const exit = await app.stop('SIGTERM', 60_000);
    expect(exit, app.output.slice(-3000)).toEqual({ code: 0, signal: null });
    expect(pids.filter(isRunning)).toEqual([]);
    expect(app.lines.at(-1)?.msg).toBe('stopped');
  });

  it('exits non-zero when an app dies (its supervisor gave up), stopping the others', async () => {
    const { app } = await startLauncher();
    await banner(app);
    const pids = descendantPids(app.child.pid ?? -1);
    const api = app.childPids().find((pid) => cmdline(pid).includes('apps/api/dist/main.js'));
    expect(api).toBeDefined();
    process.kill(api as number, 'SIGKILL');
    const exit = await app.exited;
    expect(exit.code).toBe(1);
    expect(app.output).toContain('KUMO_LAUNCHER_APP_EXITED');
    expect(app.output).toContain('api exited unexpectedly');
    expect(pids.filter(isRunning)).toEqual([]);
  });

  it('exits non-zero naming the variable when the configuration is bad', async () => {
    const { app } = await startLauncher({ API_PORT: 'eighty' });
    const exit = await app.exited;
    expect(exit.code).not.toBe(0);
    expect(app.output).toContain('API_PORT');
    expect(app.childPids()).toEqual([]);
  });
});

describe('npm start stops for good (issue 21, point 2)', () => {
  /** How long the apps may take to stop (the test env's SHUTDOWN_TIMEOUT_MS), plus the launcher's margin. */
  const stopWithinMs = Number(testEnv({ redisUrl, prefix: 'x' }).SHUTDOWN_TIMEOUT_MS) + 10_000;

  it('SIGTERM to the `npm start` process itself stops the launcher and every app, exit 0', async () => {
    const { env } = await launcherEnv();
    const npm = spawn('npm', ['start'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    for (const stream of [npm.stdout, npm.stderr]) stream.on('data', (chunk: Buffer) => (output += String(chunk)));
    const exited = once(npm, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    let pids: number[] = [];
    let running = (): number[] => [];
    try {
      await vi.waitFor(() => expect(output).toContain('Press Ctrl-C to stop.'), { timeout: 240_000, interval: 200 });
      // The build before the launcher (minutes on a first run) says what it is doing instead of staying silent.
      expect(output.indexOf('kumo: building')).toBeLessThan(output.indexOf('Press Ctrl-C to stop.'));
      expect(output.indexOf('kumo: building')).toBeGreaterThanOrEqual(0);
      pids = descendantPids(npm.pid ?? -1);
      running = trackProcesses(pids);
      // The launcher, three apps and their workers.
      expect(pids.length, output.slice(-3000)).toBeGreaterThanOrEqual(4);
      npm.kill('SIGTERM');
      await vi.waitFor(() => expect(running().map((pid) => `${pid} ${cmdline(pid)}`)).toEqual([]), {
        timeout: stopWithinMs,
        interval: 100,
      });
      const [code] = await exited;
      expect(code, output.slice(-3000)).toBe(0);
      expect(output).toMatch(/"msg":"stopped"/);
    } finally {
      for (const pid of [npm.pid ?? -1].filter(isRunning).concat(running())) process.kill(pid, 'SIGKILL');
    }
  });

  it('two kumos side by side on one machine both start: unset ports move to free ones; a chosen port that is taken names its variable', async () => {
    // As a user runs them: no port set at all (testEnv's fixed ones removed), so each default is tried first.
    const withDefaultPorts = async () => {
      const { env } = await launcherEnv();
      for (const setting of ['API_PORT', 'CRAWL_WORKER_METRICS_PORT', 'ANALYSIS_WORKER_METRICS_PORT']) {
        delete env[setting];
      }
      return startApp('launcher', env);
    };
    const first = await withDefaultPorts();
    const started = [first];
    try {
      const firstLines = await banner(first);
      const second = await withDefaultPorts();
      started.push(second);
      const secondLines = await banner(second);
      const urls = (lines: string[]) => [
        bannerValue(lines, 'API '),
        ...[...(lines.find((line) => line.trimStart().startsWith('Metrics'))?.matchAll(/http:\/\/\S+/g) ?? [])].map(
          (match) => match[0],
        ),
      ];
      const [firstUrls, secondUrls] = [urls(firstLines), urls(secondLines)];
      expect(firstUrls).toHaveLength(4); // the API, then its /metrics and each worker supervisor's
      expect(secondUrls).toHaveLength(4);
      expect(secondUrls.filter((url) => firstUrls.includes(url))).toEqual([]);
      for (const url of [...firstUrls.slice(1), ...secondUrls.slice(1)])
        expect((await fetch(url)).status, url).toBe(200);
      for (const url of [firstUrls[0]!, secondUrls[0]!]) expect((await fetch(`${url}/healthz`)).status, url).toBe(200);

      // A port the operator set, already in use: one line naming the variable, before any app is started.
      const metricsPort = new URL(firstUrls[2]!).port;
      const third = await startLauncher({ CRAWL_WORKER_METRICS_PORT: metricsPort });
      started.push(third.app);
      const exit = await third.app.exited;
      expect(exit.code, third.app.output.slice(-3000)).toBe(1);
      expect(third.app.output).toContain(`KUMO_LAUNCHER_PORT_IN_USE: CRAWL_WORKER_METRICS_PORT=${metricsPort}`);
      expect(third.app.childPids()).toEqual([]);
    } finally {
      await Promise.all(started.map((app) => app.stop()));
    }
  });

  it('an app that fails at start-up (its metrics port taken after the check) leaves no orphan: the launcher exits 1 and every app it started is gone', async () => {
    const metricsPort = await freePort();
    const { app } = await startLauncher({ ANALYSIS_WORKER_METRICS_PORT: String(metricsPort) });
    // Every process the launcher ever had below it, as they appear (the apps start one after the other).
    const seen = new Map<number, () => number[]>();
    const watch = setInterval(() => {
      for (const pid of descendantPids(app.pid)) if (!seen.has(pid)) seen.set(pid, trackProcesses([pid]));
    }, 20);
    const taker = net.createServer();
    try {
      // The port was free when the launcher checked it; another program takes it before analysis-worker binds it.
      await app.waitForLog((line) => line.msg === 'ports chosen', { timeoutMs: 60_000 });
      await new Promise<void>((resolve) => taker.listen(metricsPort, '127.0.0.1', resolve));
      const exit = await app.exited;
      clearInterval(watch);
      expect(exit.code, app.output.slice(-3000)).toBe(1);
      expect(app.output).toContain('KUMO_LAUNCHER_APP_EXITED');
      expect(seen.size, app.output.slice(-3000)).toBeGreaterThanOrEqual(2); // api and analysis-worker at least
      const running = () => [...seen.values()].flatMap((alive) => alive());
      await vi.waitFor(() => expect(running().map((pid) => `${pid} ${cmdline(pid)}`)).toEqual([]), {
        timeout: stopWithinMs,
        interval: 100,
      });
    } finally {
      clearInterval(watch);
      taker.close();
      for (const alive of seen.values()) for (const pid of alive()) process.kill(pid, 'SIGKILL');
    }
  });

  // It used to flake (2 of 5 CI runs): an app primary outlived the SIGKILLed launcher, stuck in pino's exit flush
  // retrying EPIPE on its stdout forever (sonic-boom 4); logger-broken-pipe.test.ts guards the cause.
  it('a second start in the same checkout names the first and exits 1; a SIGKILLed launcher takes its apps along and leaves a stale lock the next start takes over', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'kumo-launcher-'));
    const first = await startLauncher({ KUMO_DATA_DIR: dataDir });
    const firstLines = await banner(first.app);
    const pids = descendantPids(first.app.pid);
    const running = trackProcesses(pids);
    try {
      const second = await startLauncher({ KUMO_DATA_DIR: dataDir });
      const exit = await second.app.exited;
      expect(exit.code, second.app.output.slice(-3000)).toBe(1);
      expect(second.app.output).toContain('KUMO_LAUNCHER_ALREADY_RUNNING');
      expect(second.app.output).toContain(`pid ${first.app.pid}`);
      expect(second.app.output).toContain(bannerValue(firstLines, 'API '));
      expect(second.app.childPids()).toEqual([]);

      expect(pids.length).toBeGreaterThanOrEqual(3);
      await first.app.stop('SIGKILL');
      // Every app notices its launcher is gone (its IPC channel closed) and stops.
      await vi.waitFor(() => expect(running().map((pid) => `${pid} ${cmdline(pid)}`)).toEqual([]), {
        timeout: stopWithinMs,
        interval: 100,
      });

      const third = await startLauncher({ KUMO_DATA_DIR: dataDir });
      await banner(third.app);
    } finally {
      for (const pid of running()) process.kill(pid, 'SIGKILL');
    }
  });
});

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/** Polls the crawl until it has `status` (or a terminal status, which fails the test). */
async function waitForStatus(apiUrl: string, apiKey: string, id: string, status: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const response = await fetch(`${apiUrl}/v1/crawls/${id}`, { headers: { authorization: `Bearer ${apiKey}` } });
    const crawl = (await response.json()) as { status: string };
    if (crawl.status === status) return;
    if (['completed', 'failed', 'cancelled'].includes(crawl.status) || Date.now() > deadline) {
      throw new Error(`crawl ${id} is ${crawl.status}, expected ${status}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('npm start keeps its local key across a restart (issue 20)', () => {
  it('the same key still reaches the crawls after a restart (GET /v1/crawls lists them); keys audit finds its Redis', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'kumo-launcher-restart-'));
    const first = await startLauncher({ KUMO_DATA_DIR: dataDir });
    const lines = await banner(first.app);
    const apiKey = bannerValue(lines, 'API key');
    expect(lines.find((line) => line.includes(apiKey))).toContain('(generated for this run)');
    expect(statSync(path.join(dataDir, 'credentials.json')).mode & 0o777).toBe(0o600);
    const sampleUrl = bannerValue(lines, 'Sample site');
    const firstUrl = `http://127.0.0.1:${first.apiPort}`;
    const ids: string[] = [];
    for (const maxDepth of [0, 1]) {
      const response = await fetch(`${firstUrl}/v1/crawls`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ urls: [sampleUrl], maxDepth, analyze: false }),
      });
      expect(response.status, await response.clone().text()).toBe(202);
      ids.unshift(((await response.json()) as { id: string }).id);
    }
    // Without REDIS_URL, `kumo keys audit` audits the Redis (and prefix) of the running npm start.
    const audit = await runKumo(['keys', 'audit', '--json'], {
      PATH: first.env.PATH,
      HOME: first.env.HOME,
      KUMO_DATA_DIR: dataDir,
    });
    expect(audit.code, audit.stderr).toBe(0);
    expect((JSON.parse(audit.stdout) as { prefix: string }).prefix).toBe(first.prefix);
    expect(await first.app.stop('SIGTERM', 60_000)).toEqual({ code: 0, signal: null });
    expect(existsSync(path.join(dataDir, 'runtime.json'))).toBe(false);

    const second = await startLauncher({ KUMO_DATA_DIR: dataDir, KUMO_PREFIX: first.prefix });
    const again = await banner(second.app);
    expect(again.find((line) => line.trimStart().startsWith('API key'))).toBe(
      `  API key       ${apiKey}  (kept from the last run)`,
    );
    const listed = await fetch(`http://127.0.0.1:${second.apiPort}/v1/crawls`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect(listed.status).toBe(200);
    const page = (await listed.json()) as { items: { id: string }[]; nextCursor: string | null };
    expect(page.items.map((crawl) => crawl.id)).toEqual(ids);
    expect(page.nextCursor).toBeNull();
    const list = await runKumo(['list'], {
      PATH: second.env.PATH,
      KUMO_API_URL: `http://127.0.0.1:${second.apiPort}`,
      KUMO_API_KEY: apiKey,
    });
    expect(list.code, list.stderr).toBe(0);
    for (const id of ids) expect(list.stdout).toContain(id);
    expect(await second.app.stop('SIGTERM', 60_000)).toEqual({ code: 0, signal: null });
  });
});
