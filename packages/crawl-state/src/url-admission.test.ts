import { createRedisClient } from '@kumo/keyspace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStores, request } from './__fixtures__/crawl.js';
import { startTestRedis } from './__fixtures__/redis.js';
import { newCrawlId } from './crawl-records.js';

let redis: Awaited<ReturnType<typeof startTestRedis>>;
let one: ReturnType<typeof openStores>;
let two: ReturnType<typeof openStores>;

beforeAll(async () => {
  redis = await startTestRedis();
  one = openStores(redis.url);
  two = openStores(redis.url, one.prefix); // a second worker: own connection, same key space
});

afterAll(async () => {
  await one.store.close();
  await two.store.close();
  await redis.stop();
});

const urls = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `http://site/${from + i}`);

/** Both workers offer their 1,000 URLs in interleaved batches of 25, all in flight at once. */
async function race(id: string, maxPages: number) {
  const batches = (list: string[]) =>
    Array.from({ length: list.length / 25 }, (_, i) => list.slice(i * 25, i * 25 + 25));
  const offered = [batches(urls(0, 1000)), batches(urls(500, 1500))];
  const results = await Promise.all([
    ...offered[0]!.map((batch) => one.crawls.admission.admitUrls(id, batch, maxPages)),
    ...offered[1]!.map((batch) => two.crawls.admission.admitUrls(id, batch, maxPages)),
  ]);
  return results.flat();
}

describe('admitUrls', () => {
  it('keeps order and skips what was seen, within one call and across calls', async () => {
    const id = newCrawlId();
    await one.crawls.records.createCrawl({ id, owner: 'o', request, createdAt: new Date() });
    expect(await one.crawls.admission.admitUrls(id, ['http://b/', 'http://a/', 'http://b/', 'http://c/'], 10)).toEqual([
      'http://b/',
      'http://a/',
      'http://c/',
    ]);
    expect(await two.crawls.admission.admitUrls(id, ['http://c/', 'http://d/', 'http://a/'], 10)).toEqual([
      'http://d/',
    ]);
    expect(await one.crawls.admission.admitUrls(id, [], 10)).toEqual([]);
    expect((await one.crawls.records.counts(id))!.discovered).toBe(4);
  });

  it.each([
    ['a budget above the 1,500 distinct URLs admits each exactly once', 5000, 1500],
    ['a budget below them admits exactly the budget', 1200, 1200],
  ])('two workers racing over overlapping URLs: %s', async (_what, maxPages, expected) => {
    const id = newCrawlId();
    await one.crawls.records.createCrawl({ id, owner: 'o', request, createdAt: new Date() });
    const admitted = await race(id, maxPages);
    expect(admitted).toHaveLength(expected);
    expect(new Set(admitted).size).toBe(expected);
    for (const url of admitted) expect(url).toMatch(/^http:\/\/site\/\d+$/);
    expect((await one.crawls.records.counts(id))!.discovered).toBe(expected);
    expect((await one.store.sMembers(one.keys.seen(id))).length).toBe(expected);
  });

  it('admits nothing once the budget is spent', async () => {
    const id = newCrawlId();
    await one.crawls.records.createCrawl({ id, owner: 'o', request, createdAt: new Date() });
    expect(await one.crawls.admission.admitUrls(id, urls(0, 3), 2)).toEqual(urls(0, 2));
    expect(await two.crawls.admission.admitUrls(id, urls(5, 9), 2)).toEqual([]);
  });
});

/** A new `queued` crawl in the workers' key space. */
async function created(): Promise<string> {
  const id = newCrawlId();
  await one.crawls.records.createCrawl({ id, owner: 'o', request, createdAt: new Date() });
  return id;
}

/** What a client reads of the crawl: counts.dropped and truncated. */
async function droppedOf(id: string) {
  const { crawl } = (await one.crawls.records.getCrawl(id))!;
  return { dropped: crawl.counts.dropped, truncated: crawl.truncated };
}

