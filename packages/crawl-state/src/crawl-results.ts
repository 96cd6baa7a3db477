import type { Analysis, CrawlEventType, CrawlStatus, PageResult, Report } from '@kumo/contract';
import type { KumoKey } from '@kumo/keyspace';
import { decodeCursor, encodeCursor } from './cursor.js';
import type { StateContext } from './state-context.js';

// A crawl's results (the `result` keys): the result stream with its appends and event reads (`ResultStream`), the
// pages read back from it with their analyses (`PageReader`), and the report built from it (`CrawlReports`).

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
   * `indexKey` is what the page is indexed under when it is not its URL (a source's key, as admitted).
   */
  async appendPage(id: string, page: PageResult, indexKey: string = page.url): Promise<string> {
    const { analysis: _analysis, ...withoutAnalysis } = page;
    const data = JSON.stringify(withoutAnalysis);
    // A page a `304` stood in for counts as fetched and as not modified.
    const counters = page.notModified === true ? [page.status, 'notModified'] : [page.status];
    return this.appendEvent(id, this.context.keys.pageIndex(id), indexKey, 'page', data, ...counters);
  }

  /**
   * Appends an `analysis` event, indexes it by URL, counts `analyzed`; idempotent per URL like `appendPage`. With
   * `pageKey`, the page text the analysis was made from is dropped in the same script, whatever the append returns
   * (also when it throws `CrawlNotFoundError`): one round trip instead of two, and no moment where the analysis is
   * recorded but its text still waits.
   */
  async appendAnalysis(id: string, url: string, analysis: Analysis, pageKey?: string): Promise<string> {
    const { context } = this;
    const data = JSON.stringify({ url, analysis });
    const index = context.keys.analysisIndex(id);
    if (pageKey === undefined) return this.appendEvent(id, index, url, 'analysis', data, 'analyzed');
    const reply = await context.commands.appendAnalysis({
      keys: [...this.appendKeys(id, index), ...context.pageText(id, pageKey)],
      args: [url, data, pageKey],
    });
    return String(context.check(id, reply));
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
    ...counters: string[]
  ): Promise<string> {
    const { context } = this;
    const reply = await context.commands.appendEvent({
      keys: this.appendKeys(id, index),
      args: [url, type, data, ...counters],
    });
    return String(context.check(id, reply));
  }

  /** The keys every append takes: stream, record, the type's URL index, the progress throttle. */
  private appendKeys(id: string, index: KumoKey<'result'>) {
    const { context } = this;
    return [context.events(id), context.record(id), { key: index, ttl: context.resultTtlMs }, context.progressLock(id)];
  }
}

export interface ReadPagesOptions {
  /** A `nextCursor` of an earlier call. Default: from the beginning. */
  cursor?: string;
  /** Most pages returned (the API allows 1-500). */
  limit: number;
  /** Attach each page's `analysis` (one HMGET and one pipeline per call). Default true. */
  analyses?: boolean;
}

export interface PagesResult {
  items: PageResult[];
  /** Where the next call continues; null when the stream holds no further page right now. */
  nextCursor: string | null;
}

/**
 * Reads of a crawl's recorded pages: the `page` events of its result stream with their analyses attached, paged
 * with a cursor, and the lookups of its page and analysis indexes (url → stream id) that tell whether a URL's page
 * or analysis is already recorded.
 */
export class PageReader {
  constructor(private readonly context: StateContext) {}

  /**
   * Pages in production order, each with its `analysis` attached when it has one. `nextCursor` is null when the
   * stream holds no further page right now: a running crawl may add more later (clients poll from the start, or
   * follow the events). A full page returns a cursor even if nothing follows (the next call then returns `[]`).
   * Throws `InvalidCursorError` for a cursor kumo did not produce.
   */
  async readPages(id: string, options: ReadPagesOptions): Promise<PagesResult> {
    let after = options.cursor === undefined ? undefined : decodeCursor(options.cursor);
    const events = this.context.keys.events(id);
    const batch = Math.max(options.limit * 2, 100);
    const pages: PageResult[] = [];
    let lastPageId: string | undefined;
    let exhausted = false;
    while (pages.length < options.limit) {
      const entries = await this.context.store.xRange(events, {
        ...(after === undefined ? {} : { after }),
        count: batch,
      });
      for (const entry of entries) {
        after = entry.id;
        if (entry.fields.type !== 'page') continue;
        pages.push(JSON.parse(entry.fields.data ?? '{}') as PageResult);
        lastPageId = entry.id;
        if (pages.length === options.limit) break;
      }
      if (entries.length < batch && pages.length < options.limit) {
        exhausted = true;
        break;
      }
    }
    if (options.analyses !== false) await this.attachAnalyses(id, pages);
    const nextCursor = exhausted || lastPageId === undefined ? null : encodeCursor(lastPageId);
    return { items: pages, nextCursor };
  }

  /** Which of `urls` already have a `page` event (one boolean per URL, in order): one HMGET of the page index. */
  async pagesRecorded(id: string, urls: readonly string[]): Promise<boolean[]> {
    if (urls.length === 0) return [];
    const ids = await this.context.store.hmGet(this.context.keys.pageIndex(id), urls);
    return ids.map((streamId) => streamId !== null);
  }

  /** True when `url` already has an `analysis` event. */
  async hasAnalysis(id: string, url: string): Promise<boolean> {
    return (await this.context.store.hGet(this.context.keys.analysisIndex(id), url)) !== null;
  }

  private async attachAnalyses(id: string, pages: PageResult[]): Promise<void> {
    if (pages.length === 0) return;
    const ids = await this.context.store.hmGet(
      this.context.keys.analysisIndex(id),
      pages.map((page) => page.url),
    );
    const wanted = ids.flatMap((streamId, index) => (streamId ? [{ streamId, index }] : []));
    const entries = await this.context.store.xGet(
      this.context.keys.events(id),
      wanted.map((w) => w.streamId),
    );
    entries.forEach((entry, position) => {
      if (!entry?.fields.data) return;
      const page = pages[wanted[position]!.index]!;
      page.analysis = (JSON.parse(entry.fields.data) as { analysis: Analysis }).analysis;
    });
  }
}

/** A crawl's report (`result:{b:NN}:report:<id>`, result TTL), written by the aggregate job, read by the API. */
export class CrawlReports {
  constructor(private readonly context: StateContext) {}

  async putReport(id: string, report: Report): Promise<void> {
    await this.context.store.set(this.context.keys.report(id), JSON.stringify(report), this.context.resultTtlMs);
  }

  /** The report; null before the aggregate job stored it, or when the crawl is unknown or expired. */
  async getReport(id: string): Promise<Report | null> {
    const text = await this.context.store.get(this.context.keys.report(id));
    return text === null ? null : (JSON.parse(text) as Report);
  }
}
