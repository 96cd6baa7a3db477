import { describe, expect, it } from 'vitest';
import type { PageRow } from './live-crawl-store.js';
import { filterRows, PAGE_FILTERS, type PageFilter } from './page-filter.js';

const row = (url: string, status: PageRow['status'], notModified = false): PageRow => ({
  url,
  depth: 0,
  status,
  httpStatus: notModified ? 304 : 200,
  title: undefined,
  charset: undefined,
  why: undefined,
  analysed: true,
  notModified,
});

const ROWS = [row('a', 'fetched'), row('b', 'fetched', true), row('c', 'failed'), row('d', 'skipped')];

describe('filterRows', () => {
  it.each([
    ['all', ['a', 'b', 'c', 'd']],
    ['fetched', ['a', 'b']],
    ['not-modified', ['b']],
    ['failed', ['c']],
    ['skipped', ['d']],
  ] as [PageFilter, string[]][])('%s keeps %o', (filter, urls) => {
    expect(filterRows(ROWS, filter).map((r) => r.url)).toEqual(urls);
  });

  it('offers every filter in the menu', () => {
    expect(PAGE_FILTERS.map(([value]) => value).sort()).toEqual(
      ['all', 'failed', 'fetched', 'not-modified', 'skipped'].sort(),
    );
  });
});
