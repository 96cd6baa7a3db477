import { describe, expect, it } from 'vitest';
import { page, useStores } from './__fixtures__/crawl.js';

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
});
