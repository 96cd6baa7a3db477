import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analysis, openStores, page, request, useStores } from './__fixtures__/crawl.js';
import { newCrawlId } from './crawl-records.js';
import { encodeCursor } from './cursor.js';

// A long progress interval: only the first write of a crawl emits progress until the lock is removed.
const suite = useStores({ progressIntervalMs: 3_600_000 });

describe('the result stream', () => {
  it('appends pages, analyses and done; counts each; idempotent per URL', async () => {
    const { crawls } = suite.stores;
    const id = await suite.created();
    expect(await crawls.admission.admitUrls(id, ['http://a/', 'http://b/', 'http://c/'], 10)).toHaveLength(3);
    const first = await crawls.results.appendPage(id, { ...page('http://a/'), analysis: analysis(9) });
    expect(await crawls.results.appendPage(id, page('http://a/'))).toBe(first);
    await crawls.results.appendPage(id, page('http://b/', 'failed'));
    await crawls.results.appendPage(id, page('http://c/', 'skipped'));
    const analysisId = await crawls.results.appendAnalysis(id, 'http://a/', analysis(5));
    expect(await crawls.results.appendAnalysis(id, 'http://a/', analysis(6))).toBe(analysisId);
    const done = await crawls.results.appendDone(id, 'completed');
    expect(await crawls.results.appendDone(id, 'completed')).toBe(done);

    const counts = { discovered: 3, fetched: 1, failed: 1, skipped: 1, analyzed: 1, dropped: 0 };
    expect(await crawls.records.counts(id)).toEqual(counts);
    const events = await crawls.results.readEvents(id, { count: 100 });
    expect(events.map((e) => e.type)).toEqual(['page', 'progress', 'page', 'page', 'analysis', 'done']);
    expect(JSON.parse(events[0]!.data)).toEqual(page('http://a/'));
    expect(JSON.parse(events[1]!.data)).toEqual({
      discovered: 3,
      fetched: 1,
      failed: 0,
      skipped: 0,
      analyzed: 0,
      dropped: 0,
    });
    expect(JSON.parse(events[4]!.data)).toEqual({ url: 'http://a/', analysis: analysis(5) });
    expect(JSON.parse(events[5]!.data)).toEqual({ status: 'completed', counts, truncated: false });
    expect(events[0]!.id).toBe(first);

    // Resuming after an id (Last-Event-ID) returns the rest, nothing repeated.
    expect((await crawls.results.readEvents(id, { after: events[2]!.id, count: 2 })).map((e) => e.id)).toEqual([
      events[3]!.id,
      events[4]!.id,
    ]);
    expect(await crawls.results.readEvents(id, { after: done, count: 10 })).toEqual([]);
  });

  it('emits at most one progress event per interval (the lock decides, not the clock)', async () => {
    const { crawls, store } = suite.stores;
    const id = await suite.created();
    for (let i = 0; i < 10; i++) await crawls.results.appendPage(id, page(`http://p/${i}`));
    const progress = () =>
      crawls.results.readEvents(id, { count: 1000 }).then((all) => all.filter((e) => e.type === 'progress'));
    expect(await progress()).toHaveLength(1);
    const lockTtl = await store.pttl(suite.stores.keys.progress(id));
    expect(lockTtl).toBeGreaterThan(0);
    // The interval elapses: the lock key expires.
    await store.del(suite.stores.keys.progress(id));
    await crawls.results.appendAnalysis(id, 'http://p/1', analysis(1));
    const events = await progress();
    expect(events).toHaveLength(2);
    expect(JSON.parse(events[1]!.data)).toMatchObject({ fetched: 10, analyzed: 1 });
  });
});

describe('the report', () => {
  it('suite.stores and reads the report', async () => {
    const id = await suite.created();
    const report = {
      id,
      pages: { fetched: 1, failed: 0 },
      keywords: [],
      phrases: [],
      cooccurrence: [],
      variations: [],
    };
    await suite.stores.crawls.reports.putReport(id, report);
    expect(await suite.stores.crawls.reports.getReport(id)).toEqual(report);
  });
});

describe('readPages', () => {
  let stores: ReturnType<typeof openStores>;
  let id: string;
  const urls = Array.from({ length: 25 }, (_, i) => `http://site/${i}`);

  beforeAll(async () => {
    // Its own stores (own prefix, a 1 ms progress interval) on the file's Redis.
    stores = openStores(suite.redis.url, undefined, { progressIntervalMs: 1 });
    id = newCrawlId();
    const { crawls } = stores;
    await crawls.records.createCrawl({ id, owner: 'o', request, createdAt: new Date() });
    await crawls.admission.admitUrls(id, urls, 100);
    // Pages interleaved with analyses (of earlier pages) and progress events, as workers produce them.
    for (const [index, url] of urls.entries()) {
      await crawls.results.appendPage(id, page(url));
      if (index % 3 === 0) await crawls.results.appendAnalysis(id, url, analysis(index));
      if (index % 4 === 1) await stores.store.del(stores.keys.progress(id));
    }
    await crawls.results.appendDone(id, 'completed');
  });

  afterAll(async () => {
    await stores.store.close();
  });

  it.each([1, 7, 25, 100])('pages through every page exactly once, in order, with limit %i', async (limit) => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let calls = 0; calls < 100; calls++) {
      const result = await stores.crawls.pages.readPages(id, { limit, ...(cursor === undefined ? {} : { cursor }) });
      expect(result.items.length).toBeLessThanOrEqual(limit);
      seen.push(...result.items.map((item) => item.url));
      if (result.nextCursor === null) break;
      cursor = result.nextCursor;
    }
    expect(seen).toEqual(urls);
  });

  it('attaches the analysis of analysed pages only', async () => {
    const { items } = await stores.crawls.pages.readPages(id, { limit: 6 });
    expect(items.map((item) => item.analysis?.tokens)).toEqual([0, undefined, undefined, 3, undefined, undefined]);
    expect(items[3]).toEqual({ ...page(urls[3]!), analysis: analysis(3) });
  });

  it('returns no cursor when no page follows right now', async () => {
    const all = await stores.crawls.pages.readPages(id, { limit: 500 });
    expect(all.items).toHaveLength(25);
    expect(all.nextCursor).toBeNull();
    const other = newCrawlId();
    expect(await stores.crawls.pages.readPages(other, { limit: 10 })).toEqual({ items: [], nextCursor: null });
  });

  it.each([
    ['not base64 of an id', 'bm90LWFuLWlk'],
    ['garbage', '!!!'],
    ['non-canonical', `${encodeCursor('1-1')}=`],
  ])('rejects a cursor that is %s with KUMO_STATE_INVALID_CURSOR', async (_what, cursor) => {
    await expect(stores.crawls.pages.readPages(id, { limit: 5, cursor })).rejects.toMatchObject({
      code: 'KUMO_STATE_INVALID_CURSOR',
    });
  });
});
