import { randomUUID } from 'node:crypto';
import type { Crawl, CrawlStatus } from '@kumo/contract';
import { createRedisClient, type RedisClient } from '@kumo/keyspace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createdCrawl, request, useStores } from './__fixtures__/crawl.js';
import type { CrawlList, ListCrawlsOptions } from './crawl-listing.js';
import { newCrawlId } from './crawl-records.js';
import { encodeListCursor } from './list-cursor.js';
import { indexMember, PENDING_GRACE_MS } from './owner-index.js';

const suite = useStores();
/** Plays a crashed or retried creation, and an index written long ago. */
let raw: RedisClient;
beforeAll(() => {
  raw = createRedisClient(suite.redis.url);
});
afterAll(async () => {
  await raw.quit();
});

const owner = () => `owner-${randomUUID().slice(0, 8)}`;
const T0 = Date.parse('2026-12-01T00:00:00Z');

/** Every page of `who`'s crawls, following `nextCursor` to the end; `between` runs after each page. */
async function pageThrough(
  who: string,
  options: Omit<ListCrawlsOptions, 'cursor'>,
  between: (page: CrawlList) => Promise<void> = async () => {},
): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await suite.stores.crawls.listing.listCrawls(who, { ...options, ...(cursor ? { cursor } : {}) });
    expect(page.items.length).toBeLessThanOrEqual(options.limit ?? 20);
    ids.push(...page.items.map((crawl: Crawl) => crawl.id));
    pages++;
    await between(page);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return { ids, pages };
}

