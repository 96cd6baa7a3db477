import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createRedisClient, KeySpace, KeyStore } from '@kumo/keyspace';
import { startEmbeddedRedis, type RedisHandle } from '@kumo/local-redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema, loadConfig } from '@kumo/config';
import {
  createHostLimiter,
  HostLimiter,
  hostSpacingMs,
  limiterHost,
  MAX_HOST_LEASE_MS,
  PLAN_SLACK_MS,
  RedisRobotsStore,
  type HostAcquireResult,
} from './host-state.js';

let redis: RedisHandle;
let dir: string;
const stores: KeyStore[] = [];
let prefixCounter = 0;

/** Two stores on two connections (as two processes would have), one fresh prefix per test. */
function twoStores(): [KeyStore, KeyStore] {
  const keySpace = new KeySpace({ prefix: `hl${process.pid}x${prefixCounter++}` });
  const a = new KeyStore(createRedisClient(redis.url), keySpace);
  const b = new KeyStore(createRedisClient(redis.url), keySpace);
  stores.push(a, b);
  return [a, b];
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'kumo-host-limiter-'));
  redis = await startEmbeddedRedis({ dir });
});

afterAll(async () => {
  await Promise.all(stores.map((store) => store.close()));
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A crawl with no politeness of its own. */
const crawl = { crawlId: 'c1' };

function expectWait(answer: HostAcquireResult, reason: 'not-yet' | 'busy'): number {
  if (answer.granted) throw new Error('expected a wait');
  expect(answer.reason).toBe(reason);
  return answer.waitMs;
}

describe('HostLimiter', () => {
  it('grants no more than `concurrency` leases at once to two processes racing, and frees a slot on release', async () => {
    const [a, b] = twoStores();
    const limiters = [
      new HostLimiter(a, { concurrency: 3, delayMs: 0 }),
      new HostLimiter(b, { concurrency: 3, delayMs: 0 }),
    ];
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => limiters[i % 2]!.acquire('example.test', crawl)),
    );
    const granted = results.filter((result) => result.granted);
    expect(granted).toHaveLength(3);
    for (const result of results) if (!result.granted) expect(expectWait(result, 'busy')).toBeGreaterThan(0);

    const first = granted[0]!;
    if (!first.granted) throw new Error('unreachable');
    await limiters[1]!.release(first.lease);
    expect((await limiters[0]!.acquire('example.test', crawl)).granted).toBe(true);
    expect((await limiters[1]!.acquire('example.test', crawl)).granted).toBe(false);
    // Another host has its own budget.
    expect((await limiters[1]!.acquire('other.test', crawl)).granted).toBe(true);
  });

  it('keeps a dispatch margin on top of the delay: 10 %, at least 15 ms and at most 50 ms, none without a delay', () => {
    expect([0, 1, 50, 100, 250, 499, 1000, 600_000].map(hostSpacingMs)).toEqual([
      0, 16, 65, 115, 275, 549, 1050, 600_050,
    ]);
  });

  it('spaces request starts by delayMs across processes, and grants again once the delay has passed', async () => {
    const [a, b] = twoStores();
    const one = new HostLimiter(a, { concurrency: 10, delayMs: 400 });
    const two = new HostLimiter(b, { concurrency: 10, delayMs: 400 });
    expect((await one.acquire('slow.test', crawl)).granted).toBe(true);
    const waitMs = expectWait(await two.acquire('slow.test', crawl), 'not-yet');
    // The delay plus the dispatch margin (hostSpacingMs): 440 ms.
    expect(waitMs).toBeGreaterThan(400);
    expect(waitMs).toBeLessThanOrEqual(hostSpacingMs(400));
    await sleep(waitMs + 20);
    expect((await two.acquire('slow.test', crawl)).granted).toBe(true);
    expectWait(await one.acquire('slow.test', crawl), 'not-yet');
  });

  it.each([
    { name: 'robots Crawl-delay above the configured delay', delayMs: 0, robotsDelayMs: 700, cap: 1000, max: 700 },
    { name: 'Crawl-delay capped by maxCrawlDelayMs', delayMs: 0, robotsDelayMs: 3_600_000, cap: 500, max: 500 },
    { name: 'configured delay above Crawl-delay', delayMs: 600, robotsDelayMs: 100, cap: 1000, max: 600 },
  ])('uses the larger delay: $name', async ({ delayMs, robotsDelayMs, cap, max }) => {
    const [a] = twoStores();
    const limiter = new HostLimiter(a, { concurrency: 5, delayMs, maxCrawlDelayMs: cap });
    expect((await limiter.acquire('robots.test', crawl, { robotsDelayMs })).granted).toBe(true);
    const waitMs = expectWait(await limiter.acquire('robots.test', crawl, { robotsDelayMs }), 'not-yet');
    expect(waitMs).toBeGreaterThan(max / 2);
    expect(waitMs).toBeLessThanOrEqual(hostSpacingMs(max));
  });

  it('holds a host back during a Retry-After back-off, and a shorter back-off does not shorten it', async () => {
    const [a, b] = twoStores();
    const limiter = new HostLimiter(a, { concurrency: 5, delayMs: 0 });
    await new HostLimiter(b, { concurrency: 5, delayMs: 0 }).backOff('busy.test', 5000);
    await limiter.backOff('busy.test', 10);
    const waitMs = expectWait(await limiter.acquire('busy.test', crawl), 'not-yet');
    expect(waitMs).toBeGreaterThan(4000);
    expect(waitMs).toBeLessThanOrEqual(5000);
    // Planning starts nothing before the back-off ends either.
    const [planned] = await limiter.plan('busy.test', crawl, 1);
    expect(planned).toBeGreaterThan(4000);
    expect((await limiter.acquire('calm.test', crawl)).granted).toBe(true);
  });

  it('frees the slot of a lease never released (a dead process) after leaseMs', async () => {
    const [a, b] = twoStores();
    const dead = new HostLimiter(a, { concurrency: 1, delayMs: 0, leaseMs: 300 });
    const alive = new HostLimiter(b, { concurrency: 1, delayMs: 0, leaseMs: 300, busyWaitMs: 5000 });
    expect((await dead.acquire('crash.test', crawl)).granted).toBe(true);
    const waitMs = expectWait(await alive.acquire('crash.test', crawl), 'busy');
    // The suggested wait is capped by the lease's expiry, not the 5 s busy wait.
    expect(waitMs).toBeLessThanOrEqual(300);
    await sleep(waitMs + 20);
    expect((await alive.acquire('crash.test', crawl)).granted).toBe(true);
  });

  it('estimates when a busy host frees from its observed fetch time', async () => {
    const [a] = twoStores();
    const limiter = new HostLimiter(a, { concurrency: 1, delayMs: 0, busyWaitMs: 5000 });
    const first = await limiter.acquire('fetch.test', crawl);
    if (!first.granted) throw new Error('expected a lease');
    await limiter.release(first.lease, 400);
    expect((await limiter.acquire('fetch.test', crawl)).granted).toBe(true);
    const waitMs = expectWait(await limiter.acquire('fetch.test', crawl), 'busy');
    expect(waitMs).toBeGreaterThan(300);
    expect(waitMs).toBeLessThanOrEqual(400);
  });

  it("plans a crawl's starts on a host `delay` apart, after the host's latest start", async () => {
    const [a] = twoStores();
    const limiter = new HostLimiter(a, { concurrency: 4, delayMs: 250 });
    const firstAsked = Date.now();
    const first = await limiter.plan('plan.test', crawl, 4);
    expect(first[0]).toBeLessThanOrEqual(5);
    // The limiter's spacing plus the slack for dispatch: a job that reaches its acquire a few ms late is still granted.
    for (let i = 1; i < 4; i++) expect(first[i]! - first[i - 1]!).toBe(hostSpacingMs(250) + PLAN_SLACK_MS);
    // A later batch of the same crawl continues a delay after the first. Offsets count from each call's own moment:
    // on the clock, the first batch's last start is at least `firstAsked + first[3]` and the next at most
    // `nextAnswered + next`, so a gap of 250 leaves at least that between these bounds (Redis's clock and ours each
    // round to the ms).
    await sleep(100);
    const [next] = await limiter.plan('plan.test', crawl, 1);
    const nextAnswered = Date.now();
    expect(nextAnswered + next! - (firstAsked + first[3]!)).toBeGreaterThanOrEqual(248);
    expect(await limiter.plan('plan.test', crawl, 0)).toEqual([]);
  });

  it('shares a host between two crawls: the second starts at once, and each gets every other start', async () => {
    const [a, b] = twoStores();
    const one = new HostLimiter(a, { concurrency: 4, delayMs: 100 });
    const two = new HostLimiter(b, { concurrency: 4, delayMs: 100 });
    const first = await one.plan('shared.test', { crawlId: 'a' }, 50);
    expect(first[49]).toBeGreaterThan(4800);
    const second = await two.plan('shared.test', { crawlId: 'b' }, 3);
    // The second crawl does not queue behind the first's 5 s of planned starts…
    expect(second[0]).toBeLessThan(1000);
    // …and, the host now shared, its starts are twice the delay apart.
    expect(second[1]! - second[0]!).toBeGreaterThanOrEqual(199);
    // The first crawl's next starts are spaced for two crawls too.
    const more = await one.plan('shared.test', { crawlId: 'a' }, 2);
    expect(more[0]).toBeGreaterThan(3000);
    expect(more[1]! - more[0]!).toBeGreaterThanOrEqual(199);
    // Once the first crawl is cancelled and leaves the host, the second has its whole pace again.
    await one.leave('shared.test', 'a');
    const alone = await two.plan('shared.test', { crawlId: 'b' }, 2);
    expect(alone[1]! - alone[0]!).toBeLessThan(150);
  });

  it("keeps a crawl's stricter politeness on its own starts only", async () => {
    const [a] = twoStores();
    const limiter = new HostLimiter(a, { concurrency: 4, delayMs: 0 });
    const strict = { crawlId: 'strict', delayMs: 600, concurrency: 1 };
    const planned = await limiter.plan('strict.test', strict, 3);
    expect(planned[1]! - planned[0]!).toBe(hostSpacingMs(600) + PLAN_SLACK_MS);
    const lease = await limiter.acquire('strict.test', strict);
    if (!lease.granted) throw new Error('expected a lease');
    // The strict crawl waits out its own delay; the host's other crawls do not.
    const waitMs = expectWait(await limiter.acquire('strict.test', strict), 'not-yet');
    expect(waitMs).toBeGreaterThan(500);
    expect(waitMs).toBeLessThanOrEqual(hostSpacingMs(600));
    expect((await limiter.acquire('strict.test', { crawlId: 'other' })).granted).toBe(true);
    // A crawl limited to one request in flight holds its one slot; the host's other slots stay free for others.
    const single = { crawlId: 'single', concurrency: 1 };
    const only = await limiter.acquire('strict.test', single);
    if (!only.granted) throw new Error('expected a lease');
    expectWait(await limiter.acquire('strict.test', single), 'busy');
    expect((await limiter.acquire('strict.test', { crawlId: 'other' })).granted).toBe(true);
    await limiter.release(only.lease);
    expect((await limiter.acquire('strict.test', single)).granted).toBe(true);
  });

  it('paces planning by the observed fetch time when concurrency, not delay, is the limit', async () => {
    const [a] = twoStores();
    const limiter = new HostLimiter(a, { concurrency: 2, delayMs: 0 });
    expect(await limiter.plan('pace.test', crawl, 3)).toEqual([0, 0, 0]);
    const lease = await limiter.acquire('pace.test', crawl);
    if (!lease.granted) throw new Error('expected a lease');
    await limiter.release(lease.lease, 100);
    const planned = await limiter.plan('pace.test', { crawlId: 'c2' }, 3);
    // 100 ms per fetch over 2 slots: a start every 50 ms.
    expect(planned[2]! - planned[0]!).toBeGreaterThanOrEqual(99);
  });

  it('paces by how long a request held its slot (grant to release), not by its fetch time alone', async () => {
    const [a] = twoStores();
    const limiter = new HostLimiter(a, { concurrency: 1, delayMs: 0, busyWaitMs: 5000 });
    const first = await limiter.acquire('hold.test', crawl);
    if (!first.granted) throw new Error('expected a lease');
    // A 10 ms fetch whose slot stayed taken for 150 ms (round trips, a busy event loop) before its release.
    await sleep(150);
    await limiter.release(first.lease, 10);
    const planned = await limiter.plan('hold.test', { crawlId: 'c2' }, 3);
    expect(planned[2]! - planned[0]!).toBeGreaterThanOrEqual(2 * 150);
    expect((await limiter.acquire('hold.test', crawl)).granted).toBe(true);
    expect(expectWait(await limiter.acquire('hold.test', crawl), 'busy')).toBeGreaterThan(100);
  });

  it('plans no start beyond the horizon: those jobs come back then and plan again', async () => {
    const [a] = twoStores();
    const limiter = new HostLimiter(a, { concurrency: 1, delayMs: 600, planHorizonMs: 1000 });
    expect(await limiter.plan('far.test', crawl, 4)).toEqual([expect.any(Number), expect.any(Number), 1000, 1000]);
  });

  it('writes only ratelimit keys tagged with the host, each with a TTL', async () => {
    const [a] = twoStores();
    const limiter = new HostLimiter(a, { concurrency: 2, delayMs: 50 });
    await limiter.plan('ttl.test:8080', crawl, 3);
    await limiter.acquire('ttl.test:8080', crawl);
    await limiter.backOff('ttl.test:8080', 1000);
    const keys = ['leases', 'state', 'crawls', 'crawl-starts'].map((part) =>
      a.keySpace.hostKey('ratelimit', 'ttl.test:8080', part),
    );
    for (const key of keys) {
      expect(key).toContain(':ratelimit:{h:ttl.test:8080}:');
      expect(await a.pttl(key)).toBeGreaterThan(0);
    }
  });

  it.each([
    { options: { concurrency: 0, delayMs: 0 }, message: /concurrency/ },
    { options: { concurrency: 1.5, delayMs: 0 }, message: /concurrency/ },
    { options: { concurrency: 1, delayMs: -1 }, message: /delayMs/ },
    { options: { concurrency: 1, delayMs: 0, leaseMs: 0 }, message: /leaseMs/ },
    { options: { concurrency: 1, delayMs: 0, planHorizonMs: 10 }, message: /planHorizonMs/ },
    { options: { concurrency: 1, delayMs: 0, busyWaitMs: Number.NaN }, message: /busyWaitMs/ },
  ])('rejects invalid options naming the option: $options', ({ options, message }) => {
    const [a] = twoStores();
    expect(() => new HostLimiter(a, options)).toThrow(message);
    try {
      new HostLimiter(a, options);
    } catch (error) {
      expect((error as { code?: string }).code).toBe('KUMO_CRAWL_JOBS_INVALID_OPTIONS');
    }
  });
});

