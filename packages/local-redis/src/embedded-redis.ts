import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RedisStartError, RedisUnavailableError } from './errors.js';
import { freePort } from './free-port.js';
import { waitForPing } from './ping.js';

/** A running Redis that kumo can use. */
export interface RedisHandle {
  /** `redis://host:port` */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** How the Redis was obtained. */
  readonly source: 'url' | 'embedded' | 'docker';
  /** Data directory of an embedded server. */
  readonly dir?: string;
  /** PID of an embedded server. */
  readonly pid?: number;
  /** Stops what this handle started (nothing for `url`). */
  stop(): Promise<void>;
}

export interface EmbeddedRedisOptions {
  /** Data directory (append-only file). Created when missing. */
  dir: string;
  /** TCP port; default: a free port chosen for you (retried on a clash). */
  port?: number;
  /** The redis.conf to load; default: infra/redis/redis.conf of this repository. */
  confPath?: string;
  /** Extra `--name value` arguments, e.g. `['--maxmemory', '64mb']`. */
  extraArgs?: string[];
  /** How long to wait for PING after start. Default 10 s. */
  startTimeoutMs?: number;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const DEFAULT_REDIS_CONF = path.join(repoRoot, 'infra/redis/redis.conf');

/** The redis-server binary on PATH, or null. */
export function findRedisServer(): string | null {
  const result = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  const found = result.stdout.trim();
  return result.status === 0 && found ? found : null;
}

/**
 * Starts a redis-server child process on 127.0.0.1 with kumo's redis.conf, waits for PING, and returns a handle
 * that stops it. A port clash is retried on another port, never leaving a stray server behind.
 */
export async function startEmbeddedRedis(options: EmbeddedRedisOptions): Promise<RedisHandle> {
  const binary = findRedisServer();
  if (!binary) throw new RedisUnavailableError('redis-server is not on PATH');
  const confPath = options.confPath ?? DEFAULT_REDIS_CONF;
  if (!existsSync(confPath)) throw new RedisStartError(`Redis configuration not found: ${confPath}`);
  mkdirSync(options.dir, { recursive: true });

  const attempts = options.port === undefined ? 5 : 1;
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const port = options.port ?? (await freePort());
    try {
      return await startOnce(binary, confPath, port, options);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError instanceof Error ? lastError : new RedisStartError(String(lastError));
}

async function startOnce(
  binary: string,
  confPath: string,
  port: number,
  options: EmbeddedRedisOptions,
): Promise<RedisHandle> {
  const host = '127.0.0.1';
  const args = [
    confPath,
    '--port',
    String(port),
    '--bind',
    host,
    '--dir',
    path.resolve(options.dir),
    '--daemonize',
    'no',
    '--protected-mode',
    'yes',
    ...(options.extraArgs ?? []),
  ];
  // Its own process group: a terminal's Ctrl-C reaches the launcher, which stops Redis last, after the apps.
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  const collect = (chunk: Buffer) => {
    if (output.length < 8192) output += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  // A parent that dies must not leave the server behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const ready = await waitForPing(host, port, { timeoutMs: options.startTimeoutMs ?? 10_000, isAlive: () => !exited });
  if (!ready) {
    await stopChild(child, 2000);
    process.removeListener('exit', killOnExit);
    throw new RedisStartError(`redis-server did not start on port ${port}: ${output.trim().slice(-500)}`);
  }
  child.stdout?.removeListener('data', collect);
  child.stderr?.removeListener('data', collect);
  child.stdout?.resume();
  child.stderr?.resume();
  return {
    url: `redis://${host}:${port}`,
    host,
    port,
    source: 'embedded',
    dir: options.dir,
    ...(child.pid === undefined ? {} : { pid: child.pid }),
    async stop() {
      process.removeListener('exit', killOnExit);
      await stopChild(child, 5000);
    },
  };
}

/** SIGTERM (Redis flushes its append-only file), then SIGKILL after the grace period. */
async function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
