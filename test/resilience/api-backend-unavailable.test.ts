import type { RedisClient } from '@kumo/keyspace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, submitCrawl } from './helpers/crawl-checks.js';
import { startDedicatedRedis, type DedicatedRedis } from './helpers/dedicated-redis.js';
import { KumoSystem } from './helpers/system.js';

// The API process alone, against a redis-server of its own that becomes unavailable in each of the ways a real one
// does: stopped (connection refused), a replica after a failover whose master is gone (READONLY on writes; with
// replica-serve-stale-data off, MASTERDOWN on everything), and full under noeviction (OOM on writes). Whatever needs
// Redis and cannot have it answers 503 problem+json `KUMO_API_REDIS_UNAVAILABLE` with a Retry-After header — never
// a 500 KUMO_API_INTERNAL, never a hang; reads a read-only or full Redis still serves may answer normally. /healthz
// stays 200 throughout, and once Redis is back the same process serves again.
let redis: DedicatedRedis;
let admin: RedisClient;
let system: KumoSystem;
let id: string;

beforeAll(async () => {
  redis = await startDedicatedRedis('api-unavailable');
  admin = redis.admin();
  system = await KumoSystem.start({ redisUrl: redis.url, services: ['api'] });
  // A crawl that exists, so that the reads below succeed while Redis serves (no worker runs it).
  id = await submitCrawl(system, { urls: ['http://127.0.0.1:9/'], analyze: false });
});

afterAll(async () => {
  await system?.stop();
  await redis?.close();
});

const json = { 'content-type': 'application/json' };
const crawlBody = JSON.stringify({ urls: ['http://127.0.0.1:9/'], analyze: false });

interface Route {
  name: string;
  /** Writes to Redis: refused by a read-only or full Redis too. */
  writes: boolean;
  /** The status it answers while Redis serves (the crawl exists, no worker runs it). */
  served: number;
  send(): Promise<Response>;
}

/** Every /v1 route, each of which needs Redis. */
const routes: Route[] = [
  {
    name: 'POST /v1/crawls',
    writes: true,
    served: 202,
    send: () => system.request('/v1/crawls', { method: 'POST', headers: json, body: crawlBody }),
  },
  {
    name: 'POST /v1/crawls with an Idempotency-Key',
    writes: true,
    served: 202,
    send: () =>
      system.request('/v1/crawls', {
        method: 'POST',
        headers: { ...json, 'idempotency-key': 'backend-unavailable' },
        body: crawlBody,
      }),
  },
  {
    name: 'DELETE /v1/crawls/:id',
    writes: true,
    served: 202,
    send: () => system.request(`/v1/crawls/${id}`, { method: 'DELETE' }),
  },
  { name: 'GET /v1/crawls/:id', writes: false, served: 200, send: () => system.request(`/v1/crawls/${id}`) },
  {
    name: 'GET /v1/crawls/:id/pages',
    writes: false,
    served: 200,
    send: () => system.request(`/v1/crawls/${id}/pages?limit=10`),
  },
  {
    name: 'GET /v1/crawls/:id/report',
    writes: false,
    served: 409,
    send: () => system.request(`/v1/crawls/${id}/report`),
  },
  {
    name: 'GET /v1/crawls/:id/events',
    writes: false,
    served: 200,
    send: () => system.request(`/v1/crawls/${id}/events`),
  },
];

const readyz: Route = {
  name: 'GET /readyz',
  writes: false,
  served: 200,
  send: () => system.request('/readyz', { key: null }),
};

/** Asserts the 503 problem with Retry-After that a route answers when Redis cannot serve it. */
async function expectUnavailable(route: Route, response: Response): Promise<void> {
  const retryAfter = response.headers.get('retry-after');
  const problem = await expectProblem(response, 503, 'KUMO_API_REDIS_UNAVAILABLE');
  expect(problem.detail, route.name).toContain('unavailable');
  expect(retryAfter, route.name).toMatch(/^[1-9][0-9]*$/);
}

interface Outage {
  name: string;
  /** Whether reads still work (a read-only or full Redis serves them, and answers PING: /readyz stays 200). */
  servesReads: boolean;
  begin(): Promise<unknown>;
  end(): Promise<unknown>;
}

const outages: Outage[] = [
  {
    name: 'READONLY (a replica whose master is gone, stale reads on)',
    servesReads: true,
    begin: async () => {
      await admin.call('CONFIG', 'SET', 'replica-serve-stale-data', 'yes');
      // Port 1 of loopback: nothing listens there, so the link to the "master" stays down.
      await admin.call('REPLICAOF', '127.0.0.1', '1');
    },
    end: () => admin.call('REPLICAOF', 'NO', 'ONE'),
  },
  {
    name: 'MASTERDOWN (a replica whose master is gone, stale reads off)',
    servesReads: false,
    begin: async () => {
      await admin.call('CONFIG', 'SET', 'replica-serve-stale-data', 'no');
      await admin.call('REPLICAOF', '127.0.0.1', '1');
    },
    end: async () => {
      await admin.call('REPLICAOF', 'NO', 'ONE');
      await admin.call('CONFIG', 'SET', 'replica-serve-stale-data', 'yes');
    },
  },
  {
    name: 'OOM (full under noeviction)',
    servesReads: true,
    begin: () => admin.call('CONFIG', 'SET', 'maxmemory', '1'),
    end: () => admin.call('CONFIG', 'SET', 'maxmemory', '0'),
  },
  {
    name: 'connection refused (redis-server stopped)',
    servesReads: false,
    begin: () => redis.stop(),
    end: () => redis.start(),
  },
];

describe('the API while its Redis is unavailable', () => {
  it.each(outages)('$name → 503 problem+json with Retry-After where Redis is needed, then recovery', async (outage) => {
    await outage.begin();
    try {
      expect((await system.request('/healthz', { key: null })).status).toBe(200);
      const checked = outage.servesReads ? routes : [...routes, readyz];
      // Twice: the first requests may meet a connection that is just going away, later ones one reconnecting.
      for (let round = 0; round < 2; round++) {
        for (const route of checked) {
          const response = await route.send();
          if (!outage.servesReads || route.writes || response.status !== route.served) {
            await expectUnavailable(route, response);
          } else {
            await response.body?.cancel();
          }
        }
      }
    } finally {
      await outage.end();
    }
    await expect
      .poll(async () => (await system.request('/readyz', { key: null })).status, { timeout: 60_000 })
      .toBe(200);
    const crawl = await system.request(`/v1/crawls/${id}`);
    expect(crawl.status, await crawl.text()).toBe(200);
  });

  it('logged no request as an internal error meanwhile', () => {
    const internal = system.linesMatching((line) => line.code === 'KUMO_API_INTERNAL');
    expect(internal.map((line) => JSON.stringify(line.err).slice(0, 300))).toEqual([]);
  });
});
