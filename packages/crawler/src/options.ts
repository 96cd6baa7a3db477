import type { Dispatcher } from 'undici';
import { KUMO_PRODUCT } from '@kumo/config';
import { REDIS_DEFAULT_PORT } from './allow-list.js';
import { CrawlerOptionsError } from './errors.js';
import { EXTRACT_DEFAULTS } from './extract.js';
import { DEFAULT_OFF_THREAD_CHARS } from './page-extractor.js';
import type { RobotsStore } from './robots-store.js';
import type { HostLookup } from './safe-agent.js';

/** Options of {@link createCrawler}. The apps fill them from `@kumo/config` (`CRAWL_*`). */
export interface CrawlerOptions {
  /**
   * `User-Agent` sent with every request; its first product token (`kumo` in `kumo/0.1 (+url)`) is the name
   * matched against robots.txt groups.
   * @defaultValue `'kumo/0.1'` (the crawl-worker adds the operator's contact: `crawlUserAgent` of `@kumo/config`)
   */
  userAgent?: string;
  /** Time to resolve and connect (TLS included). @defaultValue 10000 */
  connectTimeoutMs?: number;
  /** Time from sending the request to receiving all response headers. @defaultValue 15000 */
  headersTimeoutMs?: number;
  /** Longest pause between two body chunks. @defaultValue 30000 */
  bodyTimeoutMs?: number;
  /** Deadline for one whole fetch, redirects and body included (stops slow-drip servers). @defaultValue 60000 */
  requestTimeoutMs?: number;
  /** Largest body read, counted on the wire and again after decompression. @defaultValue 5242880 (5 MiB) */
  maxBodyBytes?: number;
  /** Redirect hops followed per fetch; 0 treats any redirect as too many. @defaultValue 5 */
  maxRedirects?: number;
  /**
   * Longest visible text kept per page (what the analyser gets); longer text is cut at a line break and
   * `textLength` reports the kept length. @defaultValue 500000
   */
  maxTextChars?: number;
  /**
   * Pages of at least this many characters are parsed on a worker thread, so that a big or hostile page never
   * blocks the event loop for seconds; smaller ones inline (cheaper). 0 sends every page to the thread.
   * @defaultValue 262144
   */
  offThreadParseChars?: number;
  /**
   * Hosts, IPs and CIDR ranges that may be fetched although not public (e.g. `127.0.0.1`). A host or IP may name
   * one port (`127.0.0.1:8080`, `[::1]:8080`, `localhost:3000`): only that port is open then. Without a port,
   * every port is open except `reservedPorts`. @defaultValue []
   */
  allowHosts?: readonly string[];
  /**
   * Ports an `allowHosts` entry without a port never opens: kumo's own Redis, API and metrics ports (the
   * crawl-worker passes them from its configuration). An entry naming the port explicitly still opens it.
   * @defaultValue [6379]
   */
  reservedPorts?: readonly number[];
  /** Keep-alive connections per origin in the shared agent. @defaultValue 8 */
  connectionsPerOrigin?: number;
  /**
   * Resolves host names for the safe agent (every returned address is checked). Tests use it to make
   * `evil.test` resolve to 127.0.0.1. @defaultValue `dns.lookup(host, { all: true })`
   */
  lookup?: HostLookup;
  /**
   * The dispatcher to fetch with instead of a new safe agent. It is not closed by `close()`. It must enforce the
   * address policy itself (build it with `createSafeAgent`): the crawler only checks literal IPs in URLs.
   * @defaultValue a new agent from `createSafeAgent`
   */
  dispatcher?: Dispatcher;
  /** Shared robots.txt cache (the worker backs it with Redis). @defaultValue a new `MemoryRobotsStore` */
  robotsStore?: RobotsStore;
  /** Origins whose parsed robots.txt stays in this process. @defaultValue 1000 */
  robotsCacheSize?: number;
  /** How long a parsed robots.txt stays in this process before the store is asked again. @defaultValue 600000 */
  robotsCacheTtlMs?: number;
  /** How long an unreachable robots.txt (5xx, network error) disallows its origin here. @defaultValue 60000 */
  robotsErrorTtlMs?: number;
  /** Largest robots.txt read; longer files are truncated (Google reads 500 KiB). @defaultValue 512000 */
  robotsMaxBytes?: number;
}

