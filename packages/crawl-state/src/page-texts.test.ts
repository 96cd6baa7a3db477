import { describe, expect, it } from 'vitest';
import { analysis, page, useStores } from './__fixtures__/crawl.js';
import { CrawlStateErrorCode } from './errors.js';

// A long progress interval: only the first write of a crawl emits progress until the lock is removed.
const suite = useStores({ progressIntervalMs: 3_600_000 });

describe('page texts and the tmp cleanup', () => {
  it('suite.stores a text once for its analyze job and cleans up what is left', async () => {
    const { crawls, store } = suite.stores;
    const id = await suite.created();
    await crawls.admission.admitUrls(id, ['http://a/', 'http://b/'], 10);
    await crawls.texts.putPageText(id, 'p1', 'テキスト一');
    await crawls.texts.putPageText(id, 'p2', 'テキスト二');
    expect(await crawls.texts.readPageText(id, 'p1')).toBe('テキスト一');
    await crawls.texts.dropPageText(id, 'p1');
    expect(await crawls.texts.readPageText(id, 'p1')).toBeNull();
    await crawls.texts.dropPageText(id, 'p1');
    await crawls.results.appendPage(id, page('http://a/'));
    expect(await crawls.tmp.cleanupTmp(id)).toBe(4); // text p2, texts set, seen-set, progress lock
    for (const key of [
      suite.stores.keys.text(id, 'p2'),
      suite.stores.keys.texts(id),
      suite.stores.keys.seen(id),
      suite.stores.keys.progress(id),
    ]) {
      expect(await store.pttl(key)).toBe(-2);
    }
    expect(await crawls.records.getCrawl(id)).not.toBeNull();
  });

  it('an analysis appended with its page key takes the text along: first append, retry, and a crawl that is gone', async () => {
    const { crawls, store } = suite.stores;
    const id = await suite.created();
    const texts = suite.stores.keys.texts(id);
    await crawls.texts.putPageText(id, 'p1', 'テキスト一');
    await crawls.texts.putPageText(id, 'p2', 'テキスト二');
    const first = await crawls.results.appendAnalysis(id, 'http://a/', analysis(1), 'p1');
    expect(await crawls.texts.readPageText(id, 'p1')).toBeNull();
    expect(await store.sMembers(texts)).toEqual(['p2']);
    expect(await crawls.texts.readPageText(id, 'p2')).toBe('テキスト二');

    // A retry whose text is back (stored again by a re-run crawl job) gets the first id and still drops it.
    await crawls.texts.putPageText(id, 'p1', 'テキスト一');
    expect(await crawls.results.appendAnalysis(id, 'http://a/', analysis(2), 'p1')).toBe(first);
    expect(await crawls.texts.readPageText(id, 'p1')).toBeNull();
    expect(await crawls.records.counts(id)).toMatchObject({ analyzed: 1 });

    // The crawl's record is gone: CRAWL_NOT_FOUND, and the text goes all the same; the last one takes the set along.
    await store.del(suite.stores.keys.record(id));
    await expect(crawls.results.appendAnalysis(id, 'http://b/', analysis(3), 'p2')).rejects.toMatchObject({
      code: CrawlStateErrorCode.CRAWL_NOT_FOUND,
    });
    expect(await crawls.texts.readPageText(id, 'p2')).toBeNull();
    expect(await store.pttl(texts)).toBe(-2);
  });
});
