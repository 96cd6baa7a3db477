import { createRedisClient, scanKeyspace } from '@kumo/keyspace';
import { describe, expect, it } from 'vitest';
import { analysis, openStores, page, request, useStores } from './__fixtures__/crawl.js';
import { newCrawlId } from './crawl-records.js';
import { CrawlStore } from './crawl-store.js';
import { IdempotencyStore } from './idempotency-store.js';

// A long progress interval: only the first write of a crawl emits progress until the lock is removed.
const suite = useStores({ progressIntervalMs: 3_600_000 });

describe('the crawl store', () => {
  it.each([
    ['markRunning', (crawls: CrawlStore, id: string) => crawls.lifecycle.markRunning(id, new Date())],
    ['finish', (crawls: CrawlStore, id: string) => crawls.lifecycle.finish(id, 'failed', new Date())],
    ['admitUrls', (crawls: CrawlStore, id: string) => crawls.admission.admitUrls(id, ['http://a/'], 5)],
    ['appendPage', (crawls: CrawlStore, id: string) => crawls.results.appendPage(id, page('http://a/'))],
    ['appendAnalysis', (crawls: CrawlStore, id: string) => crawls.results.appendAnalysis(id, 'http://a/', analysis(1))],
    ['appendDone', (crawls: CrawlStore, id: string) => crawls.results.appendDone(id, 'completed')],
  ])('%s of an unknown crawl throws CrawlNotFoundError and creates nothing', async (_name, write) => {
    const id = newCrawlId();
    await expect(write(suite.stores.crawls, id)).rejects.toMatchObject({ code: 'KUMO_STATE_CRAWL_NOT_FOUND' });
    const { keys } = suite.stores;
    for (const key of [keys.record(id), keys.events(id), keys.seen(id), keys.pageIndex(id), keys.progress(id)]) {
      expect(await suite.stores.store.pttl(key)).toBe(-2);
    }
  });

  it('reads unknown crawls as null', async () => {
    const id = newCrawlId();
    expect(await suite.stores.crawls.records.getCrawl(id)).toBeNull();
    expect(await suite.stores.crawls.records.counts(id)).toBeNull();
    expect(await suite.stores.crawls.lifecycle.requestCancel(id)).toBeNull();
    expect(await suite.stores.crawls.reports.getReport(id)).toBeNull();
  });

  it("keeps a schedule run's scheduleId and previousId on the record, and none on an ordinary crawl", async () => {
    const { crawls } = suite.stores;
    const id = newCrawlId();
    const created = await crawls.records.createCrawl({
      id,
      owner: 'o',
      request,
      createdAt: new Date(),
      scheduleId: 'sabc',
      previousId: 'cprevious',
    });
    expect(created.crawl).toMatchObject({ scheduleId: 'sabc', previousId: 'cprevious' });
    expect((await crawls.records.getCrawl(id))?.crawl).toMatchObject({ scheduleId: 'sabc', previousId: 'cprevious' });
    const first = newCrawlId();
    await crawls.records.createCrawl({ id: first, owner: 'o', request, createdAt: new Date(), scheduleId: 'sabc' });
    const read = (await crawls.records.getCrawl(first))?.crawl;
    expect(read?.scheduleId).toBe('sabc');
    expect(read).not.toHaveProperty('previousId');
    const plain = (await crawls.records.getCrawl(await suite.created()))?.crawl;
    expect(plain).not.toHaveProperty('scheduleId');
    expect(plain).not.toHaveProperty('previousId');
  });

  it('validates its options, naming the option', () => {
    expect(() => new CrawlStore(suite.stores.store, { resultTtlMs: 0, tmpTtlMs: 1000 })).toThrow(/resultTtlMs/);
    expect(() => new CrawlStore(suite.stores.store, { resultTtlMs: 1000, tmpTtlMs: 8 * 86_400_000 })).toThrow(
      /tmpTtlMs/,
    );
    expect(
      () => new CrawlStore(suite.stores.store, { resultTtlMs: 1000, tmpTtlMs: 1000, progressIntervalMs: 1.5 }),
    ).toThrow(/progressIntervalMs/);
  });
});

describe('after a simulated crawl', () => {
  it('every key it wrote has a TTL', async () => {
    const isolated = openStores(suite.redis.url);
    const { crawls } = isolated;
    const id = newCrawlId();
    await crawls.records.createCrawl({ id, owner: 'o', request, createdAt: new Date() });
    await new IdempotencyStore(isolated.store).rememberIdempotency('o', 'k', 'h', id);
    await crawls.lifecycle.markRunning(id, new Date());
    const urls = Array.from({ length: 20 }, (_, i) => `http://site/${i}`);
    await crawls.admission.admitUrls(id, urls, 15);
    for (const [index, url] of urls.slice(0, 15).entries()) {
      await crawls.results.appendPage(id, page(url, index % 5 === 0 ? 'failed' : 'fetched'));
      await crawls.texts.putPageText(id, `p${index}`, 'text');
      if (index % 2 === 0) await crawls.texts.dropPageText(id, `p${index}`);
      await crawls.results.appendAnalysis(id, url, analysis(index));
    }
    await crawls.live.wake(crawls.live.bucketOf(id));
    await crawls.reports.putReport(id, {
      id,
      pages: { fetched: 12, failed: 3 },
      keywords: [],
      phrases: [],
      cooccurrence: [],
      variations: [],
    });
    await crawls.lifecycle.finish(id, 'completed', new Date());
    await crawls.results.appendDone(id, 'completed');

    const client = createRedisClient(suite.redis.url);
    try {
      const report = await scanKeyspace(client, { prefix: isolated.prefix });
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