describe('dropped links (maxPages)', () => {
  it('counts each link the budget turned away once, however often it is offered, and never an admitted one', async () => {
    const id = await created();
    expect(await one.crawls.admission.admitUrls(id, ['http://a/', 'http://b/', 'http://c/', 'http://d/'], 2)).toEqual([
      'http://a/',
      'http://b/',
    ]);
    expect(await droppedOf(id)).toEqual({ dropped: 2, truncated: true });
    // c and d again (found on another page), a already admitted, e new: only e is a new dropped link.
    expect(
      await two.crawls.admission.admitUrls(id, ['http://c/', 'http://a/', 'http://e/', 'http://d/', 'http://e/'], 2),
    ).toEqual([]);
    expect(await droppedOf(id)).toEqual({ dropped: 3, truncated: true });
    // Dropped links stay out of the seen-set: crash recovery reads the seen-set as "admitted".
    expect((await one.store.sMembers(one.keys.seen(id))).sort()).toEqual(['http://a/', 'http://b/']);
    expect((await one.store.sMembers(one.keys.dropped(id))).sort()).toEqual(['http://c/', 'http://d/', 'http://e/']);
    expect(await one.store.pttl(one.keys.dropped(id))).toBeGreaterThan(0);
    expect(await one.crawls.admission.seenAmong(id, ['http://c/', 'http://a/'])).toEqual([false, true]);
  });

  it('drops nothing while the budget holds: dropped 0, not truncated, no dropped-set', async () => {
    const id = await created();
    expect(await droppedOf(id)).toEqual({ dropped: 0, truncated: false });
    await one.crawls.admission.admitUrls(id, urls(0, 10), 10);
    expect(await droppedOf(id)).toEqual({ dropped: 0, truncated: false });
    expect(await one.store.pttl(one.keys.dropped(id))).toBe(-2);
  });

  it.each([
    ['a budget below the 1,500 distinct URLs drops exactly the rest', 1200, 300],
    ['a budget above them drops none', 5000, 0],
  ])('two workers racing over overlapping URLs, twice: %s', async (_what, maxPages, expected) => {
    const id = await created();
    const admitted = [...(await race(id, maxPages)), ...(await race(id, maxPages))];
    const dropped = await one.store.sMembers(one.keys.dropped(id));
    expect(await droppedOf(id)).toEqual({ dropped: expected, truncated: expected > 0 });
    expect(dropped).toHaveLength(expected);
    // Every distinct URL is either admitted or dropped, never both.
    expect(new Set([...admitted, ...dropped]).size).toBe(1500);
    expect(admitted.length + dropped.length).toBe(1500);
  });

  it('a cancelled crawl drops nothing, whatever is offered after the cancel', async () => {
    const id = await created();
    await one.crawls.admission.admitUrls(id, urls(0, 3), 2);
    await one.crawls.lifecycle.requestCancel(id);
    expect(await two.crawls.admission.admitUrls(id, urls(3, 50), 2)).toEqual([]);
    expect(await droppedOf(id)).toEqual({ dropped: 1, truncated: true });
  });

  it('seeds over the budget are dropped links too', async () => {
    const id = newCrawlId();
    const flows = { addCrawlFlow: async () => undefined };
    const seeds = urls(0, 5);
    await one.crawls.lifecycle.startCrawl(
      { id, owner: 'o', request: { ...request, maxPages: 3 }, seeds, createdAt: new Date() },
      flows,
    );
    expect(await droppedOf(id)).toEqual({ dropped: 2, truncated: true });
  });

  it('the done event carries counts.dropped and truncated; settling deletes the dropped-set', async () => {
    const id = await created();
    await one.crawls.admission.admitUrls(id, urls(0, 7), 4);
    await one.crawls.lifecycle.settle(id, 'completed', new Date());
    const events = await one.crawls.results.readEvents(id, { count: 10 });
    expect(JSON.parse(events.at(-1)!.data)).toMatchObject({ counts: { discovered: 4, dropped: 3 }, truncated: true });
    expect(await one.store.pttl(one.keys.dropped(id))).toBe(-2);
    expect(await droppedOf(id)).toEqual({ dropped: 3, truncated: true });
  });

  it('a record written before counts.dropped existed reads as dropped 0, not truncated, in GET and done', async () => {
    const id = await created();
    const raw = createRedisClient(redis.url);
    try {
      await raw.hdel(one.keys.record(id), 'dropped');
    } finally {
      raw.disconnect();
    }
    expect(await droppedOf(id)).toEqual({ dropped: 0, truncated: false });
    await one.crawls.lifecycle.settle(id, 'completed', new Date());
    const events = await one.crawls.results.readEvents(id, { count: 10 });
    expect(JSON.parse(events.at(-1)!.data)).toMatchObject({ counts: { dropped: 0 }, truncated: false });
  });
});

describe('seenAmong', () => {
  it('tells, in order, which URLs any worker admitted — across chunks of 1,000', async () => {
    const id = newCrawlId();
    await one.crawls.records.createCrawl({ id, owner: 'o', request, createdAt: new Date() });
    // Every third URL of 2,500 admitted, by two workers; the budget leaves the rest out.
    const all = urls(0, 2500);
    const admitted = all.filter((_url, i) => i % 3 === 0);
    await one.crawls.admission.admitUrls(id, admitted.slice(0, 400), 5000);
    await two.crawls.admission.admitUrls(id, admitted.slice(400), 5000);
    const seen = await two.crawls.admission.seenAmong(id, all);
    expect(seen).toHaveLength(all.length);
    expect(all.filter((_url, i) => seen[i])).toEqual(admitted);
    expect(await one.crawls.admission.seenAmong(id, [])).toEqual([]);
  });

  it('is all false for a crawl without a seen-set (never admitted anything, or its tmp data expired)', async () => {
    expect(await one.crawls.admission.seenAmong(newCrawlId(), urls(0, 3))).toEqual([false, false, false]);
  });

  it('costs one SMISMEMBER per 1,000 URLs and writes nothing', async () => {
    const id = newCrawlId();
    await one.crawls.records.createCrawl({ id, owner: 'o', request, createdAt: new Date() });
    await one.crawls.admission.admitUrls(id, urls(0, 10), 100);
    const calls = async () => {
      const stats = await one.store.info('commandstats');
      return Number(/cmdstat_smismember:calls=(\d+)/.exec(stats)?.[1] ?? 0);
    };
    const before = await calls();
    const ttlBefore = await one.store.pttl(one.keys.seen(id));
    await one.crawls.admission.seenAmong(id, urls(0, 2001));
    expect((await calls()) - before).toBe(3);
    expect((await one.store.sMembers(one.keys.seen(id))).length).toBe(10);
    expect(await one.store.pttl(one.keys.seen(id))).toBeLessThanOrEqual(ttlBefore);
  });
});
