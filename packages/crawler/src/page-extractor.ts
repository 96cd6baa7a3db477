import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Tinypool } from 'tinypool';
import { type ExtractedPage, type ExtractOptions, extractPage } from './extract.js';
import type { ExtractTask } from './extract-worker.js';

/**
 * Pages of at least this many characters are parsed on a worker thread; smaller ones inline. 256 Ki characters: a
 * typical page (tens of KB; the 90th percentile of real pages is ~150 KB) parses in well under 10 ms and would
 * pay more for copying it to a thread and back than it costs, while a hostile page just under the threshold (deep
 * nesting, the slowest markup per byte) still parses in about half a second. A 5 MB deeply nested page took 9 to
 * 21 s on the event loop, past BullMQ's lock duration.
 */
export const DEFAULT_OFF_THREAD_CHARS = 256 * 1024;

/** How long an idle parse thread stays up: a crawl of big pages reuses it, an idle worker process has none. */
const IDLE_THREAD_MS = 30_000;

export interface PageExtractorOptions {
  /** Pages of at least this many characters go to a thread; 0 sends every page. @defaultValue 262144 */
  offThreadChars?: number;
  /** Parse threads per process. @defaultValue 1 */
  threads?: number;
}

/**
 * Runs {@link extractPage} so that a big or hostile page never blocks the event loop for seconds (the worker's
 * BullMQ lock renewal, its other jobs and its metrics run on that loop): pages from `offThreadChars` on are parsed
 * on a small pool of worker threads (tinypool), started on first use and stopped when idle.
 */
export class PageExtractor {
  readonly offThreadChars: number;
  readonly #threads: number;
  #pool: Tinypool | undefined;

  constructor(options: PageExtractorOptions = {}) {
    this.offThreadChars = options.offThreadChars ?? DEFAULT_OFF_THREAD_CHARS;
    this.#threads = options.threads ?? 1;
  }

  /** Extracts the page, on a thread when it is big. Same result as `extractPage`. */
  async extract(html: string, pageUrl: string, options: ExtractOptions = {}): Promise<ExtractedPage> {
    if (html.length < this.offThreadChars) return extractPage(html, pageUrl, options);
    const pool = this.#poolOrUndefined();
    if (!pool) return extractPage(html, pageUrl, options);
    return (await pool.run({ html, pageUrl, options } satisfies ExtractTask)) as ExtractedPage;
  }

  /** Stops the threads (waiting tasks are rejected). */
  async close(): Promise<void> {
    const pool = this.#pool;
    this.#pool = undefined;
    await pool?.destroy();
  }

  #poolOrUndefined(): Tinypool | undefined {
    if (this.#pool) return this.#pool;
    const filename = workerFile();
    if (!filename) return undefined;
    this.#pool = new Tinypool({
      filename,
      minThreads: 0,
      maxThreads: this.#threads,
      idleTimeout: IDLE_THREAD_MS,
      // The built module runs on the thread: none of the process's own flags (a test runner's source conditions,
      // `--cpu-prof`) apply to it.
      execArgv: [],
    });
    return this.#pool;
  }
}

/**
 * The thread's module: `extract-worker.js` beside this file once built. Run from the TypeScript sources (unit tests),
 * the built one in `dist/` if there is one; else none, and big pages are parsed inline.
 */
function workerFile(): string | undefined {
  const beside = new URL('./extract-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(beside))) return beside.href;
  const built = new URL('../dist/extract-worker.js', import.meta.url);
  return existsSync(fileURLToPath(built)) ? built.href : undefined;
}
