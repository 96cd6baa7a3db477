import type { Dispatcher } from 'undici';
import { type CrawlerError, HttpStatusError, SourceTooLargeError, TooLargeError } from './errors.js';
import { fetchLimitsOf, fetchPage, toCrawlerError } from './fetch-page.js';
import { CRAWLER_DEFAULTS } from './options.js';
import type { RobotsPolicy } from './robots.js';
import type { AddressPolicy } from './safe-agent.js';
import { SourceParser, type SourceFormat } from './source-parser.js';
import { XmlDecoder } from './xml-decoder.js';

// One `sources` entry fetched and parsed as it streams: its page entries handed on in batches, the sitemaps an
// index lists returned (the caller decides which to read), and whatever went wrong as a coded error of that source.

/** The limits of one source; the crawl-worker fills them from `CRAWL_SOURCE_*`. */
export interface SourceLimits {
  /** Largest document read, after decompression (also the cap on the wire). @defaultValue 52428800 */
  maxBytes?: number;
  /** Most entries read. @defaultValue 50000 */
  maxEntries?: number;
  /** Sitemaps of an index kept (the rest are not returned). @defaultValue 100 */
  maxSitemaps?: number;
}

export const SOURCE_DEFAULTS = { maxBytes: 50 * 1024 * 1024, maxEntries: 50_000, maxSitemaps: 100 } as const;

export interface FetchSourceInput extends SourceLimits {
  url: string;
  /** The crawl's request headers (see `CrawlPageInput.headers`). */
  headers?: Readonly<Record<string, string>> | undefined;
  signal?: AbortSignal | undefined;
  /** Page entries per `onEntries` call. @defaultValue 500 */
  batchSize?: number;
  /**
   * Receives the page entries, in order, with the URL the source was read from (after redirects); the document is
   * read on once the promise settles.
   */
  onEntries: (urls: string[], finalUrl: string) => Promise<void>;
  /** Check robots.txt for the source and its redirect hops. @defaultValue true */
  respectRobots?: boolean;
}

export interface FetchSourceDeps {
  dispatcher: Dispatcher;
  policy: AddressPolicy;
  robots?: RobotsPolicy;
  userAgent?: string;
  maxRedirects?: number;
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
  requestTimeoutMs?: number;
}

/** What became of one source. Never thrown: a failure is `status: 'failed'` with its coded `error`. */
export interface SourceOutcome {
  status: 'fetched' | 'failed' | 'skipped';
  url: string;
  finalUrl: string;
  httpStatus?: number;
  contentType?: string;
  /** What the document was, once its root element was read. */
  format?: SourceFormat;
  /** Bytes received on the wire. */
  bytes: number;
  /** Entries listed (pages, or sitemaps of an index) and handed on, before any error. */
  entries: number;
  /** Entries that were not http(s) URLs. */
  invalid: number;
  /** Sitemaps an index lists (at most `maxSitemaps`), to be read by the caller. */
  sitemaps: string[];
  /** Why it was skipped (`robots`). */
  reason?: string;
  error?: CrawlerError;
  /** A retry may help (timeouts, resets, 5xx). */
  transient: boolean;
  fetchMs: number;
}

/**
 * Fetches one sitemap or feed with the crawler's safe fetch (address policy on every hop, robots.txt, timeouts,
 * User-Agent), undoes Content-Encoding and a gzip file (`.xml.gz`), and parses it while it streams: memory stays
 * bounded by one batch of entries, whatever the document's size.
 */
