import type { Dispatcher } from 'undici';
import robotsParserModule from 'robots-parser';
import type { AddressPolicy } from './safe-agent.js';
import { CrawlerErrorCode, CrawlerError, HttpStatusError, RobotsUnavailableError } from './errors.js';
import { fetchPage } from './fetch-page.js';
import { CRAWLER_DEFAULTS } from './options.js';
import { LruCache } from './lru-cache.js';
import type { RobotsStore } from './robots-store.js';

interface RobotsTxt {
  isAllowed(url: string, ua?: string): boolean | undefined;
  getCrawlDelay(ua?: string): number | undefined;
  getSitemaps(): string[];
}
type RobotsParser = (url: string, contents: string) => RobotsTxt;

// robots-parser is CommonJS (`module.exports = fn`) but its types declare an ES default export; under nodenext the
// default import is module.exports itself. Accept both shapes rather than trust either.
const robotsParser: RobotsParser =
  (robotsParserModule as unknown as { default?: RobotsParser }).default ??
  (robotsParserModule as unknown as RobotsParser);

/**
 * How an origin's robots.txt was obtained: `parsed`; `allow-all` (none, 4xx, empty); `unavailable` (it answered
 * 429/5xx, or a redirect of it led to a server that could not be reached: everything is disallowed for now);
 * `unreachable` (the origin itself could not be reached — blocked address, DNS, TLS, connection, timeout: a page of
 * the origin would fail the same way, so it fails with that error; nothing was disallowed).
 */
export type RobotsState = 'parsed' | 'allow-all' | 'unavailable' | 'unreachable';

/** The first product token of a User-Agent (`kumo` for `kumo/0.1 (+https://…)`): what robots.txt groups name. */
export function robotsAgentToken(userAgent: string): string {
  return /^[A-Za-z0-9_-]+/.exec(userAgent.trim())?.[0] ?? '*';
}

/** The robots.txt rules of one origin. */
export class RobotsRules {
  readonly origin: string;
  readonly state: RobotsState;
  /**
   * Why the rules are `unavailable` (a transient `KUMO_CRAWLER_ROBOTS_UNAVAILABLE`) or `unreachable` (the origin's
   * own error: permanent for blocked addresses, unknown hosts and TLS, transient for connections and timeouts).
   */
  readonly error: CrawlerError | undefined;
  readonly #parsed: RobotsTxt | undefined;

  constructor(origin: string, state: RobotsState, body?: string, error?: CrawlerError) {
    this.origin = origin;
    this.state = state;
    this.error = error;
    this.#parsed = state === 'parsed' && body !== undefined ? robotsParser(`${origin}/robots.txt`, body) : undefined;
  }

  /**
   * Whether `url` may be fetched by `userAgent`. Unavailable rules disallow everything (Google's rule for 5xx);
   * so do unreachable ones (nothing can be fetched from the origin: `crawlPage` fails the page with the error instead).
   */
  isAllowed(url: string, userAgent: string): boolean {
    if (this.state === 'unavailable' || this.state === 'unreachable') return false;
    if (this.#parsed === undefined) return true;
    return this.#parsed.isAllowed(url, robotsAgentToken(userAgent)) ?? true;
  }

  /** The `Sitemap:` lines, as written (absolute URLs by the protocol), in file order; [] without a parsed file. */
  sitemaps(): string[] {
    return this.#parsed?.getSitemaps() ?? [];
  }

  /** The group's `Crawl-delay` in milliseconds, if any. */
  crawlDelayMs(userAgent: string): number | undefined {
    const seconds = this.#parsed?.getCrawlDelay(robotsAgentToken(userAgent));
    return seconds === undefined || !Number.isFinite(seconds) || seconds < 0 ? undefined : Math.round(seconds * 1000);
  }
}

export interface RobotsPolicyOptions {
  /** The crawler's safe agent: robots.txt is fetched under the same address policy as pages. */
  dispatcher: Dispatcher;
  policy: AddressPolicy;
  /** Shared cache across processes. */
  store: RobotsStore;
  /** @defaultValue the crawler's default User-Agent */
  userAgent?: string;
  /** @defaultValue 1000 */
  cacheSize?: number;
  /** @defaultValue 600000 */
  cacheTtlMs?: number;
  /** @defaultValue 60000 */
  errorTtlMs?: number;
  /** @defaultValue 512000 */
  maxBytes?: number;
  /** @defaultValue 5 */
  maxRedirects?: number;
  /** @defaultValue 15000 */
  headersTimeoutMs?: number;
  /** @defaultValue 30000 */
  bodyTimeoutMs?: number;
  /** @defaultValue 60000 */
  requestTimeoutMs?: number;
}

/**
 * robots.txt, Google's way: 2xx is parsed; 4xx (401 and 403 included) allows everything; 429 and 5xx disallow
 * everything for a while (`unavailable`, not stored, retried after `errorTtlMs`). When the origin itself cannot be
 * reached (blocked address, DNS, TLS, refused or reset connection, timeout) the rules are `unreachable`, carrying
 * that error (not stored either, retried after `errorTtlMs`). Redirects are followed. Bodies go to the shared {@link RobotsStore}; an LRU in front means one process asks the store once per
 * origin, and concurrent callers for one origin share one fetch.
 */
export class RobotsPolicy {
  readonly userAgent: string;
  readonly #options: RobotsPolicyOptions;
  readonly #cache: LruCache<string, RobotsRules>;
  readonly #inflight = new Map<string, Promise<RobotsRules>>();

  constructor(options: RobotsPolicyOptions) {
    this.#options = options;
    this.userAgent = options.userAgent ?? CRAWLER_DEFAULTS.userAgent;
    this.#cache = new LruCache(options.cacheSize ?? CRAWLER_DEFAULTS.robotsCacheSize);
  }

