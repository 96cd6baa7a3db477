import { createRedisClient } from '@kumo/keyspace';
import { describe, expect, it } from 'vitest';
import { analysis, page, request, useStores } from './__fixtures__/crawl.js';
import { newCrawlId } from './crawl-records.js';
import { MAX_VALIDATED_LINKS, type ValidatorsEntry } from './page-validators.js';

const suite = useStores();

const ENTRY: ValidatorsEntry = {
  etag: '"v1"',
  lastModified: 'Tue, 01 Dec 2026 00:00:00 GMT',
  links: ['http://a/x', 'http://a/y'],
  page: { title: '雲', charset: 'shift_jis', contentType: 'text/html', textLength: 12, bytes: 300, lang: 'ja' },
};

describe('page validators (conditional re-fetch)', () => {
  it('keeps an entry per crawl and URL under a cache key of the crawl bucket, with its TTL', async () => {
    const { crawls, store, keys } = suite.stores;
    const id = await suite.created();
    expect(await crawls.validators.remember(id, 'http://a/', ENTRY)).toBe(true);
    const key = keys.validators(id);
    expect(key).toMatch(/:cache:\{b:\d\d\}:validators:/);
    expect(keys.validators(id).match(/\{b:\d\d\}/)?.[0]).toBe(keys.analysisIndex(id).match(/\{b:\d\d\}/)?.[0]);
    // Default: the result TTL (1 h in these stores), within the cache purpose's maximum.
    expect(await store.pttl(key)).toBeGreaterThan(3_500_000);
    expect(await store.pttl(key)).toBeLessThanOrEqual(3_600_000);
    expect(await crawls.validators.previous(id, 'http://a/', { withAnalysis: false })).toEqual({ entry: ENTRY });
    expect(await crawls.validators.previous(id, 'http://other/', { withAnalysis: false })).toBeNull();
  });

  it('gives the analysis the crawl recorded for the page; no analysis, no entry', async () => {
    const { crawls } = suite.stores;
    const id = await suite.created();
    await crawls.validators.remember(id, 'http://a/', ENTRY);
    await crawls.validators.remember(id, 'http://b/', { ...ENTRY, etag: undefined });
    await crawls.results.appendPage(id, page('http://a/'));
    await crawls.results.appendAnalysis(id, 'http://a/', analysis(7));
    expect(await crawls.validators.previous(id, 'http://a/', { withAnalysis: true })).toEqual({
      entry: ENTRY,
      analysis: analysis(7),
    });
    // b was fetched with validators, but its analysis was never recorded: nothing can stand in for it.
    expect(await crawls.validators.previous(id, 'http://b/', { withAnalysis: true })).toBeNull();
    expect(await crawls.validators.previous(id, 'http://b/', { withAnalysis: false })).toMatchObject({
      entry: { lastModified: ENTRY.lastModified },
    });
  });

  it('keeps nothing without a validator or with more links than it can stand in for', async () => {
    const { crawls } = suite.stores;
    const id = await suite.created();
    expect(await crawls.validators.remember(id, 'http://a/', { links: [], page: {} })).toBe(false);
    const many = Array.from({ length: MAX_VALIDATED_LINKS + 1 }, (_, i) => `http://a/${i}`);
    expect(await crawls.validators.remember(id, 'http://b/', { ...ENTRY, links: many })).toBe(false);
    expect(await crawls.validators.previous(id, 'http://b/', { withAnalysis: false })).toBeNull();
  });

  it('reads a damaged entry as none', async () => {
    const { crawls, keys } = suite.stores;
    const id = await suite.created();
    await crawls.validators.remember(id, 'http://a/', ENTRY);
    // Overwritten by hand with something that is not an entry.
    const raw = createRedisClient(suite.redis.url);
    await raw.hset(keys.validators(id), 'http://a/', '{"links":"nope"}');
    await raw.quit();
    expect(await crawls.validators.previous(id, 'http://a/', { withAnalysis: false })).toBeNull();
  });

  it('counts a page a 304 stood in for as fetched and notModified, in the record, progress and done', async () => {
    const { crawls } = suite.stores;
    const id = await suite.created();
    expect((await crawls.records.counts(id))?.notModified).toBeUndefined();
    await crawls.results.appendPage(id, { ...page('http://a/'), httpStatus: 304, notModified: true });
    await crawls.results.appendPage(id, page('http://b/'));
    expect(await crawls.records.counts(id)).toMatchObject({ fetched: 2, notModified: 1 });
    expect((await crawls.records.getCrawl(id))?.crawl.counts).toMatchObject({ fetched: 2, notModified: 1 });
    await crawls.results.appendDone(id, 'completed');
    const events = await crawls.results.readEvents(id, { count: 100 });
    const done = events.find((event) => event.type === 'done');
    expect(JSON.parse(done!.data)).toMatchObject({ counts: { fetched: 2, notModified: 1 } });
    const progress = events.find((event) => event.type === 'progress');
    expect(JSON.parse(progress!.data)).toHaveProperty('notModified');
  });

  it('has counts.notModified 0 from the start on a crawl with a previousId, in the record and its events', async () => {
    const { crawls } = suite.stores;
    const id = newCrawlId();
    const created = await crawls.records.createCrawl({
      id,
      owner: 'owner-1',
      request,
      createdAt: new Date(),
      previousId: 'cprevious',
    });
    expect(created.crawl.counts.notModified).toBe(0);
    expect((await crawls.records.counts(id))?.notModified).toBe(0);
    await crawls.results.appendPage(id, page('http://a/'));
    await crawls.results.appendDone(id, 'completed');
    const done = (await crawls.results.readEvents(id, { count: 100 })).find((event) => event.type === 'done');
    expect(JSON.parse(done!.data)).toMatchObject({ counts: { fetched: 1, notModified: 0 } });
  });
});
