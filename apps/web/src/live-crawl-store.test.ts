import { describe, expect, it } from 'vitest';
import { LiveCrawlStore } from './live-crawl-store.js';

const page = (url: string, status = 'fetched', extra: Record<string, unknown> = {}) => ({
  id: undefined,
  event: 'page',
  data: JSON.stringify({ url, finalUrl: url, depth: 0, status, timings: {}, ...extra }),
});
const analysis = (url: string) => ({
  id: undefined,
  event: 'analysis',
  data: JSON.stringify({ url, analysis: { tokens: 1, terms: [], phrases: [] } }),
});

describe('LiveCrawlStore', () => {
  it('keeps one row per URL in arrival order, with the error code or skip reason', () => {
    const store = new LiveCrawlStore();
    store.apply(page('http://a/1'));
    store.apply(page('http://a/2', 'failed', { error: { code: 'KUMO_CRAWLER_HTTP_4XX', message: '404' } }));
    store.apply(page('http://a/3', 'skipped', { reason: 'robots' }));
    store.apply(page('http://a/1'));
    expect(store.rows.map((row) => [row.url, row.status, row.why])).toEqual([
      ['http://a/1', 'fetched', undefined],
      ['http://a/2', 'failed', 'KUMO_CRAWLER_HTTP_4XX'],
      ['http://a/3', 'skipped', 'robots'],
    ]);
    expect(store.failed).toBe(1);
  });

  it('marks a page analysed, also when its analysis came first', () => {
    const store = new LiveCrawlStore();
    store.apply(analysis('http://a/2'));
    store.apply(page('http://a/1'));
    store.apply(page('http://a/2'));
    store.apply(analysis('http://a/1'));
    expect(store.rows.map((row) => row.analysed)).toEqual([true, true]);
  });

  it('takes counts from progress and the final status from done, and counts changes in version', () => {
    const store = new LiveCrawlStore();
    const counts = { discovered: 3, fetched: 1, failed: 0, skipped: 0, analyzed: 0 };
    store.apply({ id: '1', event: 'progress', data: JSON.stringify(counts) });
    expect(store.counts).toEqual(counts);
    store.apply({ id: '2', event: 'done', data: JSON.stringify({ status: 'cancelled', counts, truncated: false }) });
    expect(store.done?.status).toBe('cancelled');
    store.apply({ id: '3', event: 'unknown', data: '{}' });
    expect(store.version).toBe(2);
  });

  it('marks a page the server answered 304 (a schedule run after the first) as not modified', () => {
    const store = new LiveCrawlStore();
    store.apply(page('http://a/1', 'fetched', { httpStatus: 304, notModified: true }));
    store.apply(page('http://a/2', 'fetched', { httpStatus: 200 }));
    expect(store.rows.map((row) => [row.url, row.notModified, row.httpStatus])).toEqual([
      ['http://a/1', true, 304],
      ['http://a/2', false, 200],
    ]);
  });
});
