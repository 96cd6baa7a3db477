import type { Crawl, CrawlStatus } from '@kumo/contract';
import type { CrawlRecords } from './crawl-records.js';
import type { OwnerIndex } from './owner-index.js';
import { OwnerListing } from './owner-listing.js';

export { LIST_LIMIT } from './owner-listing.js';

export interface ListCrawlsOptions {
  /** Only crawls in one of these statuses. Default: every status. */
  statuses?: readonly CrawlStatus[];
  /** Only the runs of this schedule (crawls whose `scheduleId` it is). Default: every crawl. */
  scheduleId?: string;
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
 * An owner's crawls, newest first, read through `OwnerIndex` (each entry checked against its record; see
 * `OwnerListing`, which schedules share).
 */
export class CrawlListing {
  readonly #listing: OwnerListing<Crawl>;

  constructor(records: CrawlRecords, index: OwnerIndex) {
    this.#listing = new OwnerListing(index, async (id) => {
      const state = await records.getCrawl(id);
      return state && { owner: state.owner, createdAt: state.crawl.createdAt, item: state.crawl };
    });
  }

  /** A page of `owner`'s crawls; `InvalidCursorError` for a cursor this method did not produce. */
  async listCrawls(owner: string, options: ListCrawlsOptions = {}): Promise<CrawlList> {
    const statuses = options.statuses === undefined ? undefined : new Set(options.statuses);
    const { scheduleId } = options;
    const accept =
      statuses === undefined && scheduleId === undefined
        ? undefined
        : (crawl: Crawl) =>
            (statuses === undefined || statuses.has(crawl.status)) &&
            (scheduleId === undefined || crawl.scheduleId === scheduleId);
    return this.#listing.list(owner, { cursor: options.cursor, limit: options.limit, accept });
  }
}
