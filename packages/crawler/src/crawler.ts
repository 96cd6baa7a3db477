import type { CrawlRequest, CrawlScope, PageResult } from '@kumo/contract';
import type { Dispatcher } from 'undici';
import { decodeHtml } from './decode.js';
import { type CrawlerError, HttpStatusError, TooLargeError } from './errors.js';
import { extractPage } from './extract.js';
import { PageExtractor } from './page-extractor.js';
import {
  fetchLimitsOf,
  fetchPage,
  toCrawlerError,
  type FetchedPage,
  type FetchPageOptions,
  type FetchPageResult,
} from './fetch-page.js';
import {
  CRAWLER_DEFAULTS,
  resolveCrawlerOptions,
  type CrawlerOptions,
  type ResolvedCrawlerOptions,
} from './options.js';
import { fetchSource, type FetchSourceInput, type SourceOutcome } from './fetch-source.js';
import { NOT_MODIFIED, validatorsOf, type Revalidation, type Validators } from './revalidation.js';
import { RobotsPolicy, type RobotsRules } from './robots.js';
import { MemoryRobotsStore } from './robots-store.js';
import { AddressPolicy, createSafeAgent } from './safe-agent.js';
import { createUrlFilter, UrlFilterCache, type UrlFilter } from './url-filter.js';
import { isInScopeOfAny, normalizeUrl } from './url-scope.js';

// The crawler a process builds once (`createCrawler`) and what it does for each page (`crawlPage`).

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
  /** Fetches and parses one sitemap or feed as it streams (see `fetchSource`); never throws for its problems. */
  fetchSource(input: FetchSourceInput): Promise<SourceOutcome>;
  /** Closes the agent's connections (not an injected dispatcher's). */
  close(): Promise<void>;
}

/**
 * Builds a crawler. Options are validated here and a bad one fails with a `CrawlerOptionsError`
 * (`KUMO_CRAWLER_INVALID_OPTIONS`) whose message names it.
 */
export function createCrawler(options: CrawlerOptions = {}): Crawler {
  const resolved = resolveCrawlerOptions(options);
  const policy = new AddressPolicy(resolved.allowHosts, { reservedPorts: resolved.reservedPorts });
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
  const urlFilters = new UrlFilterCache();
  const extractor = new PageExtractor({ offThreadChars: resolved.offThreadParseChars });
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
        urlFilters,
        maxBodyBytes: resolved.maxBodyBytes,
        maxTextChars: resolved.maxTextChars,
        extractor,
        ...fetchSettings,
      }),
    fetchPage: (url, overrides = {}) =>
      fetchPage(url, { maxBodyBytes: resolved.maxBodyBytes, ...fetchSettings, ...overrides, dispatcher, policy }),
    fetchRobots: (origin) => robots.fetchRobots(origin),
    fetchSource: (input) => fetchSource(input, { dispatcher, policy, robots, ...fetchSettings }),
    close: () => {
      closed ??= Promise.all([extractor.close(), ownsDispatcher ? dispatcher.close() : undefined]).then(
        () => undefined,
      );
      return closed;
    },
  };
}

/** One page to crawl. */
export interface CrawlPageInput {
  /** The URL to fetch (normalised again here). */
  url: string;
  /** Its depth in the crawl (seeds are 0); copied to the PageResult. */
  depth: number;
  /** Which links may be followed, relative to the anchors (see `seedUrls`). */
  scope: CrawlScope;
  /**
   * The crawl's seeds: links are in scope when they are in scope of any seed. A seed's own redirect target
   * counts as an anchor too (for depth 0). @defaultValue [url]
   */
  seedUrls?: readonly string[];
  /**
   * The crawl's URL globs: below the seeds, a link (or redirect hop) is followed only when it matches some
   * `include` (when given) and no `exclude`, on top of `scope`. @defaultValue everything in scope
   */
  include?: readonly string[] | undefined;
  /** See `include`. @defaultValue [] */
  exclude?: readonly string[] | undefined;
  /**
   * The crawl's own request headers (already checked against the deployment's allow-list by the API), sent with
   * the page and its redirect hops; headers kumo sets itself (User-Agent, Accept…) keep kumo's values.
   * @defaultValue {}
   */
  headers?: Readonly<Record<string, string>> | undefined;
  /** Check robots.txt before fetching (and for each redirect hop). @defaultValue true */
  respectRobots?: boolean;
  /**
   * What an earlier run kept of this page: its validators are sent (`If-None-Match` / `If-Modified-Since`), and a
   * `304` answer gives a `fetched` page with `notModified: true`, the earlier fields, and the earlier links filtered
   * by this crawl's scope and globs (no text: the caller reuses the earlier analysis). @defaultValue none
   */
  revalidate?: Revalidation;
  /** Aborts the fetch (crawl cancelled); the page then fails with `KUMO_CRAWLER_ABORTED`. */
  signal?: AbortSignal;
  /**
   * Called once the host is done with the request (the body read), before decoding and parsing, with the fetch time
   * in ms: a per-host slot can be given back then rather than after the parse.
   */
  onFetched?: (fetchMs: number) => void;
}

