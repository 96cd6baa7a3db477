import type { Analysis, PageResult } from '@kumo/contract';
import { decodeCursor, encodeCursor } from './cursor.js';
import type { StateContext } from './state-context.js';

export interface ReadPagesOptions {
  /** A `nextCursor` of an earlier call. Default: from the beginning. */
  cursor?: string;
  /** Most pages returned (the API allows 1-500). */
  limit: number;
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
    await this.attachAnalyses(id, pages);
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
