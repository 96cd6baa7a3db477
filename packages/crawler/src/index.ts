export {
  CRAWLER_DEFAULTS,
  DEFAULT_USER_AGENT,
  resolveCrawlerOptions,
  type CrawlerOptions,
  type ResolvedCrawlerOptions,
} from './options.js';
export {
  createCrawler,
  type Crawler,
  crawlPage,
  crawlInputOf,
  type CrawlPageInput,
  type CrawlPageDeps,
  type CrawlPageOutcome,
} from './crawler.js';
export {
  validatorsOf,
  conditionalHeaders,
  MAX_VALIDATOR_LENGTH,
  type Validators,
  type Revalidation,
  type RevalidatedFields,
} from './revalidation.js';
export {
  fetchPage,
  type FetchPageOptions,
  type FetchPageResult,
  type FetchedPage,
  type SkippedFetch,
  fetchChannel,
  blockedChannel,
  type FetchEvent,
  type BlockedEvent,
} from './fetch-page.js';
export {
  AddressPolicy,
  type AddressPolicyOptions,
  classifyAddress,
  isIpLiteral,
  type AddressCategory,
  type AddressVerdict,
  createSafeAgent,
  createSafeLookup,
  type SafeAgentOptions,
  type HostLookup,
  type ResolvedAddress,
} from './safe-agent.js';
export {
  decodeHtml,
  detectEncoding,
  type DecodedText,
  type EncodingSource,
  canonicalEncoding,
  prescanMetaCharset,
  parseContentType,
  type ContentType,
} from './decode.js';
export { extractPage, EXTRACT_DEFAULTS, type ExtractedPage, type ExtractOptions } from './extract.js';
export { PageExtractor, DEFAULT_OFF_THREAD_CHARS, type PageExtractorOptions } from './page-extractor.js';
export { normalizeUrl, tryNormalizeUrl, isInScope, isInScopeOfAny, siteOf } from './url-scope.js';
export { compileUrlGlob, canonicalPattern, type UrlGlob } from './url-glob.js';
export { createUrlFilter, UrlFilterCache, type UrlFilter, type UrlPatterns } from './url-filter.js';
export { RobotsPolicy, RobotsRules, robotsAgentToken, type RobotsPolicyOptions, type RobotsState } from './robots.js';
export { LruCache } from './lru-cache.js';
export { MemoryRobotsStore, type RobotsStore } from './robots-store.js';
export { parseRetryAfter } from './retry-after.js';
export {
  fetchSource,
  SOURCE_DEFAULTS,
  type FetchSourceInput,
  type FetchSourceDeps,
  type SourceLimits,
  type SourceOutcome,
} from './fetch-source.js';
export { SourceParser, type SourceFormat, type SourceEntryKind, type SourceParserOptions } from './source-parser.js';
export { XmlDecoder, sniffXmlEncoding } from './xml-decoder.js';
export { hasGzipMagic } from './gzip-sniff.js';
export { isSiteRoot, siteSitemaps } from './site-sitemaps.js';
export {
  CrawlerErrorCode,
  CrawlerError,
  CrawlerOptionsError,
  FetchTimeoutError,
  TooLargeError,
  BlockedAddressError,
  DnsError,
  ConnectionError,
  HeadersTooLargeError,
  TlsError,
  HttpStatusError,
  TooManyRedirectsError,
  RedirectLoopError,
  BadRedirectError,
  BadUrlError,
  UnsupportedSchemeError,
  DecodeError,
  RobotsUnavailableError,
  FetchAbortedError,
  SourceMalformedError,
  SourceTooLargeError,
  UnexpectedCrawlerError,
  type CrawlerErrorOptions,
} from './errors.js';
