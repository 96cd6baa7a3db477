// The real system under test: an embedded redis-server in a temp dir, the kumo apps as separate processes (each
// app's supervisor forking its workers), the static site server in its own process, and baseline programs as child
// processes. Nothing here talks to anything but 127.0.0.1.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, startEmbeddedRedis } from '@kumo/local-redis';
import { generateSite, readSiteManifest, writeSite } from '@kumo/sample-site';
import { repoRoot, startApp, testEnv, uniquePrefix } from './helpers.mjs';

/** The API key every bench API accepts. */
export const BENCH_KEY = 'bench-key-0123456789abcdef';

/** Settings of the test environment that exist to make tests fast, not to model a deployment: left at defaults. */
const TEST_ONLY = [
  'WORKER_LOCK_DURATION_MS',
  'WORKER_STALLED_INTERVAL_MS',
  'CRAWL_RETRY_BACKOFF_MS',
  'CRAWL_CONNECT_TIMEOUT_MS',
  'CRAWL_HEADERS_TIMEOUT_MS',
  'CRAWL_BODY_TIMEOUT_MS',
];

/**
 * testEnv with bench settings: production mode and JSON logs at `info` (what a deployment runs), two processes per
 * worker app, no politeness delay and a host concurrency above the total crawl concurrency (one local host stands in
 * for many), admission control and rate limits out of the way.
 */
export function benchEnv({ redisUrl, redis, prefix, apiPort = 0, overrides = {} }) {
  const env = testEnv({
    redisUrl,
    redis,
    prefix,
    overrides: {
      NODE_ENV: 'production',
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'info',
      API_KEYS: BENCH_KEY,
      BOARD_USER: 'bench',
      BOARD_PASSWORD: 'bench-board-password',
      API_PORT: String(apiPort),
      API_PROCESSES: '1',
      WORKER_PROCESSES: '2',
      CRAWL_CONCURRENCY: '20',
      CRAWL_HOST_CONCURRENCY: '100',
      CRAWL_HOST_DELAY_MS: '0',
      API_RATE_LIMIT_PER_MINUTE: '1000000',
      API_MAX_RUNNING_CRAWLS: '100000',
      API_MAX_QUEUE_BACKLOG: '10000000',
      ...overrides,
    },
  });
  for (const key of TEST_ONLY) if (!(key in overrides)) delete env[key];
  return env;
}

/** Starts redis-server in the run's temp dir (kumo's redis.conf, no persistence to speak of). */
export async function startRedis(ctx, extraArgs = []) {
  const redis = await startEmbeddedRedis({ dir: ctx.tmp(`redis-${uniquePrefix('r')}`), extraArgs });
  ctx.defer(() => redis.stop());
  return redis;
}

/** How many processes of an app log `ready`. */
function readyCount(app, env) {
  if (app === 'api') return Number(env.API_PROCESSES ?? 1);
  return Number(env.WORKER_PROCESSES ?? 1);
}

/**
 * A running kumo: the apps asked for, each waited for until every process logged `ready`. An app that does not come
 * up is recorded in `blocked` with the tail of its output (the benchmark then reports what it could not measure).
 */
