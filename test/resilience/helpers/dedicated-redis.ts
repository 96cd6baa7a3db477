import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRedisClient, type RedisClient } from '@kumo/keyspace';
import { startEmbeddedRedis, type RedisHandle } from '@kumo/local-redis';

/**
 * A redis-server of one test file (kumo's redis.conf: append-only on, `appendfsync everysec`, noeviction) that the
 * file may stop, kill and start again on the same port and data directory, without disturbing any other file.
 */
export interface DedicatedRedis {
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  /** PID of the running server (changes on restart). */
  readonly pid: number;
  /** Whether a server is running now. */
  readonly running: boolean;
  /** SIGTERM: Redis writes its append-only file and exits. */
  stop(): Promise<void>;
  /** SIGKILL: what the OS did not get from the append-only file (up to a second of writes) is lost. */
  kill(): Promise<void>;
  /** Starts the server again on the same port and directory (it reloads the append-only file). */
  start(): Promise<void>;
  /** A plain client of the test (INFO, DBSIZE, SCAN); closed by `close()`. */
  admin(): RedisClient;
  /** Stops the server and removes its directory. */
  close(): Promise<void>;
}

export interface DedicatedRedisOptions {
  /** `requirepass`; the URL then carries it (`redis://:<password>@…`). Default: none. */
  password?: string;
}

export async function startDedicatedRedis(label: string, options: DedicatedRedisOptions = {}): Promise<DedicatedRedis> {
  const dir = mkdtempSync(path.join(tmpdir(), `kumo-resilience-${label}-`));
  const extraArgs = options.password === undefined ? [] : ['--requirepass', options.password];
  let handle: RedisHandle | undefined = await startEmbeddedRedis({ dir, extraArgs });
  const port = handle.port;
  const auth = options.password === undefined ? '' : `:${encodeURIComponent(options.password)}@`;
  const url = `redis://${auth}127.0.0.1:${port}`;
  const clients: RedisClient[] = [];
  const pidOf = () => handle?.pid ?? -1;

  return {
    url,
    port,
    dir,
    get pid() {
      return pidOf();
    },
    get running() {
      return handle !== undefined;
    },
    async stop() {
      await handle?.stop();
      handle = undefined;
    },
    async kill() {
      const pid = pidOf();
      if (pid > 0) process.kill(pid, 'SIGKILL');
      // The handle's stop() then only waits for the exit it already saw coming.
      await handle?.stop();
      handle = undefined;
    },
    async start() {
      if (handle) return;
      handle = await startEmbeddedRedis({ dir, port, extraArgs });
    },
    admin() {
      const client = createRedisClient(url, { connectionName: 'kumo:test:resilience' });
      // Tests stop this Redis on purpose: commands report the outage; the connection's own events need no noise.
      client.on('error', () => undefined);
      clients.push(client);
      return client;
    },
    async close() {
      await Promise.all(clients.map((client) => client.quit().catch(() => client.disconnect())));
      await handle?.stop();
      handle = undefined;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
