import type { Request, Response } from 'express';
import { rateLimit } from '@kumo/api';
import { createRedisClient, KeySpace, KeyStore } from '@kumo/keyspace';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { uniquePrefix } from '../helpers/env.js';

// The API's rate limit against a real Redis: exact on one process, shared by several, and batched under load
// (a burst costs a handful of INCRBYs, not one per request).
const redisUrl = inject('redisUrl');
const client = createRedisClient(redisUrl, { connectionName: 'kumo:test:ratelimit' });

afterAll(async () => {
  await client.quit();
});

/** One request through the middleware: its status (200 when it passed) and the headers it set. */
function call(middleware: ReturnType<typeof rateLimit>, owner: string) {
  const headers = new Map<string, string>();
  const req = { owner } as Request;
  const res = { setHeader: (name: string, value: string) => headers.set(name, value) } as unknown as Response;
  return new Promise<{ status: number; remaining: number }>((resolve, reject) => {
    middleware(req, res, (error?: unknown) => {
      if (error === undefined) resolve({ status: 200, remaining: Number(headers.get('RateLimit-Remaining')) });
      else if ((error as { code?: string }).code === 'KUMO_API_RATE_LIMITED') {
        resolve({ status: 429, remaining: Number(headers.get('RateLimit-Remaining')) });
      } else reject(error as Error);
    });
  });
}

/** The real store, counting its INCRBYs (the shared test Redis's own statistics include other files' traffic). */
class CountingStore extends KeyStore {
  incrBys = 0;
  override incrBy(...args: Parameters<KeyStore['incrBy']>): ReturnType<KeyStore['incrBy']> {
    this.incrBys += 1;
    return super.incrBy(...args);
  }
}

function setup(options: { limit: number; now?: () => number; syncMs?: number }) {
  const store = new CountingStore(client, new KeySpace({ prefix: uniquePrefix('rl') }));
  // A window far from its end, so that no test straddles a minute boundary.
  const windowMs = 3_600_000;
  return {
    store,
    limiter: () => rateLimit({ store, windowMs, ...options }),
    counter: (owner: string, at: number) =>
      store.keySpace.key('ratelimit', 'api', owner, String(Math.floor(at / windowMs))),
  };
}

describe('rateLimit', () => {
  it('counts exactly on one process: the request after the limit gets 429', async () => {
    const { limiter } = setup({ limit: 5 });
    const middleware = limiter();
    const results = [];
    for (let i = 0; i < 7; i++) results.push(await call(middleware, 'alice'));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 429, 429]);
    expect(results.map((r) => r.remaining)).toEqual([4, 3, 2, 1, 0, 0, 0]);
    // Another key has a budget of its own.
    expect((await call(middleware, 'bob')).status).toBe(200);
  });

  it('shares one budget between processes when requests are spread out in time', async () => {
    let clock = 1_000_000;
    const { limiter } = setup({ limit: 6, now: () => clock });
    const [a, b] = [limiter(), limiter()];
    const statuses = [];
    for (let i = 0; i < 8; i++) {
      clock += 100; // each request finds its process's count stale: it syncs first
      statuses.push((await call(i % 2 === 0 ? a : b, 'carol')).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429, 429]);
  });

  it('batches a burst: 500 concurrent requests cost a few INCRBYs and all reach the shared counter', async () => {
    const at = Date.now();
    const { limiter, store, counter } = setup({ limit: 1_000_000, syncMs: 60_000 });
    const middleware = limiter();
    const results = await Promise.all(Array.from({ length: 500 }, () => call(middleware, 'dave')));
    expect(results.every((r) => r.status === 200)).toBe(true);
    // One more request after the burst flushes what is still pending (it is past syncEvery or waits for a sync).
    await call(middleware, 'dave');
    const commands = store.incrBys;
    expect(commands).toBeLessThan(500 / 32 + 5);
    expect(commands).toBeGreaterThanOrEqual(1);
    const shared = Number((await store.get(counter('dave', at))) ?? 0);
    // Everything but the requests of the last, not yet full batch has reached Redis.
    expect(shared).toBeGreaterThan(501 - 32);
    expect(shared).toBeLessThanOrEqual(501);
  });

  it('lets exactly the limit through in a concurrent burst, on one process and on many', async () => {
    const { limiter } = setup({ limit: 100, syncMs: 60_000 });
    const single = limiter();
    const burst = await Promise.all(Array.from({ length: 300 }, () => call(single, 'erin')));
    expect(burst.filter((r) => r.status === 200)).toHaveLength(100);
    // 300 limiters of one request each: 300 processes, each syncing its only request.
    const spread = await Promise.all(Array.from({ length: 300 }, () => call(limiter(), 'frank')));
    expect(spread.filter((r) => r.status === 200)).toHaveLength(100);
  });

  it('fails open when Redis answers but refuses the write (OOM, READONLY): decided on its own count, counted', async () => {
    const refusals: unknown[] = [];
    const store = new KeyStore(client, new KeySpace({ prefix: uniquePrefix('rl') }));
    store.incrBy = () => Promise.reject(new Error("OOM command not allowed when used memory > 'maxmemory'."));
    const limiter = rateLimit({ store, limit: 3, onFailOpen: (error) => refusals.push(error) });
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await call(limiter, 'hank'));
    // Still limited by this process's own count; each refusal counted.
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 429, 429]);
    expect(refusals.length).toBeGreaterThan(0);
  });

  it('passes a Redis failure to the error handler instead of letting the request through', async () => {
    const broken = createRedisClient('redis://127.0.0.1:1', {
      connectionName: 'kumo:test:ratelimit-broken',
      maxRetriesPerRequest: 0,
    });
    broken.on('error', () => undefined);
    try {
      const store = new KeyStore(broken, new KeySpace({ prefix: uniquePrefix('rl') }));
      await expect(call(rateLimit({ store, limit: 5 }), 'gina')).rejects.toThrow();
    } finally {
      broken.disconnect();
    }
  });
});
