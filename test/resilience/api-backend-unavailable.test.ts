import type { RedisClient } from '@kumo/keyspace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, submitCrawl } from './helpers/crawl-checks.js';
import { startDedicatedRedis, type DedicatedRedis } from './helpers/dedicated-redis.js';
import { KumoSystem } from './helpers/system.js';

// The API process alone, against a redis-server of its own that becomes unavailable in each of the ways a real one
// does: stopped (connection refused), a replica after a failover whose master is gone (READONLY on writes; with
// replica-serve-stale-data off, MASTERDOWN on everything), and full under noeviction (OOM). Each time every route
// that needs Redis answers 503 problem+json `KUMO_API_REDIS_UNAVAILABLE` with a Retry-After header — never a 500
// KUMO_API_INTERNAL, never a hang — /healthz stays 200, and once Redis is back the same process serves again.
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

/** Every route that needs Redis (the /v1 ones count each request in Redis first: the rate limit). */
const routes: [string, () => Promise<Response>][] = [
  ['POST /v1/crawls', () => system.request('/v1/crawls', { method: 'POST', headers: json, body: crawlBody })],
  [
    'POST /v1/crawls with an Idempotency-Key',
    () =>
      system.request('/v1/crawls', {
        method: 'POST',
        headers: { ...json, 'idempotency-key': 'backend-unavailable' },
        body: crawlBody,
      }),
  ],
  ['GET /v1/crawls/:id', () => system.request(`/v1/crawls/${id}`)],
  ['GET /v1/crawls/:id/pages', () => system.request(`/v1/crawls/${id}/pages?limit=10`)],
  ['GET /v1/crawls/:id/report', () => system.request(`/v1/crawls/${id}/report`)],
  ['GET /v1/crawls/:id/events', () => system.request(`/v1/crawls/${id}/events`)],
  ['DELETE /v1/crawls/:id', () => system.request(`/v1/crawls/${id}`, { method: 'DELETE' })],
];

interface Outage {
  name: string;
  /** Whether PING fails too (then /readyz answers 503; a read-only or full Redis still answers PING). */
  pingFails: boolean;
  begin(): Promise<unknown>;
  end(): Promise<unknown>;
}

const outages: Outage[] = [
  {
    name: 'READONLY (a replica whose master is gone, stale reads on)',
    pingFails: false,
    begin: async () => {
      await admin.call('CONFIG', 'SET', 'replica-serve-stale-data', 'yes');
      // Port 1 of loopback: nothing listens there, so the link to the "master" stays down.
      await admin.call('REPLICAOF', '127.0.0.1', '1');
    },
    end: () => admin.call('REPLICAOF', 'NO', 'ONE'),
  },
  {
    name: 'MASTERDOWN (a replica whose master is gone, stale reads off)',
    pingFails: true,
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
    pingFails: false,
    begin: () => admin.call('CONFIG', 'SET', 'maxmemory', '1'),
    end: () => admin.call('CONFIG', 'SET', 'maxmemory', '0'),
  },
  {
    name: 'connection refused (redis-server stopped)',
    pingFails: true,
    begin: () => redis.stop(),
    end: () => redis.start(),
  },
];

describe('the API while its Redis is unavailable', () => {
  it.each(outages)('$name → 503 problem+json with Retry-After on every route, then recovery', async (outage) => {
    await outage.begin();
    try {
      expect((await system.request('/healthz', { key: null })).status).toBe(200);
      const checked = outage.pingFails
        ? [...routes, ['GET /readyz', () => system.request('/readyz', { key: null })] as const]
        : routes;
      // Twice: the first requests may meet a connection that is just going away, later ones one reconnecting.
      for (let round = 0; round < 2; round++) {
        for (const [name, send] of checked) {
          const response = await send();
          const retryAfter = response.headers.get('retry-after');
          const problem = await expectProblem(response, 503, 'KUMO_API_REDIS_UNAVAILABLE');
          expect(problem.detail, name).toContain('unavailable');
          expect(retryAfter, name).toMatch(/^[1-9][0-9]*$/);
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
});
