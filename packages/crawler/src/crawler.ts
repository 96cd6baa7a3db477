import type { Dispatcher } from 'undici';
import { crawlPage, type CrawlPageInput, type CrawlPageOutcome } from './crawl-page.js';
import { fetchPage, type FetchPageOptions, type FetchPageResult } from './fetch-page.js';
import { resolveCrawlerOptions, type CrawlerOptions, type ResolvedCrawlerOptions } from './options.js';
import { RobotsPolicy, type RobotsRules } from './robots.js';
import { MemoryRobotsStore } from './robots-store.js';
import { AddressPolicy, createSafeAgent } from './safe-agent.js';

/** A configured crawler: one safe agent, one address policy, one robots policy per process. */
export interface Crawler {
  readonly options: ResolvedCrawlerOptions;
  readonly policy: AddressPolicy;
  readonly dispatcher: Dispatcher;
  readonly robots: RobotsPolicy;
  /** Crawls one page; never throws for page-level problems (see `crawlPage`). */
  crawlPage(input: CrawlPageInput): Promise<CrawlPageOutcome>;
  /** Fetches one URL with the crawler's settings; throws coded `CrawlerError`s. */
  fetchPage(
    url: string,
    overrides?: Omit<Partial<FetchPageOptions>, 'dispatcher' | 'policy'>,
  ): Promise<FetchPageResult>;
  /** The robots.txt rules of an origin (cached). */
  fetchRobots(origin: string): Promise<RobotsRules>;
  /** Closes the agent's connections (not an injected dispatcher's). */
  close(): Promise<void>;
}

/**
 * Builds a crawler. Options are validated here and a bad one fails with a `CrawlerOptionsError`
 * (`KUMO_CRAWLER_INVALID_OPTIONS`) whose message names it.
 */
export function createCrawler(options: CrawlerOptions = {}): Crawler {
  const resolved = resolveCrawlerOptions(options);
  const policy = new AddressPolicy(resolved.allowHosts);
  const ownsDispatcher = resolved.dispatcher === undefined;
  const dispatcher =
    resolved.dispatcher ??
    createSafeAgent({
      policy,
      connectTimeoutMs: resolved.connectTimeoutMs,
      headersTimeoutMs: resolved.headersTimeoutMs,
      bodyTimeoutMs: resolved.bodyTimeoutMs,
      connectionsPerOrigin: resolved.connectionsPerOrigin,
      ...(resolved.lookup === undefined ? {} : { lookup: resolved.lookup }),
    });
  const fetchSettings = {
    userAgent: resolved.userAgent,
    maxRedirects: resolved.maxRedirects,
    headersTimeoutMs: resolved.headersTimeoutMs,
    bodyTimeoutMs: resolved.bodyTimeoutMs,
    requestTimeoutMs: resolved.requestTimeoutMs,
  };
  const robots = new RobotsPolicy({
    dispatcher,
    policy,
    store: resolved.robotsStore ?? new MemoryRobotsStore(),
    cacheSize: resolved.robotsCacheSize,
    cacheTtlMs: resolved.robotsCacheTtlMs,
    errorTtlMs: resolved.robotsErrorTtlMs,
    maxBytes: resolved.robotsMaxBytes,
    ...fetchSettings,
  });
  let closed: Promise<void> | undefined;
  return {
    options: resolved,
    policy,
    dispatcher,
    robots,
    crawlPage: (input) =>
      crawlPage(input, {
        dispatcher,
        policy,
        robots,
        maxBodyBytes: resolved.maxBodyBytes,
        maxTextChars: resolved.maxTextChars,
        ...fetchSettings,
      }),
    fetchPage: (url, overrides = {}) =>
      fetchPage(url, { maxBodyBytes: resolved.maxBodyBytes, ...fetchSettings, ...overrides, dispatcher, policy }),
    fetchRobots: (origin) => robots.fetchRobots(origin),
    close: () => {
      closed ??= ownsDispatcher ? dispatcher.close() : Promise.resolve();
      return closed;
    },
  };
}
