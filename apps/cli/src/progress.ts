import type { AnalysisEvent, CrawlCounts, PageResult } from '@kumo/contract';
import cliProgress from 'cli-progress';
import { formatCounts, formatPageLine } from './format.js';

/** What `kumo crawl` shows while it follows a crawl's events. */
export interface ProgressView {
  page(page: PageResult): void;
  analysis(event: AnalysisEvent): void;
  progress(counts: CrawlCounts): void;
  /** A note between events (reconnecting…), shown without breaking the bar. */
  note(message: string): void;
  /** Ends the view (the bar is left at its final state). */
  stop(): void;
}

export interface ProgressViewOptions {
  /** Where the view writes. Required. */
  stream: NodeJS.WritableStream;
  /** A live bar (true) or one plain line per event (false, for logs and pipes). Required. */
  live: boolean;
}

/** The running totals a view shows: the largest of what page events and progress events said. */
export class CountsTracker {
  #counts: CrawlCounts = { discovered: 0, fetched: 0, failed: 0, skipped: 0, analyzed: 0 };

  get counts(): Readonly<CrawlCounts> {
    return this.#counts;
  }

  /** Pages finished so far (fetched, failed or skipped). */
  get done(): number {
    return this.#counts.fetched + this.#counts.failed + this.#counts.skipped;
  }

  /** The bar's total: URLs admitted so far, never less than pages done. */
  get total(): number {
    return Math.max(this.#counts.discovered, this.done, 1);
  }

  page(page: Pick<PageResult, 'status'>): void {
    this.#counts[page.status]++;
    this.#counts.discovered = Math.max(this.#counts.discovered, this.done);
  }

  analysis(): void {
    this.#counts.analyzed++;
  }

  /** Progress events are authoritative, but page events after them may already be ahead: keep the larger. */
  progress(counts: CrawlCounts): void {
    for (const key of Object.keys(this.#counts) as (keyof CrawlCounts)[]) {
      this.#counts[key] = Math.max(this.#counts[key] ?? 0, counts[key] ?? 0);
    }
  }
}

/** A cli-progress bar on a terminal; plain lines elsewhere. */
export function createProgressView(options: ProgressViewOptions): ProgressView {
  return options.live ? new BarView(options.stream) : new LineView(options.stream);
}

class LineView implements ProgressView {
  readonly #stream: NodeJS.WritableStream;
  #lastProgress = '';

  constructor(stream: NodeJS.WritableStream) {
    this.#stream = stream;
  }

  page(page: PageResult): void {
    this.#stream.write(`page      ${formatPageLine(page)}\n`);
  }

  analysis(event: AnalysisEvent): void {
    const top = event.analysis.terms
      .slice(0, 5)
      .map((term) => term.term)
      .join(' ');
    this.#stream.write(`analysis  ${event.url}  tokens ${event.analysis.tokens}${top ? `  ${top}` : ''}\n`);
  }

  progress(counts: CrawlCounts): void {
    const line = formatCounts(counts);
    // Repeated identical progress lines say nothing in a log.
    if (line === this.#lastProgress) return;
    this.#lastProgress = line;
    this.#stream.write(`progress  ${line}\n`);
  }

  note(message: string): void {
    this.#stream.write(`note      ${message}\n`);
  }

  stop(): void {}
}

class BarView implements ProgressView {
  readonly #bar: cliProgress.SingleBar;
  readonly #tracker = new CountsTracker();
  readonly #stream: NodeJS.WritableStream;
  #stopped = false;

  constructor(stream: NodeJS.WritableStream) {
    this.#stream = stream;
    this.#bar = new cliProgress.SingleBar(
      {
        stream,
        format:
          '{bar} {value}/{total} pages | fetched {fetched} failed {failed} skipped {skipped} | analysed {analyzed} | {url}',
        hideCursor: true,
        barsize: 24,
        etaBuffer: 20,
      },
      cliProgress.Presets.shades_classic,
    );
    this.#bar.start(1, 0, { ...this.#tracker.counts, url: '' });
  }

  page(page: PageResult): void {
    this.#tracker.page(page);
    this.#render(page.url);
  }

  analysis(): void {
    this.#tracker.analysis();
    this.#render();
  }

  progress(counts: CrawlCounts): void {
    this.#tracker.progress(counts);
    this.#render();
  }

  note(message: string): void {
    // cli-progress redraws over the current line: end it first so the note stays visible.
    this.#stream.write(`\n${message}\n`);
    this.#render();
  }

  stop(): void {
    if (this.#stopped) return;
    this.#render('');
    this.#bar.stop();
    this.#stopped = true;
  }

  #render(url?: string): void {
    if (this.#stopped) return;
    this.#bar.setTotal(this.#tracker.total);
    this.#bar.update(this.#tracker.done, {
      ...this.#tracker.counts,
      ...(url === undefined ? {} : { url: shorten(url, 60) }),
    });
  }
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `…${text.slice(text.length - max + 1)}`;
}