/**
 * The part of a page's input that comes from its crawl's request (`scope`, seeds and sources, `include`, `exclude`,
 * `headers`);
 * fields a request does not have (crawls created before them) stay absent.
 */
export function crawlInputOf(
  request: Pick<CrawlRequest, 'urls' | 'sources' | 'scope' | 'include' | 'exclude' | 'headers'>,
): Pick<CrawlPageInput, 'scope' | 'seedUrls' | 'include' | 'exclude' | 'headers'> {
  return {
    scope: request.scope,
    // A source's URL anchors the scope of its entries' links as a seed's does.
    seedUrls:
      request.sources === undefined || request.sources.length === 0
        ? request.urls
        : [...request.urls, ...request.sources.map((source) => source.url)],
    ...(request.include === undefined ? {} : { include: request.include }),
    ...(request.exclude === undefined ? {} : { exclude: request.exclude }),
    ...(request.headers === undefined ? {} : { headers: request.headers }),
  };
}

/** What {@link crawlPage} needs; `createCrawler` builds it. Unset limits take the `CrawlerOptions` defaults. */
export interface CrawlPageDeps {
  /** The safe agent (see `createSafeAgent`). */
  dispatcher: Dispatcher;
  /** Checked against literal IPs of every hop. */
  policy: AddressPolicy;
  /** Compiled include/exclude filters shared by the pages of a crawl. @defaultValue compiled per page */
  urlFilters?: UrlFilterCache;
  /** Without it robots.txt is not consulted. @defaultValue undefined */
  robots?: RobotsPolicy;
  /** @defaultValue `DEFAULT_USER_AGENT` */
  userAgent?: string;
  /** @defaultValue 5242880 */
  maxBodyBytes?: number;
  /** @defaultValue 5 */
  maxRedirects?: number;
  /** Longest text kept (see `extractPage`). @defaultValue 500000 */
  maxTextChars?: number;
  /** Parses big pages off the event loop. @defaultValue every page parsed inline */
  extractor?: PageExtractor;
  /** @defaultValue 15000 */
  headersTimeoutMs?: number;
  /** @defaultValue 30000 */
  bodyTimeoutMs?: number;
  /** @defaultValue 60000 */
  requestTimeoutMs?: number;
}

/** The result of one page: never an exception for page-level problems. */
export interface CrawlPageOutcome {
  /** The contract's PageResult (`links` is the number of followable links). */
  page: PageResult;
  /** Followable links: normalised, in scope and the crawl's include/exclude, de-duplicated; empty when `nofollow`. */
  links: string[];
  /**
   * Every http(s) link of the page, followable or not (absolute, normalised, de-duplicated, in document order), for a
   * crawl that stores them (`store: ["links"]`); empty unless fetched. Kept even when `nofollow`: the page links to
   * them all the same.
   */
  outLinks: string[];
  /** Visible text (for analysis); empty unless fetched. */
  text: string;
  /** The page asked not to follow its links (meta robots or `X-Robots-Tag`). */
  nofollow: boolean;
  /** From `Retry-After` on 429/503. */
  retryAfterMs?: number;
  /** A retry may help (timeouts, resets, 5xx, 429, robots.txt unavailable). */
  transient: boolean;
  /** robots.txt `Crawl-delay` of the page's origin for our User-Agent, in ms. */
  crawlDelayMs?: number;
  /**
   * The response's `ETag` / `Last-Modified`, for a page fetched with `200` straight from its URL (no redirect: the
   * validators belong to the URL asked for). Kept by the caller for the next run.
   */
  validators?: Validators;
  /** The server answered `304` to the conditional request (`revalidate`): the page stands in from the earlier run. */
  notModified?: boolean;
}

/** What `beforeHop` returns to stop at a hop that must fail (not be skipped); never a PageResult reason. */
const HOP_FAILED = 'kumo:hop-failed';

function elapsed(since: number): number {
  return Math.round((performance.now() - since) * 100) / 100;
}