describe('an owner’s crawls', () => {
  it('lists only the owner’s crawls, newest first, across pages with nothing missing or repeated', async () => {
    const [alice, bob] = [owner(), owner()];
    const expected: string[] = [];
    for (let i = 0; i < 23; i++) {
      // Two crawls in the same millisecond: the id orders them, the cursor still tells them apart.
      const at = new Date(T0 + Math.floor(i / 2) * 1000);
      expected.push(await createdCrawl(suite.stores.crawls, alice, at));
      await createdCrawl(suite.stores.crawls, bob, at);
    }
    const { ids: all } = await pageThrough(alice, { limit: 100 });
    expect(all.toSorted()).toEqual(expected.toSorted());
    const times = (await Promise.all(all.map((id) => suite.stores.crawls.records.getCrawl(id)))).map((state) =>
      Date.parse(state!.crawl.createdAt),
    );
    expect(times).toEqual(times.toSorted((a, b) => b - a));
    for (const limit of [1, 2, 5, 7, 23]) {
      const { ids } = await pageThrough(alice, { limit });
      expect(ids).toEqual(all);
    }
  });

  it('filters by status without losing or repeating crawls', async () => {
    const who = owner();
    const newestFirst: { id: string; status: CrawlStatus }[] = [];
    const statuses: CrawlStatus[] = ['queued', 'running', 'completed', 'cancelled', 'failed'];
    for (let i = 0; i < 30; i++) {
      const id = await createdCrawl(suite.stores.crawls, who, new Date(T0 + i));
      const status = statuses[i % statuses.length]!;
      if (status !== 'queued') await suite.stores.crawls.lifecycle.markRunning(id, new Date());
      if (status !== 'queued' && status !== 'running')
        await suite.stores.crawls.lifecycle.finish(id, status, new Date());
      newestFirst.unshift({ id, status });
    }
    const only = (...wanted: CrawlStatus[]) =>
      newestFirst.filter((crawl) => wanted.includes(crawl.status)).map((crawl) => crawl.id);
    expect((await pageThrough(who, { statuses: ['running', 'failed'], limit: 4 })).ids).toEqual(
      only('running', 'failed'),
    );
    expect((await pageThrough(who, { statuses: ['completed'], limit: 100 })).ids).toEqual(only('completed'));
    expect((await pageThrough(who, { limit: 3 })).ids).toEqual(only(...statuses));
  });

  it('keeps a stable cursor while new crawls are created during paging', async () => {
    const who = owner();
    const before: string[] = [];
    for (let i = 0; i < 12; i++) before.unshift(await createdCrawl(suite.stores.crawls, who, new Date(T0 + i)));
    const { ids } = await pageThrough(who, { limit: 5 }, async () => {
      await createdCrawl(suite.stores.crawls, who, new Date(T0 + 1_000_000));
      await createdCrawl(suite.stores.crawls, who, new Date());
    });
    expect(ids.slice(0, 5)).toEqual(before.slice(0, 5));
    expect(ids).toEqual(before);
  });

  it('ends with an empty last page past the end, and refuses a cursor it did not produce', async () => {
    const who = owner();
    await createdCrawl(suite.stores.crawls, who, new Date(T0));
    const listing = suite.stores.crawls.listing;
    const past = encodeListCursor(indexMember(0, newCrawlId()));
    expect(await listing.listCrawls(who, { cursor: past })).toEqual({ items: [], nextCursor: null });
    expect(await listing.listCrawls(owner())).toEqual({ items: [], nextCursor: null });
    for (const cursor of ['', 'x', encodeListCursor('123:c'), encodeListCursor(`${indexMember(1, newCrawlId())} `)]) {
      await expect(listing.listCrawls(who, { cursor })).rejects.toMatchObject({ code: 'KUMO_STATE_INVALID_CURSOR' });
    }
    await expect(listing.listCrawls(who, { limit: 101 })).rejects.toMatchObject({ code: 'KUMO_STATE_INVALID_OPTION' });
  });

  it('skips entries without a live record: prunes expired ones and retried creations, keeps a fresh pending one', async () => {
    const who = owner();
    const { store, keys, crawls } = suite.stores;
    const live = await createdCrawl(crawls, who, new Date());
    const expired = await createdCrawl(crawls, who, new Date(Date.now() - PENDING_GRACE_MS - 1000));
    await store.del(keys.record(expired));
    const pending = indexMember(Date.now(), newCrawlId());
    const retried = indexMember(Date.now() - 5, live);
    const index = keys.ownerCrawls(who);
    // A crash between the index entry and the record, and a creation retried with the same id: written raw.
    await raw.zadd(index, 0, pending, 0, retried);

    const page = await crawls.listing.listCrawls(who);
    expect(page.items.map((crawl) => crawl.id)).toEqual([live]);
    const left = await store.zRangeByLex(index, { count: 10, order: 'asc' });
    expect(left).toContain(pending);
    expect(left).not.toContain(retried);
    expect(left.some((member) => member.endsWith(expired))).toBe(false);
  });

  it('prunes expired entries older than the record TTL when a crawl is created', async () => {
    const who = owner();
    const { store, keys, crawls } = suite.stores;
    const old = await createdCrawl(crawls, who, new Date(Date.now() - 2 * 3_600_000));
    const oldAlive = await createdCrawl(crawls, who, new Date(Date.now() - 2 * 3_600_000 + 1));
    await store.del(keys.record(old));
    await createdCrawl(crawls, who, new Date());
    const left = await store.zRangeByLex(keys.ownerCrawls(who), { count: 10, order: 'asc' });
    expect(left).toHaveLength(2);
    expect(left[0]).toContain(oldAlive);
  });

  it('keeps the index at least as long as its longest-lived crawl record', async () => {
    const who = owner();
    const { store, keys, crawls } = suite.stores;
    const id = await crawls.records
      .createCrawl({ id: newCrawlId(), owner: who, request, createdAt: new Date() })
      .then((state) => state.crawl.id);
    const index = keys.ownerCrawls(who);
    expect(await store.pttl(index)).toBeGreaterThanOrEqual((await store.pttl(keys.record(id))) - 1000);
    // Shortened (as if the index were written long ago): settling the crawl renews it to the record's TTL.
    await raw.pexpire(index, 5_000);
    await crawls.lifecycle.settle(id, 'completed', new Date());
    expect(await store.pttl(index)).toBeGreaterThan(3_500_000);
    expect(await store.pttl(index)).toBeGreaterThanOrEqual((await store.pttl(keys.record(id))) - 1000);
  });
});
