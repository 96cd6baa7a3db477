import type { Crawl, CrawlStatus } from '@kumo/contract';
import type { CrawlRecords } from './crawl-records.js';
import { InvalidStateOptionError } from './errors.js';
import { decodeListCursor, encodeListCursor } from './list-cursor.js';
import { entryVerdict, type OwnerIndex } from './owner-index.js';

/** Crawls per list page: 1-100, default 20 (CONTRACT.md). */
export const LIST_LIMIT = { min: 1, max: 100, default: 20 } as const;

/**
 * Most index entries one listing examines. With a status filter that few crawls match, a page may end before it
 * is full, with a `nextCursor` to go on from: each request does bounded work however long the index.
 */
const MAX_EXAMINED = 1000;

export interface ListCrawlsOptions {
  /** Only crawls in one of these statuses. Default: every status. */
  statuses?: readonly CrawlStatus[];
  /** A `nextCursor` of an earlier page. Default: from the newest crawl. */
  cursor?: string;
  /** Most crawls returned, 1-100. Default 20. */
  limit?: number;
}

/** One page of an owner's crawls; `nextCursor` is null on the last page. */
export interface CrawlList {
  items: Crawl[];
  nextCursor: string | null;
}

/**
 * An owner's crawls, newest first, read through `OwnerIndex` (each entry checked against its record). The cursor
 * is the last entry examined, so crawls created while a client pages through (newer than its first page) never
 * shift what it reads: nothing is missed or repeated.
 */
export class CrawlListing {
  constructor(
    private readonly records: CrawlRecords,
    private readonly index: OwnerIndex,
  ) {}

  /** A page of `owner`'s crawls; `InvalidCursorError` for a cursor this method did not produce. */
  async listCrawls(owner: string, options: ListCrawlsOptions = {}): Promise<CrawlList> {
    const limit = options.limit ?? LIST_LIMIT.default;
    if (!Number.isInteger(limit) || limit < LIST_LIMIT.min || limit > LIST_LIMIT.max) {
      throw new InvalidStateOptionError(`limit must be an integer from 1 to 100, got ${String(limit)}`);
    }
    const statuses = options.statuses === undefined ? undefined : new Set(options.statuses);
    let below = options.cursor === undefined ? undefined : decodeListCursor(options.cursor);
    const items: Crawl[] = [];
    const stale: string[] = [];
    let examined = 0;
    let nextCursor: string | null = null;
    const now = Date.now();

    scan: for (;;) {
      // One more than still needed tells whether anything follows; more when a filter may skip entries.
      const count = Math.min(100, Math.max(limit - items.length + 1, statuses ? 50 : 1));
      const entries = await this.index.range(owner, { ...(below ? { below } : {}), count, order: 'desc' });
      const states = await Promise.all(entries.map((entry) => this.records.getCrawl(entry.crawlId)));
      for (const [position, entry] of entries.entries()) {
        if (items.length === limit) {
          nextCursor = below ?? null;
          break scan;
        }
        const state = states[position] ?? null;
        const verdict = entryVerdict(
          entry,
          owner,
          state && { owner: state.owner, createdAt: state.crawl.createdAt },
          now,
        );
        if (verdict === 'stale') stale.push(entry.member);
        if (verdict === 'live' && (!statuses || statuses.has(state!.crawl.status))) items.push(state!.crawl);
        below = entry.member;
        examined++;
      }
      if (entries.length < count) break;
      if (examined >= MAX_EXAMINED) {
        nextCursor = below ?? null;
        break;
      }
    }
    await this.index.remove(owner, stale);
    return { items, nextCursor: nextCursor === null ? null : encodeListCursor(nextCursor) };
  }
}
