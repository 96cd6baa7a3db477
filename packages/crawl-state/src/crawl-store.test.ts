import { auditKeyspace, createRedisClient } from '@kumo/keyspace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analysis, openStores, page, request } from './__fixtures__/crawl.js';
import { startTestRedis } from './__fixtures__/redis.js';
import { newCrawlId } from './crawl-id.js';
import { CrawlStore } from './crawl-store.js';

let redis: Awaited<ReturnType<typeof startTestRedis>>;
let stores: ReturnType<typeof openStores>;

beforeAll(async () => {
  redis = await startTestRedis();
  // A long progress interval: only the first write of a crawl emits progress until the lock is removed.
  stores = openStores(redis.url, undefined, { progressIntervalMs: 3_600_000 });
});

afterAll(async () => {
  await stores.store.close();
  await redis.stop();
});

async function created(owner = 'owner-1') {
  const id = newCrawlId();
  await stores.crawls.createCrawl({ id, owner, request, createdAt: new Date('2026-11-22T00:00:00Z') });
  return id;
}

describe('the crawl record', () => {
  it('creates, reads, runs once, finishes once', async () => {
    const { crawls } = stores;
    const id = await created();
    expect(await crawls.getCrawl(id)).toEqual({
      crawl: {
        id,
        status: 'queued',
        request,
        createdAt: '2026-11-22T00:00:00.000Z',
        counts: { discovered: 0, fetched: 0, failed: 0, skipped: 0, analyzed: 0 },
      },
      owner: 'owner-1',
      cancelRequested: false,
    });
    await expect(crawls.createCrawl({ id, owner: 'x', request, createdAt: new Date() })).rejects.toMatchObject({
      code: 'KUMO_STATE_CRAWL_EXISTS',
    });
    expect(await crawls.markRunning(id, '2026-11-22T00:00:01Z')).toBe(true);
    expect(await crawls.markRunning(id, '2026-11-22T00:00:09Z')).toBe(false);
    expect(await crawls.finish(id, 'completed', '2026-11-22T00:00:02Z')).toBe('completed');
    expect(await crawls.finish(id, 'failed', '2026-11-22T00:00:03Z')).toBe('completed');
    const { crawl } = (await crawls.getCrawl(id))!;
    expect(crawl).toMatchObject({
      status: 'completed',
      startedAt: '2026-11-22T00:00:01.000Z',
      finishedAt: '2026-11-22T00:00:02.000Z',
    });
  });

  it('raises the cancel flag and reports the status', async () => {
    const id = await created();
    expect(await stores.crawls.isCancelRequested(id)).toBe(false);
    expect(await stores.crawls.requestCancel(id)).toBe('queued');
    expect(await stores.crawls.isCancelRequested(id)).toBe(true);
    expect((await stores.crawls.getCrawl(id))!.cancelRequested).toBe(true);
    expect(await stores.crawls.admitUrls(id, ['http://a/'], 10)).toEqual([]);
  });

  it.each([
    ['markRunning', (crawls: CrawlStore, id: string) => crawls.markRunning(id, new Date())],
    ['finish', (crawls: CrawlStore, id: string) => crawls.finish(id, 'failed', new Date())],
    ['admitUrls', (crawls: CrawlStore, id: string) => crawls.admitUrls(id, ['http://a/'], 5)],
    ['appendPage', (crawls: CrawlStore, id: string) => crawls.appendPage(id, page('http://a/'))],
    ['appendAnalysis', (crawls: CrawlStore, id: string) => crawls.appendAnalysis(id, 'http://a/', analysis(1))],
    ['appendDone', (crawls: CrawlStore, id: string) => crawls.appendDone(id, 'completed')],
  ])('%s of an unknown crawl throws CrawlNotFoundError and creates nothing', async (_name, write) => {
    const id = newCrawlId();
    await expect(write(stores.crawls, id)).rejects.toMatchObject({ code: 'KUMO_STATE_CRAWL_NOT_FOUND' });
    const keys = stores.crawls.keys;
    for (const key of [keys.record(id), keys.events(id), keys.seen(id), keys.pageIndex(id), keys.progress(id)]) {
      expect(await stores.store.pttl(key)).toBe(-2);
    }
  });

  it('reads unknown crawls as null', async () => {
    const id = newCrawlId();
    expect(await stores.crawls.getCrawl(id)).toBeNull();
    expect(await stores.crawls.counts(id)).toBeNull();
    expect(await stores.crawls.requestCancel(id)).toBeNull();
    expect(await stores.crawls.getReport(id)).toBeNull();
  });

  it('validates its options, naming the option', () => {
    expect(() => new CrawlStore(stores.store, { resultTtlMs: 0, tmpTtlMs: 1000 })).toThrow(/resultTtlMs/);
    expect(() => new CrawlStore(stores.store, { resultTtlMs: 1000, tmpTtlMs: 8 * 86_400_000 })).toThrow(/tmpTtlMs/);
    expect(() => new CrawlStore(stores.store, { resultTtlMs: 1000, tmpTtlMs: 1000, progressIntervalMs: 1.5 })).toThrow(
      /progressIntervalMs/,
    );
  });
});

