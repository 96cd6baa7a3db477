import type { Crawl, CrawlCounts, CrawlRequest, CrawlStatus } from '@kumo/contract';

/** The counter fields of the record hash, in `CrawlCounts` order. */
export const COUNT_FIELDS = ['discovered', 'fetched', 'failed', 'skipped', 'analyzed'] as const;

/** A crawl as stored: the public `Crawl`, its owner and the cancel flag. */
export interface CrawlState {
  crawl: Crawl;
  /** Who created it (the API answers 404 to everyone else). */
  owner: string;
  cancelRequested: boolean;
  /** The stream id of the crawl's `done` event, once it is appended (the record's `doneId`). */
  doneEventId?: string;
}

/** Counters from HMGET replies (missing fields count 0). */
export function toCounts(values: readonly (string | null | undefined)[]): CrawlCounts {
  const [discovered, fetched, failed, skipped, analyzed] = COUNT_FIELDS.map((_, index) => Number(values[index] ?? 0));
  return { discovered: discovered!, fetched: fetched!, failed: failed!, skipped: skipped!, analyzed: analyzed! };
}

/** The record hash → `CrawlState`; null for an empty hash (missing or expired crawl). */
export function fromRecord(id: string, hash: Readonly<Record<string, string>>): CrawlState | null {
  if (!hash.status) return null;
  const crawl: Crawl = {
    id,
    status: hash.status as CrawlStatus,
    request: JSON.parse(hash.request ?? '{}') as CrawlRequest,
    createdAt: hash.createdAt ?? '',
    ...(hash.startedAt ? { startedAt: hash.startedAt } : {}),
    ...(hash.finishedAt ? { finishedAt: hash.finishedAt } : {}),
    counts: toCounts(COUNT_FIELDS.map((field) => hash[field])),
  };
  return {
    crawl,
    owner: hash.owner ?? '',
    cancelRequested: hash.cancel === '1',
    ...(hash.doneId ? { doneEventId: hash.doneId } : {}),
  };
}