describe("createHostLimiter (the crawl-worker's limiter, from @kumo/config)", () => {
  /** Acquires until granted, at most `rounds` times, waiting what the limiter suggests; the number of denials. */
  async function denialsUntilGranted(limiter: HostLimiter, host: string, rounds: number): Promise<number> {
    for (let denied = 0; denied < rounds; denied++) {
      const answer = await limiter.acquire(host, crawl);
      if (answer.granted) return denied;
      await sleep(answer.waitMs + 10);
    }
    return rounds;
  }

  it('frees the slot of a dead process after CRAWL_HOST_LEASE_MS', async () => {
    const [a, b] = twoStores();
    const settings = { CRAWL_HOST_CONCURRENCY: '1', CRAWL_HOST_DELAY_MS: '0', CRAWL_HOST_LEASE_MS: '1000' };
    const dead = createHostLimiter(a, loadConfig(settings));
    const alive = createHostLimiter(b, loadConfig(settings));
    expect((await dead.acquire('lease.test', crawl)).granted).toBe(true);
    // The busy wait is 250 ms: a few denials, then the 1 s lease has expired (with the default 60 s: ~240 denials).
    const denials = await denialsUntilGranted(alive, 'lease.test', 40);
    expect(denials).toBeGreaterThan(0);
    expect(denials).toBeLessThan(40);
  });

  it('takes the default lease of 60 s when CRAWL_HOST_LEASE_MS is unset', async () => {
    const [a, b] = twoStores();
    const config = loadConfig({ CRAWL_HOST_CONCURRENCY: '1', CRAWL_HOST_DELAY_MS: '0' });
    expect(config.CRAWL_HOST_LEASE_MS).toBe(60_000);
    expect((await createHostLimiter(a, config).acquire('default.test', crawl)).granted).toBe(true);
    const leases = b.keySpace.hostKey('ratelimit', 'default.test', 'leases');
    // The leases key lives the lease plus the 60 s state margin.
    expect(await b.pttl(leases)).toBeGreaterThan(110_000);
  });

  it('accepts every lease the configuration accepts, and the configuration refuses what the limiter would', () => {
    const [a] = twoStores();
    const base = { CRAWL_HOST_CONCURRENCY: '1', CRAWL_HOST_DELAY_MS: '0' };
    const shape = configSchema.shape.CRAWL_HOST_LEASE_MS;
    expect(shape.safeParse(String(MAX_HOST_LEASE_MS)).success).toBe(true);
    expect(shape.safeParse(String(MAX_HOST_LEASE_MS + 1)).success).toBe(false);
    expect(shape.safeParse('0').success).toBe(false);
    for (const lease of ['1000', String(MAX_HOST_LEASE_MS)]) {
      expect(() => createHostLimiter(a, loadConfig({ ...base, CRAWL_HOST_LEASE_MS: lease }))).not.toThrow();
    }
    expect(() => new HostLimiter(a, { concurrency: 1, delayMs: 0, leaseMs: MAX_HOST_LEASE_MS + 1 })).toThrow(
      /leaseMs must be an integer from 1 to/,
    );
    expect(() => loadConfig({ ...base, CRAWL_HOST_LEASE_MS: '999' })).toThrow(/CRAWL_HOST_LEASE_MS/);
  });
});