export async function fetchSource(input: FetchSourceInput, deps: FetchSourceDeps): Promise<SourceOutcome> {
  const started = performance.now();
  const userAgent = deps.userAgent ?? CRAWLER_DEFAULTS.userAgent;
  const maxBytes = input.maxBytes ?? SOURCE_DEFAULTS.maxBytes;
  const maxSitemaps = input.maxSitemaps ?? SOURCE_DEFAULTS.maxSitemaps;
  const batchSize = input.batchSize ?? 500;
  const respectRobots = (input.respectRobots ?? true) && deps.robots !== undefined;
  const sitemaps: string[] = [];
  let batch: string[] = [];
  let parser: SourceParser | undefined;
  let decoder: XmlDecoder | undefined;
  let finalUrl = input.url;
  const base = { url: input.url, sitemaps };
  const counts = () => ({ entries: parser?.entries ?? 0, invalid: parser?.invalid ?? 0 });
  /** Hands on full batches (and, at the end, the rest); one piece of text can list many entries. */
  const flush = async (all = true): Promise<void> => {
    while (batch.length >= batchSize || (all && batch.length > 0)) {
      const urls = batch.slice(0, batchSize);
      batch = batch.slice(batchSize);
      await input.onEntries(urls, finalUrl);
    }
  };
  const push = async (text: string): Promise<void> => {
    parser?.write(text);
    await flush(false);
  };
  try {
    const result = await fetchPage(input.url, {
      dispatcher: deps.dispatcher,
      policy: deps.policy,
      userAgent,
      accept: 'any',
      purpose: 'source',
      maxBodyBytes: maxBytes,
      sniffGzip: true,
      ...fetchLimitsOf(deps),
      ...(input.signal === undefined ? {} : { signal: input.signal }),
      ...(input.headers === undefined ? {} : { headers: input.headers }),
      beforeHop: async (hopUrl) => {
        finalUrl = hopUrl.href;
        if (!respectRobots) return undefined;
        const rules = await deps.robots!.fetchRobots(hopUrl.href);
        // An origin that cannot be reached for robots.txt fails the source with that error, as it does a page.
        if (rules.state === 'unreachable' && rules.error !== undefined) throw rules.error;
        return rules.isAllowed(hopUrl.href, userAgent) ? undefined : 'robots';
      },
      onChunk: async (chunk, response) => {
        if (parser === undefined) {
          // The first bytes of the final response: its URL is the base of relative entries.
          parser = new SourceParser({
            baseUrl: response.url,
            maxEntries: input.maxEntries ?? SOURCE_DEFAULTS.maxEntries,
            onEntry: (url, kind) => {
              if (kind === 'page') batch.push(url);
              else if (sitemaps.length < maxSitemaps) sitemaps.push(url);
            },
          });
          decoder = new XmlDecoder(response.contentType?.charset);
        }
        await push(decoder!.write(chunk));
      },
    });
    const fetchMs = performance.now() - started;
    const common = {
      ...base,
      finalUrl: result.finalUrl,
      bytes: result.bytes,
      ...(result.httpStatus === undefined ? {} : { httpStatus: result.httpStatus }),
      ...(result.contentType === undefined ? {} : { contentType: result.contentType.mime }),
      fetchMs,
    };
    if (result.status === 'skipped') {
      return { ...common, status: 'skipped', reason: result.reason, entries: 0, invalid: 0, transient: false };
    }
    if (parser === undefined) {
      parser = new SourceParser({ baseUrl: result.finalUrl, maxEntries: 0, onEntry: () => undefined });
    } else {
      await push(decoder!.end());
    }
    const format = parser.end();
    await flush();
    return { ...common, status: 'fetched', format, ...counts(), transient: false };
  } catch (thrown) {
    // Entries read before the error are handed on all the same: they were listed.
    const flushed = await flush().then(
      () => undefined,
      (error: unknown) => error,
    );
    const error = toSourceError(flushed ?? thrown, finalUrl, maxBytes);
    return {
      ...base,
      status: 'failed',
      finalUrl,
      ...(error instanceof HttpStatusError ? { httpStatus: error.httpStatus } : {}),
      bytes: 0,
      ...(parser?.format === undefined ? {} : { format: parser.format }),
      ...counts(),
      error,
      transient: error.kind === 'transient',
      fetchMs: performance.now() - started,
    };
  }
}

function toSourceError(error: unknown, url: string, maxBytes: number): CrawlerError {
  const crawlerError = toCrawlerError(error, url);
  if (crawlerError instanceof TooLargeError) {
    return new SourceTooLargeError(`Larger than ${maxBytes} bytes (uncompressed)`, { url, cause: crawlerError });
  }
  return crawlerError;
}