export async function startKumo(
  ctx,
  { redisUrl, redis, prefix = uniquePrefix('b'), apps, overrides = {}, readyTimeoutMs = 60_000 },
) {
  // Chosen up front even without the API, so an API started later (restart) joins on a known port.
  const apiPort = await freePort();
  const env = benchEnv({ redisUrl, redis, prefix, apiPort, overrides });
  /** @type {Record<string, import('../../helpers/processes.ts').AppProcess>} */
  const running = {};
  /** @type {Record<string, string>} */
  const blocked = {};
  const launch = async (app, appEnv, nodeArgs = []) => {
    const proc = startApp(app, appEnv, [], { nodeArgs });
    ctx.defer(() => proc.stop());
    try {
      await proc.waitReady(readyCount(app, appEnv), readyTimeoutMs);
      running[app] = proc;
      delete blocked[app];
    } catch (error) {
      blocked[app] = `${app} did not become ready: ${(error?.message ?? String(error)).slice(0, 1500)}`;
      ctx.log(blocked[app]);
      await proc.stop('SIGKILL', 2000);
    }
  };
  await Promise.all(apps.map((app) => launch(app, env)));
  return {
    env,
    prefix,
    apps: running,
    blocked,
    /** The API's base URL while it runs, else null. */
    get apiUrl() {
      return running.api ? `http://127.0.0.1:${apiPort}` : null;
    },
    key: BENCH_KEY,
    /** Every process of each running app (supervisor and workers), for CPU accounting. */
    processGroups() {
      return Object.fromEntries(
        Object.entries(running).map(([app, proc]) => [app, [proc.child.pid, ...proc.childPids()]]),
      );
    },
    /** Stops one app (SIGTERM, then SIGKILL after the timeout). */
    async stop(app) {
      await running[app]?.stop();
      delete running[app];
    },
    /**
     * Stops an app and starts it again with `overrides` on top of the environment (e.g. fewer processes) and,
     * optionally, Node flags for all its processes (e.g. `--cpu-prof`).
     */
    async restart(app, appOverrides = {}, nodeArgs = []) {
      await this.stop(app);
      await launch(app, { ...env, ...appOverrides }, nodeArgs);
      if (!running[app]) throw new Error(blocked[app]);
      return running[app];
    },
    async stopAll() {
      await Promise.all(Object.keys(running).map((app) => this.stop(app)));
    },
  };
}

/** The content hash of the generator in use, so a cached site is regenerated when the generator changes. */
function generatorHash() {
  const file = path.join(repoRoot, 'packages/sample-site/dist/generate-site.js');
  return existsSync(file) ? createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 12) : 'src';
}

/**
 * A generated site written to disk: N pages of Japanese text (~15 KB each, ~5 links, UTF-8 / Shift_JIS / EUC-JP),
 * cached in the OS temp dir across runs (generation is deterministic for a seed). Returns the dir and manifest.
 */
export async function prepareSite({ pages, seed = 1 }) {
  const dir = path.join(tmpdir(), 'kumo-bench-sites', `p${pages}-s${seed}-${generatorHash()}`);
  let manifest = await readSiteManifest(dir);
  if (!manifest) {
    await writeSite(generateSite({ pages, seed, encodings: ['utf-8', 'shift_jis', 'euc-jp'] }), dir);
    manifest = await readSiteManifest(dir);
  }
  return { dir, manifest };
}

/** The sample-site server in its own process (`sample-site serve --dir`), on 127.0.0.1 and a free port. */
export function startSiteProcess(ctx, dir) {
  return startListeningProcess(ctx, [
    'packages/sample-site/dist/main.js',
    'serve',
    '--dir',
    dir,
    '--host',
    '127.0.0.1',
    '--port',
    '0',
  ]);
}

/**
 * Starts `node <args>` and resolves once it prints a JSON line `{ "event": "listening", "url": … }` (the sample-site
 * CLI and the bench's baseline servers do), with that line's fields and the process's `pid`; stopped with SIGTERM at
 * cleanup.
 */
export async function startListeningProcess(ctx, args) {
  const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  ctx.defer(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  });
  const listening = await new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr.on('data', (chunk) => (err += chunk));
    child.stdout.on('data', (chunk) => {
      out += chunk;
      for (const line of out.split('\n')) {
        try {
          const parsed = JSON.parse(line);
          if (parsed.event === 'listening') resolve(parsed);
        } catch {
          // partial line
        }
      }
    });
    child.once('exit', (code) => reject(new Error(`${args[0]} exited with ${code}: ${err.slice(-2000)}`)));
  });
  const { event: _event, ...fields } = listening;
  return { ...fields, pid: child.pid };
}

/**
 * Runs `node <script> <json options>` and resolves with the JSON object it prints last on stdout. For baselines:
 * each runs in its own process, like kumo's apps, and times its own work (start-up excluded on both sides).
 */
export function runNodeJson(script, options, { env = {}, timeoutMs = 300_000, nodeArgs = [] } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, script, JSON.stringify(options)], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NODE_ENV: 'production', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0) {
        reject(new Error(`${path.basename(script)} exited with ${code ?? signal}: ${err.slice(-2000) || last}`));
        return;
      }
      try {
        resolve(JSON.parse(last));
      } catch {
        reject(new Error(`${path.basename(script)} printed no JSON result: ${out.slice(-500)} ${err.slice(-1000)}`));
      }
    });
  });
}
