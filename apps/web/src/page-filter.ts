import type { PageRow } from './live-crawl-store.js';

/** What the live page list shows: every page, one status, or the pages a `304` stood in for. */
export type PageFilter = 'all' | 'fetched' | 'failed' | 'skipped' | 'not-modified';

/** The choices of the page list's filter, in menu order, with their labels. */
export const PAGE_FILTERS: readonly [PageFilter, string][] = [
  ['all', 'all pages'],
  ['fetched', 'fetched'],
  ['not-modified', 'not modified (304)'],
  ['failed', 'failed'],
  ['skipped', 'skipped'],
];

/** The rows `filter` keeps, in their order. A not-modified page is also a fetched one. */
export function filterRows(rows: readonly PageRow[], filter: PageFilter): readonly PageRow[] {
  if (filter === 'all') return rows;
  if (filter === 'not-modified') return rows.filter((row) => row.notModified);
  return rows.filter((row) => row.status === filter);
}