describe('the result stream', () => {
  it('appends pages, analyses and done; counts each; idempotent per URL', async () => {
    const { crawls } = stores;
    const id = await created();
    expect(await crawls.admitUrls(id, ['http://a/', 'http://b/', 'http://c/'], 10)).toHaveLength(3);
    const first = await crawls.appendPage(id, { ...page('http://a/'), analysis: analysis(9) });
    expect(await crawls.appendPage(id, page('http://a/'))).toBe(first);
    await crawls.appendPage(id, page('http://b/', 'failed'));
    await crawls.appendPage(id, page('http://c/', 'skipped'));
    const analysisId = await crawls.appendAnalysis(id, 'http://a/', analysis(5));
    expect(await crawls.appendAnalysis(id, 'http://a/', analysis(6))).toBe(analysisId);
    const done = await crawls.appendDone(id, 'completed');
    expect(await crawls.appendDone(id, 'completed')).toBe(done);

    const counts = { discovered: 3, fetched: 1, failed: 1, skipped: 1, analyzed: 1 };
    expect(await crawls.counts(id)).toEqual(counts);
    const events = await crawls.readEvents(id, { count: 100 });
    expect(events.map((e) => e.type)).toEqual(['page', 'progress', 'page', 'page', 'analysis', 'done']);
    expect(JSON.parse(events[0]!.data)).toEqual(page('http://a/'));
    expect(JSON.parse(events[1]!.data)).toEqual({ discovered: 3, fetched: 1, failed: 0, skipped: 0, analyzed: 0 });
    expect(JSON.parse(events[4]!.data)).toEqual({ url: 'http://a/', analysis: analysis(5) });
    expect(JSON.parse(events[5]!.data)).toEqual({ status: 'completed', counts });
    expect(events[0]!.id).toBe(first);

    // Resuming after an id (Last-Event-ID) returns the rest, nothing repeated.
    expect((await crawls.readEvents(id, { after: events[2]!.id, count: 2 })).map((e) => e.id)).toEqual([
      events[3]!.id,
      events[4]!.id,
    ]);
    expect(await crawls.readEvents(id, { after: done, count: 10 })).toEqual([]);
  });

  it('emits at most one progress event per interval (the lock decides, not the clock)', async () => {
    const { crawls, store } = stores;
    const id = await created();
    for (let i = 0; i < 10; i++) await crawls.appendPage(id, page(`http://p/${i}`));
    const progress = () =>
      crawls.readEvents(id, { count: 1000 }).then((all) => all.filter((e) => e.type === 'progress'));
    expect(await progress()).toHaveLength(1);
    const lockTtl = await store.pttl(crawls.keys.progress(id));
    expect(lockTtl).toBeGreaterThan(0);
    // The interval elapses: the lock key expires.
    await store.del(crawls.keys.progress(id));
    await crawls.appendAnalysis(id, 'http://p/1', analysis(1));
    const events = await progress();
    expect(events).toHaveLength(2);
    expect(JSON.parse(events[1]!.data)).toMatchObject({ fetched: 10, analyzed: 1 });
  });

  it('exposes the stream key, bucket and wake key for the SSE reader', async () => {
    const { crawls, keySpace } = stores;
    const id = await created();
    const bucket = crawls.bucketOf(id);
    expect(keySpace.tagOf(crawls.streamKey(id))).toBe(keySpace.tagOf(crawls.wakeKey(bucket)));
    const reader = await stores.store.duplicate();
    try {
      const pending = reader.readStreams(
        [
          { key: crawls.streamKey(id), afterId: '$' },
          { key: crawls.wakeKey(bucket), afterId: '$' },
        ],
        { blockMs: 10_000 },
      );
      await crawls.wake(bucket);
      const batches = await pending;
      expect(batches.map((b) => b.key)).toEqual([crawls.wakeKey(bucket)]);
    } finally {
      reader.close();
    }
  });
});