function headerNofollow(page: FetchedPage): boolean {
  const raw = page.headers['x-robots-tag'];
  const values = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  // `X-Robots-Tag: otherbot: nofollow` addresses another crawler; only bare directives apply to us.
  return values.some((value) =>
    value
      .toLowerCase()
      .split(',')
      .some((token) => /^\s*(nofollow|none)\s*$/.test(token)),
  );
}

/**
 * Crawls one page: robots.txt, fetch (redirect hops re-checked for address policy, robots and — below the seeds —
 * scope), decode, extract. Page-level problems (timeouts, DNS, blocked addresses, HTTP errors, too large…) come
 * back as a `failed` or `skipped` PageResult with `error: { code, message }`; `transient` says whether to retry.
 */
export async function crawlPage(input: CrawlPageInput, deps: CrawlPageDeps): Promise<CrawlPageOutcome> {
  const userAgent = deps.userAgent ?? CRAWLER_DEFAULTS.userAgent;
  const empty = { links: [] as string[], outLinks: [] as string[], text: '', nofollow: false };
  let url: string;
  try {
    url = normalizeUrl(input.url);
  } catch (error) {
    const crawlerError = toCrawlerError(error, input.url);
    return failed(input, input.url, crawlerError, {}, empty);
  }

  const respectRobots = input.respectRobots ?? true;
  let crawlDelayMs: number | undefined;
  if (respectRobots && deps.robots !== undefined) {
    const rules = await deps.robots.fetchRobots(url);
    crawlDelayMs = rules.crawlDelayMs(userAgent);
    // The origin could not be reached for robots.txt: the page fails with that error, as its own fetch would.
    if (rules.state === 'unreachable' && rules.error !== undefined) {
      return failed(input, url, rules.error, {}, empty, crawlDelayMs);
    }
    if (!rules.isAllowed(url, userAgent)) {
      return skipped(input, url, 'robots', {}, empty, rules.error, crawlDelayMs);
    }
  }

  const anchors = input.seedUrls !== undefined && input.seedUrls.length > 0 ? [...input.seedUrls] : [url];
  const patterns = { include: input.include, exclude: input.exclude };
  const followable: UrlFilter = deps.urlFilters?.filterOf(patterns) ?? createUrlFilter(patterns);
  const inScope = (target: string | URL) =>
    isInScopeOfAny(target, anchors, input.scope) && followable(typeof target === 'string' ? target : target.href);
  let hopRobotsError: CrawlerError | undefined;
  let hopFailure: { url: string; error: CrawlerError } | undefined;
  const fetchStarted = performance.now();
  let result: FetchPageResult;
  try {
    result = await fetchPage(url, {
      dispatcher: deps.dispatcher,
      policy: deps.policy,
      userAgent,
      ...(deps.maxBodyBytes === undefined ? {} : { maxBodyBytes: deps.maxBodyBytes }),
      ...fetchLimitsOf(deps),
      ...(input.signal === undefined ? {} : { signal: input.signal }),
      ...(input.headers === undefined ? {} : { headers: input.headers }),
      ...(input.revalidate === undefined ? {} : { conditional: input.revalidate }),
      beforeHop: async (hopUrl, hop) => {
        if (hop === 0) return undefined;
        // Seeds may redirect anywhere (http→https, apex→www); deeper pages may not leave the crawl's scope.
        if (input.depth > 0 && !inScope(hopUrl)) return 'out-of-scope';
        if (respectRobots && deps.robots !== undefined) {
          const rules = await deps.robots.fetchRobots(hopUrl.href);
          if (rules.state === 'unreachable' && rules.error !== undefined) {
            // As for the first URL: the hop fails with the error that kept robots.txt out of reach.
            hopFailure = { url: hopUrl.href, error: rules.error };
            return HOP_FAILED;
          }
          if (!rules.isAllowed(hopUrl.href, userAgent)) {
            hopRobotsError = rules.error;
            return 'robots';
          }
        }
        return undefined;
      },
    });
  } catch (error) {
    const crawlerError = toCrawlerError(error, url);
    const timings = { fetchMs: elapsed(fetchStarted) };
    const finalUrl = crawlerError.url ?? url;
    if (crawlerError instanceof TooLargeError) {
      return skipped(input, finalUrl, 'too-large', timings, empty, crawlerError, crawlDelayMs);
    }
    return failed(input, finalUrl, crawlerError, timings, empty, crawlDelayMs);
  }
  const fetchMs = elapsed(fetchStarted);
  input.onFetched?.(fetchMs);
  if (result.status === 'skipped' && result.reason === HOP_FAILED && hopFailure !== undefined) {
    return failed(input, hopFailure.url, hopFailure.error, { fetchMs }, empty, crawlDelayMs);
  }
  const common = {
    url: input.url,
    finalUrl: result.finalUrl,
    depth: input.depth,
    ...(result.httpStatus === undefined ? {} : { httpStatus: result.httpStatus }),
    ...(result.contentType === undefined ? {} : { contentType: result.contentType.mime }),
  };
  if (result.status === 'skipped' && result.reason === NOT_MODIFIED && input.revalidate !== undefined) {
    // The links are filtered again: this crawl's scope and globs may be narrower than the earlier run's.
    const links = input.revalidate.links.filter((link) => inScope(link));
    return {
      page: {
        ...input.revalidate.page,
        ...common,
        status: 'fetched',
        notModified: true,
        links: links.length,
        timings: { fetchMs },
      },
      links,
      outLinks: [],
      text: '',
      nofollow: false,
      transient: false,
      notModified: true,
      ...(crawlDelayMs === undefined ? {} : { crawlDelayMs }),
    };
  }
  if (result.status === 'skipped') {
    return {
      page: {
        ...common,
        status: 'skipped',
        reason: result.reason,
        bytes: result.bytes,
        ...(hopRobotsError === undefined
          ? {}
          : { error: { code: hopRobotsError.code, message: hopRobotsError.message } }),
        timings: { fetchMs },
      },
      ...empty,
      transient: hopRobotsError?.kind === 'transient',
      ...(crawlDelayMs === undefined ? {} : { crawlDelayMs }),
    };
  }

  const parseStarted = performance.now();
  const decoded = decodeHtml(result.body, result.contentType?.charset);
  const extractOptions = { maxTextChars: deps.maxTextChars ?? CRAWLER_DEFAULTS.maxTextChars };
  const extracted = deps.extractor
    ? await deps.extractor.extract(decoded.text, result.finalUrl, extractOptions)
    : extractPage(decoded.text, result.finalUrl, extractOptions);
  const nofollow = extracted.nofollow || headerNofollow(result);
  if (input.depth === 0) anchors.push(result.finalUrl);
  const links = nofollow ? [] : extracted.links.filter((link) => inScope(link));
  const parseMs = elapsed(parseStarted);
  const validators =
    result.redirects.length === 0 && result.httpStatus === 200 ? validatorsOf(result.headers) : undefined;
  return {
    page: {
      ...common,
      status: 'fetched',
      charset: decoded.charset,
      ...(extracted.title === undefined ? {} : { title: extracted.title }),
      ...(extracted.lang === undefined ? {} : { lang: extracted.lang }),
      bytes: result.bytes,
      textLength: extracted.text.length,
      links: links.length,
      timings: { fetchMs, parseMs },
    },
    links,
    outLinks: extracted.links,
    text: extracted.text,
    nofollow,
    transient: false,
    ...(crawlDelayMs === undefined ? {} : { crawlDelayMs }),
    ...(validators === undefined ? {} : { validators }),
  };
}

