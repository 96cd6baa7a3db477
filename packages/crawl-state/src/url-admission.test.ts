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