describe('texts, report, cleanup, idempotency', () => {
  it('stores a text once for its analyze job and cleans up what is left', async () => {
    const { crawls, store } = stores;
    const id = await created();
    await crawls.admitUrls(id, ['http://a/', 'http://b/'], 10);
    await crawls.putPageText(id, 'p1', 'テキスト一');
    await crawls.putPageText(id, 'p2', 'テキスト二');
    expect(await crawls.takePageText(id, 'p1')).toBe('テキスト一');
    expect(await crawls.takePageText(id, 'p1')).toBeNull();
    await crawls.appendPage(id, page('http://a/'));
    expect(await crawls.cleanupTmp(id)).toBe(4); // text p2, texts set, seen-set, progress lock
    for (const key of [
      crawls.keys.text(id, 'p2'),
      crawls.keys.texts(id),
      crawls.keys.seen(id),
      crawls.keys.progress(id),
    ]) {
      expect(await store.pttl(key)).toBe(-2);
    }
    expect(await crawls.getCrawl(id)).not.toBeNull();
  });

  it('stores and reads the report', async () => {
    const id = await created();
    const report = {
      id,
      pages: { fetched: 1, failed: 0 },
      keywords: [],
      phrases: [],
      cooccurrence: [],
      variations: [],
    };
    await stores.crawls.putReport(id, report);
    expect(await stores.crawls.getReport(id)).toEqual(report);
  });

  it('remembers an idempotency key once', async () => {
    const { crawls } = stores;
    expect(await crawls.rememberIdempotency('owner-1', 'key {1}', 'hash-a', 'c1')).toEqual({ created: true });
    expect(await crawls.rememberIdempotency('owner-1', 'key {1}', 'hash-b', 'c2')).toEqual({
      created: false,
      crawlId: 'c1',
      bodyHash: 'hash-a',
    });
    expect(await crawls.rememberIdempotency('owner-2', 'key {1}', 'hash-b', 'c3')).toEqual({ created: true });
    const ttl = await stores.store.pttl(crawls.keys.idempotency('owner-1', 'key {1}'));
    expect(ttl).toBeGreaterThan(23 * 3_600_000);
    expect(ttl).toBeLessThanOrEqual(24 * 3_600_000);
  });
});

describe('after a simulated crawl', () => {
  it('every key it wrote has a TTL', async () => {
    const isolated = openStores(redis.url);
    const { crawls } = isolated;
    const id = newCrawlId();
    await crawls.createCrawl({ id, owner: 'o', request, createdAt: new Date() });
    await crawls.rememberIdempotency('o', 'k', 'h', id);
    await crawls.markRunning(id, new Date());
    const urls = Array.from({ length: 20 }, (_, i) => `http://site/${i}`);
    await crawls.admitUrls(id, urls, 15);
    for (const [index, url] of urls.slice(0, 15).entries()) {
      await crawls.appendPage(id, page(url, index % 5 === 0 ? 'failed' : 'fetched'));
      await crawls.putPageText(id, `p${index}`, 'text');
      if (index % 2 === 0) await crawls.takePageText(id, `p${index}`);
      await crawls.appendAnalysis(id, url, analysis(index));
    }
    await crawls.wake(crawls.bucketOf(id));
    await crawls.putReport(id, {
      id,
      pages: { fetched: 12, failed: 3 },
      keywords: [],
      phrases: [],
      cooccurrence: [],
      variations: [],
    });
    await crawls.finish(id, 'completed', new Date());
    await crawls.appendDone(id, 'completed');

    const client = createRedisClient(redis.url);
    try {
      const report = await auditKeyspace(client, { prefix: isolated.prefix });
      expect(report.totalKeys).toBeGreaterThanOrEqual(10);
      expect(report.purposes.map((p) => [p.purpose, p.withoutTtl.count])).toEqual(
        report.purposes.map((p) => [p.purpose, 0]),
      );
      expect(report.unknown.count).toBe(0);
    } finally {
      client.disconnect();
      await isolated.store.close();
    }
  });
});
