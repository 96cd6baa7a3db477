import type { AnalysisEvent, CrawlCounts, DoneEvent, PageResult } from '@kumo/contract';
import type { SseEvent } from './api/sse-parser.js';

/** One row of the live page list: what the table shows, not the whole page result (2,000 of them stay small). */
export interface PageRow {
  url: string;
  depth: number;
  status: PageResult['status'];
  httpStatus: number | undefined;
  title: string | undefined;
  charset: string | undefined;
  /** `error.code` of a failed page, `reason` of a skipped one. */
  why: string | undefined;
  analysed: boolean;
  /** The server answered `304 Not Modified`: the page and its analysis are the previous run's. */
  notModified: boolean;
}

/**
 * The live state of one crawl fed by its event stream: rows in arrival order, the latest counts, the final status.
 * Mutable on purpose: events arrive far faster than the page should render, so the view re-renders on a timer and
 * reads this store (the `version` tells it something changed).
 */
export class LiveCrawlStore {
  readonly rows: PageRow[] = [];
  readonly #byUrl = new Map<string, number>();
  /** Analyses that arrived before their page event (possible across reconnects): applied when the page comes. */
  readonly #analysedEarly = new Set<string>();
  counts: CrawlCounts | undefined;
  done: DoneEvent | undefined;
  failed = 0;
  version = 0;

  apply(event: SseEvent): void {
    switch (event.event) {
      case 'page':
        this.#page(JSON.parse(event.data) as PageResult);
        break;
      case 'analysis': {
        const { url } = JSON.parse(event.data) as AnalysisEvent;
        const index = this.#byUrl.get(url);
        if (index === undefined) this.#analysedEarly.add(url);
        else this.rows[index]!.analysed = true;
        break;
      }
      case 'progress':
        this.counts = JSON.parse(event.data) as CrawlCounts;
        break;
      case 'done':
        this.done = JSON.parse(event.data) as DoneEvent;
        this.counts = this.done.counts;
        break;
      default:
        return;
    }
    this.version++;
  }

  #page(page: PageResult): void {
    if (this.#byUrl.has(page.url)) return;
    this.#byUrl.set(page.url, this.rows.length);
    if (page.status === 'failed') this.failed++;
    this.rows.push({
      url: page.url,
      depth: page.depth,
      status: page.status,
      httpStatus: page.httpStatus,
      title: page.title,
      charset: page.charset,
      why: page.error?.code ?? page.reason,
      analysed: this.#analysedEarly.delete(page.url),
      notModified: page.notModified === true,
    });
  }
}