describe('limiterHost', () => {
  it.each([
    ['https://Example.COM/a?b', 'example.com'],
    ['http://127.0.0.1:8080/x', '127.0.0.1:8080'],
    ['http://example.com:80/', 'example.com'],
  ])('%s → %s', (url, host) => {
    expect(limiterHost(url)).toBe(host);
  });
});

describe('RedisRobotsStore', () => {
  let store: KeyStore;

  beforeAll(() => {
    store = new KeyStore(createRedisClient(redis.url), new KeySpace({ prefix: 'robots' }));
  });

  afterAll(async () => {
    await store?.close();
  });

  it('shares robots.txt bodies by origin under cache:robots:<origin> with the configured TTL', async () => {
    const one = new RedisRobotsStore(store, { ttlMs: 30_000 });
    const two = new RedisRobotsStore(store, { ttlMs: 30_000 });
    expect(await one.get('http://127.0.0.1:8080')).toBeNull();
    await one.set('http://127.0.0.1:8080', 'User-agent: *\nDisallow: /private/\n');
    await one.set('https://example.test', '');
    expect(await two.get('http://127.0.0.1:8080')).toBe('User-agent: *\nDisallow: /private/\n');
    // An empty body ("allow everything") is a stored value, not a miss.
    expect(await two.get('https://example.test')).toBe('');
    const key = store.keySpace.key('cache', 'robots', 'http://127.0.0.1:8080');
    expect(key).toBe('robots:cache:robots:http://127.0.0.1:8080');
    const ttl = await store.pttl(key);
    expect(ttl).toBeGreaterThan(20_000);
    expect(ttl).toBeLessThanOrEqual(30_000);
  });

  it.each([0, -1, 1.5, Number.NaN, 40 * 86_400_000])('rejects ttlMs %s', (ttlMs) => {
    expect(() => new RedisRobotsStore(store, { ttlMs })).toThrow(/ttlMs/);
  });
});
