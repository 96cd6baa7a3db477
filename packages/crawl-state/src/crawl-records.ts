import type { CrawlCounts, CrawlRequest } from '@kumo/contract';
import { COUNT_FIELDS, fromRecord, toCounts, type CrawlState } from './crawl-record.js';
import { CrawlExistsError } from './errors.js';
import { iso, type StateContext, type Timestamp } from './state-context.js';

/**
 * The crawl record (`result:{b:NN}:crawl:<id>`): creating it and reading it. Its status moves only through
 * `CrawlLifecycle` (see `CRAWL_TRANSITIONS`); its counters move with the result stream's appends.
 */
export class CrawlRecords {
  constructor(private readonly context: StateContext) {}

  /** Creates the record (`queued`, counters 0); `CrawlExistsError` when the id is taken. */
  async createCrawl(input: {
    id: string;
    owner: string;
    request: CrawlRequest;
    createdAt: Timestamp;
  }): Promise<CrawlState> {
    const createdAt = iso(input.createdAt);
    const fields: Record<string, string> = {
      status: 'queued',
      request: JSON.stringify(input.request),
      owner: input.owner,
      createdAt,
      ...Object.fromEntries(COUNT_FIELDS.map((field) => [field, '0'])),
    };
    const created = await this.context.commands.createCrawl({
      keys: [this.context.record(input.id)],
      args: Object.entries(fields).flat(),
    });
    if (Number(created) !== 1) throw new CrawlExistsError(input.id);
    return {
      crawl: { id: input.id, status: 'queued', request: input.request, createdAt, counts: toCounts([]) },
      owner: input.owner,
      cancelRequested: false,
    };
  }

  /** The crawl, its owner and cancel flag; null when unknown or expired. */
  async getCrawl(id: string): Promise<CrawlState | null> {
    return fromRecord(id, await this.context.store.hGetAll(this.context.keys.record(id)));
  }

  /** The counters; null when the crawl is unknown. */
  async counts(id: string): Promise<CrawlCounts | null> {
    const values = await this.context.store.hmGet(this.context.keys.record(id), ['status', ...COUNT_FIELDS]);
    if (values[0] === null) return null;
    return toCounts(values.slice(1));
  }

  /** True once `CrawlLifecycle.requestCancel` raised the crawl's cancel flag. */
  async isCancelRequested(id: string): Promise<boolean> {
    return (await this.context.store.hGet(this.context.keys.record(id), 'cancel')) === '1';
  }
}