export type ResolvedCrawlerOptions = Required<Omit<CrawlerOptions, 'lookup' | 'dispatcher' | 'robotsStore'>> &
  Pick<CrawlerOptions, 'lookup' | 'dispatcher' | 'robotsStore'>;

export const DEFAULT_USER_AGENT = KUMO_PRODUCT;

export const CRAWLER_DEFAULTS = {
  userAgent: DEFAULT_USER_AGENT,
  connectTimeoutMs: 10_000,
  headersTimeoutMs: 15_000,
  bodyTimeoutMs: 30_000,
  requestTimeoutMs: 60_000,
  maxBodyBytes: 5 * 1024 * 1024,
  maxRedirects: 5,
  maxTextChars: EXTRACT_DEFAULTS.maxTextChars,
  offThreadParseChars: DEFAULT_OFF_THREAD_CHARS,
  allowHosts: [] as readonly string[],
  reservedPorts: [REDIS_DEFAULT_PORT] as readonly number[],
  connectionsPerOrigin: 8,
  robotsCacheSize: 1000,
  robotsCacheTtlMs: 600_000,
  robotsErrorTtlMs: 60_000,
  robotsMaxBytes: 512_000,
} as const satisfies ResolvedCrawlerOptions;

function integer(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    const what = min === 0 ? 'a non-negative integer' : `an integer of at least ${min}`;
    throw new CrawlerOptionsError(`${name} must be ${what} (got ${String(value)})`);
  }
  return value;
}

/** Applies defaults and validates every option, failing with a sentence naming the bad one. */
export function resolveCrawlerOptions(options: CrawlerOptions = {}): ResolvedCrawlerOptions {
  const merged = { ...CRAWLER_DEFAULTS, ...definedOnly(options) };
  if (typeof merged.userAgent !== 'string' || merged.userAgent.trim().length === 0 || /[\r\n]/.test(merged.userAgent)) {
    throw new CrawlerOptionsError('userAgent must be a non-empty single-line string');
  }
  if (!Array.isArray(merged.allowHosts) || merged.allowHosts.some((entry) => typeof entry !== 'string')) {
    throw new CrawlerOptionsError('allowHosts must be an array of strings');
  }
  if (!Array.isArray(merged.reservedPorts)) throw new CrawlerOptionsError('reservedPorts must be an array of ports');
  if (merged.lookup !== undefined && typeof merged.lookup !== 'function') {
    throw new CrawlerOptionsError('lookup must be a function (hostname) => Promise<addresses>');
  }
  return {
    ...merged,
    connectTimeoutMs: integer('connectTimeoutMs', merged.connectTimeoutMs, 1),
    headersTimeoutMs: integer('headersTimeoutMs', merged.headersTimeoutMs, 1),
    bodyTimeoutMs: integer('bodyTimeoutMs', merged.bodyTimeoutMs, 1),
    requestTimeoutMs: integer('requestTimeoutMs', merged.requestTimeoutMs, 1),
    maxBodyBytes: integer('maxBodyBytes', merged.maxBodyBytes, 1),
    maxRedirects: integer('maxRedirects', merged.maxRedirects, 0),
    maxTextChars: integer('maxTextChars', merged.maxTextChars, 1),
    offThreadParseChars: integer('offThreadParseChars', merged.offThreadParseChars, 0),
    connectionsPerOrigin: integer('connectionsPerOrigin', merged.connectionsPerOrigin, 1),
    robotsCacheSize: integer('robotsCacheSize', merged.robotsCacheSize, 1),
    robotsCacheTtlMs: integer('robotsCacheTtlMs', merged.robotsCacheTtlMs, 0),
    robotsErrorTtlMs: integer('robotsErrorTtlMs', merged.robotsErrorTtlMs, 0),
    robotsMaxBytes: integer('robotsMaxBytes', merged.robotsMaxBytes, 1),
  };
}

// `{ maxRedirects: undefined }` means "use the default", as it does for undici's options.
function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}