  /** The rules of an origin (`https://example.com`; any URL of the origin is accepted too). Fetch failures
   * become `unavailable` or `allow-all` rules; only an unparsable URL throws. */
  async fetchRobots(originOrUrl: string): Promise<RobotsRules> {
    const origin = new URL(originOrUrl).origin;
    const cached = this.#cache.get(origin);
    if (cached !== undefined) return cached;
    let pending = this.#inflight.get(origin);
    if (pending === undefined) {
      pending = this.#load(origin).finally(() => this.#inflight.delete(origin));
      this.#inflight.set(origin, pending);
    }
    return pending;
  }

  /** Whether `url` may be fetched (fetching its origin's robots.txt if needed). */
  async isAllowed(url: string, userAgent: string = this.userAgent): Promise<boolean> {
    return (await this.fetchRobots(url)).isAllowed(url, userAgent);
  }

  /** The origin's `Crawl-delay` for `userAgent` in milliseconds, if it sets one. */
  async crawlDelayMs(originOrUrl: string, userAgent: string = this.userAgent): Promise<number | undefined> {
    return (await this.fetchRobots(originOrUrl)).crawlDelayMs(userAgent);
  }

  /** Forgets what this process cached (the shared store is untouched). */
  clear(): void {
    this.#cache.clear();
  }

  async #load(origin: string): Promise<RobotsRules> {
    const options = this.#options;
    const stored = await options.store.get(origin).catch(() => null);
    if (stored !== null) return this.#remember(origin, rulesFromBody(origin, stored));
    let rules: RobotsRules;
    try {
      const result = await fetchPage(`${origin}/robots.txt`, {
        dispatcher: options.dispatcher,
        policy: options.policy,
        userAgent: this.userAgent,
        accept: 'any',
        onTooLarge: 'truncate',
        purpose: 'robots',
        maxBodyBytes: options.maxBytes ?? CRAWLER_DEFAULTS.robotsMaxBytes,
        maxRedirects: options.maxRedirects ?? CRAWLER_DEFAULTS.maxRedirects,
        headersTimeoutMs: options.headersTimeoutMs ?? CRAWLER_DEFAULTS.headersTimeoutMs,
        bodyTimeoutMs: options.bodyTimeoutMs ?? CRAWLER_DEFAULTS.bodyTimeoutMs,
        requestTimeoutMs: options.requestTimeoutMs ?? CRAWLER_DEFAULTS.requestTimeoutMs,
      });
      // accept: 'any' never skips; a skip could only come from beforeHop, which is not used here.
      const body = result.status === 'fetched' ? new TextDecoder('utf-8').decode(result.body) : '';
      rules = rulesFromBody(origin, body);
      await options.store.set(origin, body).catch(() => undefined);
    } catch (error) {
      const verdict = classifyRobotsError(origin, error);
      if (verdict === 'allow-all') {
        rules = new RobotsRules(origin, 'allow-all');
        await options.store.set(origin, '').catch(() => undefined);
      } else {
        const state = verdict instanceof RobotsUnavailableError ? 'unavailable' : 'unreachable';
        return this.#remember(
          origin,
          new RobotsRules(origin, state, undefined, verdict),
          options.errorTtlMs ?? CRAWLER_DEFAULTS.robotsErrorTtlMs,
        );
      }
    }
    return this.#remember(origin, rules);
  }

  #remember(origin: string, rules: RobotsRules, ttlMs?: number): RobotsRules {
    this.#cache.set(origin, rules, ttlMs ?? this.#options.cacheTtlMs ?? CRAWLER_DEFAULTS.robotsCacheTtlMs);
    return rules;
  }
}

/**
 * What a failed robots.txt fetch means. 4xx other than 429 is "no robots.txt" (allow all), and so is a broken
 * redirect chain (Google treats one as 404); 429 and 5xx are a {@link RobotsUnavailableError} (disallow for now).
 * A failure to reach the origin itself is returned as is, permanent (blocked address, unknown host, bad
 * certificate) or transient (refused or reset connection, not HTTP, timeout, resolver trouble): the page would fail
 * the same way, and robots.txt has not disallowed anything. The same failure at a redirect target on another origin
 * makes robots.txt unavailable (transient) when a retry may help, and allow-all when it cannot.
 */
function classifyRobotsError(origin: string, error: unknown): 'allow-all' | CrawlerError {
  if (!(error instanceof CrawlerError)) {
    return new RobotsUnavailableError(`robots.txt of ${origin} unavailable: ${String(error)}`, { cause: error });
  }
  const atOrigin = (error.url === undefined ? origin : safeOrigin(error.url)) === origin;
  if (error instanceof HttpStatusError) {
    if (error.httpStatus !== 429 && error.httpStatus < 500) return 'allow-all';
  } else if (error.kind === 'permanent') {
    return atOrigin && ORIGIN_FAILURES.has(error.code) ? error : 'allow-all';
  } else if (atOrigin) {
    return error;
  }
  return new RobotsUnavailableError(`robots.txt of ${origin} unavailable: ${error.message}`, {
    cause: error,
    url: `${origin}/robots.txt`,
  });
}

const ORIGIN_FAILURES = new Set<string>([
  CrawlerErrorCode.BLOCKED_ADDRESS,
  CrawlerErrorCode.DNS,
  CrawlerErrorCode.TLS,
  CrawlerErrorCode.BAD_URL,
]);

function safeOrigin(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

function rulesFromBody(origin: string, body: string): RobotsRules {
  return body.trim() === '' ? new RobotsRules(origin, 'allow-all') : new RobotsRules(origin, 'parsed', body);
}
