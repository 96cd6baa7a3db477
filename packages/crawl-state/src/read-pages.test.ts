import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analysis, openStores, page, request } from './__fixtures__/crawl.js';
import { startTestRedis } from './__fixtures__/redis.js';
import { newCrawlId } from './crawl-id.js';
import { encodeCursor } from './cursor.js';

let redis: Awaited<ReturnType<typeof startTestRedis>>;
let stores: ReturnType<typeof openStores>;
let id: string;
const urls = Array.from({ length: 25 }, (_, i) => `http://site/${i}`);

beforeAll(async () => {
  redis = await startTestRedis();
  stores = openStores(redis.url, undefined, { progressIntervalMs: 1 });
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
  await redis.stop();
});

describe('readPages', () => {
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
