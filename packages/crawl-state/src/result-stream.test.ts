import { describe, expect, it } from 'vitest';
import { analysis, page, useStores } from './__fixtures__/crawl.js';

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

    const counts = { discovered: 3, fetched: 1, failed: 1, skipped: 1, analyzed: 1 };
    expect(await crawls.records.counts(id)).toEqual(counts);
    const events = await crawls.results.readEvents(id, { count: 100 });
    expect(events.map((e) => e.type)).toEqual(['page', 'progress', 'page', 'page', 'analysis', 'done']);
    expect(JSON.parse(events[0]!.data)).toEqual(page('http://a/'));
    expect(JSON.parse(events[1]!.data)).toEqual({ discovered: 3, fetched: 1, failed: 0, skipped: 0, analyzed: 0 });
    expect(JSON.parse(events[4]!.data)).toEqual({ url: 'http://a/', analysis: analysis(5) });
    expect(JSON.parse(events[5]!.data)).toEqual({ status: 'completed', counts });
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