type Empty = { links: string[]; outLinks: string[]; text: string; nofollow: boolean };

function failed(
  input: CrawlPageInput,
  finalUrl: string,
  error: CrawlerError,
  timings: PageResult['timings'],
  empty: Empty,
  crawlDelayMs?: number,
): CrawlPageOutcome {
  const httpStatus = error instanceof HttpStatusError ? error.httpStatus : undefined;
  const retryAfterMs = error instanceof HttpStatusError ? error.retryAfterMs : undefined;
  return {
    page: {
      url: input.url,
      finalUrl,
      depth: input.depth,
      status: 'failed',
      ...(httpStatus === undefined ? {} : { httpStatus }),
      error: { code: error.code, message: error.message },
      timings,
    },
    ...empty,
    transient: error.kind === 'transient',
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    ...(crawlDelayMs === undefined ? {} : { crawlDelayMs }),
  };
}

function skipped(
  input: CrawlPageInput,
  finalUrl: string,
  reason: string,
  timings: PageResult['timings'],
  empty: Empty,
  error?: CrawlerError,
  crawlDelayMs?: number,
): CrawlPageOutcome {
  return {
    page: {
      url: input.url,
      finalUrl,
      depth: input.depth,
      status: 'skipped',
      reason,
      ...(error === undefined ? {} : { error: { code: error.code, message: error.message } }),
      timings,
    },
    ...empty,
    transient: error?.kind === 'transient',
    ...(crawlDelayMs === undefined ? {} : { crawlDelayMs }),
  };
}
