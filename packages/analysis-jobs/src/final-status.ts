import type { CrawlCounts } from '@kumo/contract';

/** The terminal statuses the aggregate job sets. */
export type FinalStatus = 'completed' | 'failed' | 'cancelled';

/** What the final status is decided from. */
export interface FinalStatusInput {
  cancelRequested: boolean;
  counts: Pick<CrawlCounts, 'fetched' | 'failed'>;
  /**
   * Pages skipped because of an error rather than a rule: a `skipped` page carrying `error`, such as a site whose
   * robots.txt answers 5xx or 429 (`KUMO_CRAWLER_ROBOTS_UNAVAILABLE`). Such a crawl could not reach anything.
   * @defaultValue 0
   */
  skippedWithError?: number;
}

/**
 * The status a crawl ends with once every job is done: `cancelled` when a cancel was requested (whatever was
 * fetched before); `failed` when no page was fetched and at least one failed or was skipped because of an error;
 * else `completed` (a crawl whose pages were all skipped by rule, e.g. disallowed by robots.txt, did what was asked).
 */
export function finalStatusOf(crawl: FinalStatusInput): FinalStatus {
  if (crawl.cancelRequested) return 'cancelled';
  if (crawl.counts.fetched === 0 && (crawl.counts.failed > 0 || (crawl.skippedWithError ?? 0) > 0)) return 'failed';
  return 'completed';
}
