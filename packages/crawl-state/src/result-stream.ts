import type { Analysis, CrawlEventType, CrawlStatus, PageResult } from '@kumo/contract';
import type { KumoKey } from '@kumo/keyspace';
import type { StateContext } from './state-context.js';

/** One event of a crawl's result stream; `data` is the raw JSON (the SSE `data:` line as is). */
export interface CrawlEvent {
  /** The stream entry id: the SSE `id:`. */
  id: string;
  type: CrawlEventType;
  data: string;
}

export interface ReadEventsOptions {
  /** Exclusive start (a stream id, e.g. `Last-Event-ID`). Default: from the beginning. */
  after?: string;
  /** Most events returned. Required: a stream can be long. */
  count: number;
}

/**
 * A crawl's result stream (`result:{b:NN}:events:<id>`, docs/architecture.md's event table): the appends of every
 * stage, each counting on the record and emitting a throttled `progress` event, and the cursor read of its events.
 */
export class ResultStream {
  constructor(private readonly context: StateContext) {}

  /**
   * Appends a `page` event (the PageResult without `analysis`), counts it as fetched, failed or skipped, and emits
   * a throttled `progress` event. Idempotent per URL: a retry returns the first event's id and counts nothing.
   */
  async appendPage(id: string, page: PageResult): Promise<string> {
    const { analysis: _analysis, ...withoutAnalysis } = page;
    const data = JSON.stringify(withoutAnalysis);
    return this.appendEvent(id, this.context.keys.pageIndex(id), page.url, 'page', data, page.status);
  }

  /** Appends an `analysis` event, indexes it by URL, counts `analyzed`; idempotent per URL like `appendPage`. */
  async appendAnalysis(id: string, url: string, analysis: Analysis): Promise<string> {
    const data = JSON.stringify({ url, analysis });
    return this.appendEvent(id, this.context.keys.analysisIndex(id), url, 'analysis', data, 'analyzed');
  }

  /** Appends the `done` event `{ status, counts }` with the final counters, once per crawl. */
  async appendDone(id: string, status: CrawlStatus): Promise<string> {
    const reply = await this.context.commands.appendDone({
      keys: [this.context.events(id), this.context.record(id)],
      args: [status],
    });
    return String(this.context.check(id, reply));
  }

  /** Events after `after` (exclusive), oldest first; `[]` when there are none (yet) or the crawl is unknown. */
  async readEvents(id: string, options: ReadEventsOptions): Promise<CrawlEvent[]> {
    const entries = await this.context.store.xRange(this.context.keys.events(id), {
      ...(options.after === undefined ? {} : { after: options.after }),
      count: options.count,
    });
    return entries.map((entry) => ({
      id: entry.id,
      type: entry.fields.type as CrawlEventType,
      data: entry.fields.data ?? 'null',
    }));
  }

  /** One page or analysis append (one script): stream, record, the type's URL index, the progress throttle. */
  private async appendEvent(
    id: string,
    index: KumoKey<'result'>,
    url: string,
    type: 'page' | 'analysis',
    data: string,
    counter: string,
  ): Promise<string> {
    const { context } = this;
    const reply = await context.commands.appendEvent({
      keys: [
        context.events(id),
        context.record(id),
        { key: index, ttl: context.resultTtlMs },
        context.progressLock(id),
      ],
      args: [url, type, data, counter],
    });
    return String(context.check(id, reply));
  }
}
