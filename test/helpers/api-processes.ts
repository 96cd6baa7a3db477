import { setTimeout as sleep } from 'node:timers/promises';
import { expect, vi } from 'vitest';
import { TEST_API_KEYS } from './api-harness.js';
import { testEnv, type RedisEnv } from './env.js';
import { startApp, type AppProcess } from './processes.js';
import { countClients } from './redis-admin.js';

/** The whole system as child processes: the API (one process), a crawl-worker and an analysis-worker. */
export interface RunningSystem {
  readonly url: string;
  readonly key: string;
  readonly api: AppProcess;
  readonly workers: AppProcess[];
  /** `fetch` against the API with `Authorization: Bearer <key>` (the first test key). */
  request(path: string, init?: RequestInit): Promise<Response>;
  stop(): Promise<void>;
}

/**
 * Starts the API and both worker apps on `prefix`, one process each, and waits until all log `ready`. The API
 * listens on port 0 (a free port the cluster shares) and the URL comes from its `ready` line: no port race.
 */
export async function startSystem(options: {
  redisUrl?: string;
  /** The Redis as an environment (a cluster in test/cluster); takes precedence over `redisUrl`. */
  redis?: RedisEnv;
  prefix: string;
  overrides?: Record<string, string>;
}): Promise<RunningSystem> {
  const env = testEnv({
    redisUrl: options.redisUrl,
    redis: options.redis,
    prefix: options.prefix,
    overrides: {
      API_PORT: '0',
      API_KEYS: TEST_API_KEYS.join(','),
      BOARD_USER: 'board',
      BOARD_PASSWORD: 'board-password-123',
      API_RATE_LIMIT_PER_MINUTE: '100000',
      SSE_HEARTBEAT_MS: '5000',
      ...options.overrides,
    },
  });
  const api = startApp('api', env);
  const workers = [startApp('crawl-worker', env), startApp('analysis-worker', env)];
  const all = [api, ...workers];
  let port: unknown;
  try {
    const [apiReady] = await Promise.all(all.map((app) => app.waitReady(1, 90_000)));
    port = apiReady?.[0]?.port;
  } catch (error) {
    await Promise.all(all.map((app) => app.stop()));
    throw error;
  }
  const url = `http://127.0.0.1:${String(port)}`;
  const key = TEST_API_KEYS[0];
  return {
    url,
    key,
    api,
    workers,
    request(path, init = {}) {
      return fetch(`${url}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${key}`, ...(init.headers as Record<string, string>) },
      });
    },
    async stop() {
      await Promise.all(all.map((app) => app.stop()));
    },
  };
}

/**
 * Samples how many Redis connections the API of `prefix` holds (by the names it sets), until stopped. On a cluster,
 * where every client connects to each node, this counts clients (on the node where there are most).
 */
export function sampleApiConnections(redis: string | RedisEnv, prefix: string, intervalMs = 200) {
  const target: RedisEnv = typeof redis === 'string' ? { REDIS_URL: redis } : redis;
  const pattern = new RegExp(` name=kumo:api(?:-sse|-primary)?:${prefix} `);
  const samples: number[] = [];
  let running = true;
  const count = () => countClients(target, pattern);
  const loop = (async () => {
    while (running) {
      samples.push(await count());
      await sleep(intervalMs);
    }
  })();
  return {
    samples,
    count,
    async stop() {
      running = false;
      await loop;
    },
  };
}

/**
 * Starts a crawl of `urls` (to `maxDepth`, with `fields` such as `maxPages` or `politeness` added to the request) on a
 * running system, waits until it has completed and returns its id.
 */
export async function crawlToCompletion(
  system: RunningSystem,
  urls: string[],
  maxDepth: number,
  fields: Record<string, unknown> = {},
): Promise<string> {
  const created = await system.request('/v1/crawls', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ urls, maxDepth, ...fields }),
  });
  expect(created.status).toBe(202);
  const { id } = (await created.json()) as { id: string };
  await vi.waitFor(
    async () =>
      expect(((await (await system.request(`/v1/crawls/${id}`)).json()) as { status: string }).status).toBe(
        'completed',
      ),
    { timeout: 120_000, interval: 250 },
  );
  return id;
}
