import diagnosticsChannel from 'node:diagnostics_channel';
import type { IncomingHttpHeaders } from 'node:http';
import { errors, type Dispatcher } from 'undici';
import { effectivePort } from './allow-list.js';
import { readBody } from './body-reader.js';
import { parseContentType, isHtmlMime, looksLikeHtml, HTML_SNIFF_BYTES, type ContentType } from './decode.js';
import {
  BadRedirectError,
  BadUrlError,
  BlockedAddressError,
  ConnectionError,
  CrawlerError,
  DecodeError,
  DnsError,
  FetchAbortedError,
  FetchTimeoutError,
  HeadersTooLargeError,
  HttpStatusError,
  RedirectLoopError,
  TlsError,
  TooLargeError,
  TooManyRedirectsError,
  UnexpectedCrawlerError,
  UnsupportedSchemeError,
} from './errors.js';
import { CRAWLER_DEFAULTS } from './options.js';
import { parseRetryAfter } from './retry-after.js';
import { conditionalHeaders, NOT_MODIFIED, type Validators } from './revalidation.js';
import { type AddressPolicy, isIpLiteral } from './safe-agent.js';

// One fetch: its redirect hops, the events it publishes on `kumo:crawler:*`, and how whatever undici or Node threw
// becomes a coded crawler error.

/** Published once per HTTP request made (every redirect hop and robots.txt fetch included). */
export interface FetchEvent {
  url: string;
  /** HTTP status, or 0 when no response arrived. */
  status: number;
  ms: number;
  /** Bytes received on the wire (before decompression). */
  bytes: number;
  purpose: 'page' | 'robots' | 'source';
  /** The crawler error code when the request failed. */
  error?: string;
}

/** Published when a connection is refused by the address policy. */
export interface BlockedEvent {
  url: string;
  host: string;
  address: string;
  category: string;
}

/** `kumo:crawler:fetch` — see {@link FetchEvent}. */
export const fetchChannel = diagnosticsChannel.channel('kumo:crawler:fetch');
/** `kumo:crawler:blocked` — see {@link BlockedEvent}. */
export const blockedChannel = diagnosticsChannel.channel('kumo:crawler:blocked');

export function publishFetch(event: FetchEvent): void {
  if (fetchChannel.hasSubscribers) fetchChannel.publish(event);
}

export function publishBlocked(event: BlockedEvent): void {
  if (blockedChannel.hasSubscribers) blockedChannel.publish(event);
}

/** Options of one {@link fetchPage} call. */
export interface FetchPageOptions {
  /** The dispatcher requests go through; use the crawler's safe agent. */
  dispatcher: Dispatcher;
  /** Checked against literal IPs of every hop before a request is made. */
  policy: AddressPolicy;
  /** @defaultValue the crawler's default User-Agent */
  userAgent?: string;
  /** @defaultValue 5242880 */
  maxBodyBytes?: number;
  /** @defaultValue 5 */
  maxRedirects?: number;
  /** @defaultValue 15000 */
  headersTimeoutMs?: number;
  /** @defaultValue 30000 */
  bodyTimeoutMs?: number;
  /** Deadline of the whole fetch, redirects included. @defaultValue 60000 */
  requestTimeoutMs?: number;
  /** `html` reads only HTML (other types are skipped without downloading them); `any` reads anything. @defaultValue 'html' */
  accept?: 'html' | 'any';
  /** What to do with a body over the cap. @defaultValue 'error' */
  onTooLarge?: 'error' | 'truncate';
  /**
   * Asked before each request with the hop's URL (hop 0 is the first URL); a returned string stops the fetch
   * and becomes the skip reason (robots, out-of-scope…). A thrown error fails the fetch.
   */
  beforeHop?: (url: URL, hop: number) => Promise<string | undefined> | string | undefined;
  /**
   * Extra request headers (a crawl's `headers`), sent with every hop. Names are matched case-insensitively and
   * never replace the headers kumo sets (User-Agent, Accept, Accept-Encoding). @defaultValue {}
   */
  headers?: Readonly<Record<string, string>>;
  /**
   * Validators of an earlier fetch of this URL, sent as `If-None-Match` / `If-Modified-Since` with the first request
   * only (a redirect target is another resource). A `304` answer then comes back as `skipped` with the reason
   * `NOT_MODIFIED`. @defaultValue none: an unconditional request
   */
  conditional?: Validators;
  /** Aborts the fetch (e.g. the crawl was cancelled) with `KUMO_CRAWLER_ABORTED`. */
  signal?: AbortSignal;
  /** Reported on `kumo:crawler:fetch`. @defaultValue 'page' */
  purpose?: 'page' | 'robots' | 'source';
  /** Streams the decoded body to this callback instead of buffering it (see `ReadBodyOptions.onChunk`). */
  onChunk?: (chunk: Buffer, response: StreamedResponse) => Promise<void> | void;
  /** Gunzips a body that starts with the gzip magic bytes (after Content-Encoding is undone). @defaultValue false */
  sniffGzip?: boolean;
}

/** The response whose body `onChunk` receives. */
export interface StreamedResponse {
  /** The final hop's URL. */
  url: string;
  contentType: ContentType | undefined;
}

interface FetchOutcomeBase {
  /** The URL asked for, as given. */
  url: string;
  /** The last hop's URL (fragment dropped). */
  finalUrl: string;
  /** Every redirect hop followed, in order, after the first URL. */
  redirects: string[];
  /** Bytes received on the wire for the final response. */
  bytes: number;
  httpStatus?: number;
  /** The raw `Content-Type` header of the final response. */
  contentTypeHeader?: string;
  contentType?: ContentType;
}

export interface FetchedPage extends FetchOutcomeBase {
  status: 'fetched';
  httpStatus: number;
  headers: IncomingHttpHeaders;
  /** The body after Content-Encoding was undone. */
  body: Buffer;
  /** Only with `onTooLarge: 'truncate'`: the body was cut at the cap. */
  truncated: boolean;
}

export interface SkippedFetch extends FetchOutcomeBase {
  status: 'skipped';
  /** `content-type`, or what `beforeHop` returned. */
  reason: string;
}

export type FetchPageResult = FetchedPage | SkippedFetch;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function parseUrl(raw: string | URL, base?: URL): URL {
  try {
    return new URL(raw, base);
  } catch (error) {
    throw new BadUrlError(`Not a valid URL: ${String(raw).slice(0, 200)}`, { cause: error, url: String(raw) });
  }
}

/** The checks a URL must pass before any request is made for it: scheme, then literal IPs against the policy. */
function checkHop(url: URL, policy: AddressPolicy): void {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UnsupportedSchemeError(url.protocol, { url: url.href });
  }
  if (url.hostname.length === 0) throw new BadUrlError(`URL has no host: ${url.href}`, { url: url.href });
  if (isIpLiteral(url.hostname)) {
    const verdict = policy.check(url.hostname, url.hostname, effectivePort(url));
    if (!verdict.allowed) {
      throw new BlockedAddressError(url.hostname, url.hostname, verdict.category, {
        url: url.href,
        port: verdict.port,
      });
    }
  }
}

/** Stops a response body for good; the 'error' undici emits for a destroyed body is expected, not a failure. */
function abandon(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => undefined);
  body.destroy();
}

async function discard(body: Dispatcher.ResponseData['body']): Promise<void> {
  // Small leftovers are drained so the keep-alive connection can be reused; big ones close it.
  await body.dump({ limit: 64 * 1024 }).catch(() => undefined);
}

/**
 * Fetches one URL: manual redirects (each hop re-checked), decompression, a streaming size cap and the HTML
 * content-type filter. Returns `fetched` or `skipped`; throws a {@link CrawlerError} for everything that failed
 * (its `url` is the hop that failed, its `kind` says whether a retry may help).
 */
export async function fetchPage(url: string, options: FetchPageOptions): Promise<FetchPageResult> {
  const maxRedirects = options.maxRedirects ?? CRAWLER_DEFAULTS.maxRedirects;
  const requestTimeoutMs = options.requestTimeoutMs ?? CRAWLER_DEFAULTS.requestTimeoutMs;
  // Parsed before the deadline timer exists, so a bad URL leaves nothing behind.
  let current = parseUrl(url);
  current.hash = '';
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new FetchTimeoutError(`Fetch took longer than ${requestTimeoutMs} ms`)),
    requestTimeoutMs,
  );
  const onCallerAbort = (): void => controller.abort(new FetchAbortedError());
  if (options.signal?.aborted) onCallerAbort();
  else options.signal?.addEventListener('abort', onCallerAbort, { once: true });

  const redirects: string[] = [];
  const visited = new Set<string>();
  try {
    for (let hop = 0; ; hop += 1) {
      checkHop(current, options.policy);
      const reason = await options.beforeHop?.(current, hop);
      if (reason !== undefined) {
        return { status: 'skipped', reason, url, finalUrl: current.href, redirects, bytes: 0 };
      }
      visited.add(current.href);
      const next = await requestOnce(current, controller.signal, options, hop === 0 ? options.conditional : undefined);
      if (next.kind === 'done') return { ...next.result, url, redirects };
      if (redirects.length >= maxRedirects) throw new TooManyRedirectsError(maxRedirects, { url: current.href });
      const target = parseUrl(next.location, current);
      target.hash = '';
      if (visited.has(target.href)) throw new RedirectLoopError(target.href, { url: current.href });
      redirects.push(target.href);
      current = target;
    }
  } catch (error) {
    const reason: unknown = controller.signal.aborted ? controller.signal.reason : error;
    const crawlerError = toCrawlerError(reason, current.href);
    if (crawlerError instanceof BlockedAddressError) {
      publishBlocked({
        url: crawlerError.url ?? current.href,
        host: crawlerError.host,
        address: crawlerError.address,
        category: crawlerError.category,
      });
    }
    throw crawlerError;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onCallerAbort);
  }
}

/** The caller's headers with lower-cased names, so kumo's own (set after them) always win. */
function extraHeaders(headers: Readonly<Record<string, string>> | undefined): Record<string, string> {
  // fromEntries defines own properties, so even a `__proto__` name cannot reach the prototype.
  return Object.fromEntries(Object.entries(headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
}

type HopOutcome =
  | { kind: 'redirect'; location: string }
  | { kind: 'done'; result: Omit<FetchedPage, 'url' | 'redirects'> | Omit<SkippedFetch, 'url' | 'redirects'> };

async function requestOnce(
  url: URL,
  signal: AbortSignal,
  options: FetchPageOptions,
  conditional: Validators | undefined,
): Promise<HopOutcome> {
  const started = performance.now();
  let status = 0;
  let bytes = 0;
  let errorCode: string | undefined;
  try {
    const response = await options.dispatcher.request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: 'GET',
      headers: {
        ...extraHeaders(options.headers),
        ...(conditional === undefined ? {} : conditionalHeaders(conditional)),
        'user-agent': options.userAgent ?? CRAWLER_DEFAULTS.userAgent,
        accept: options.accept === 'any' ? '*/*' : 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.1',
        'accept-encoding': 'gzip, deflate, br',
      },
      signal,
      headersTimeout: options.headersTimeoutMs ?? CRAWLER_DEFAULTS.headersTimeoutMs,
      bodyTimeout: options.bodyTimeoutMs ?? CRAWLER_DEFAULTS.bodyTimeoutMs,
    });
    status = response.statusCode;
    const { headers, body } = response;

    // Only an answer to our own conditional request means "your copy is current"; any other 304 is read as before.
    if (status === 304 && conditional !== undefined) {
      await discard(body);
      const finalUrl = url.href;
      return { kind: 'done', result: { finalUrl, httpStatus: status, status: 'skipped', reason: NOT_MODIFIED, bytes } };
    }
    if (REDIRECT_STATUSES.has(status)) {
      await discard(body);
      const location = headerValue(headers, 'location');
      if (location === undefined || location.trim() === '') {
        throw new BadRedirectError(`HTTP ${status} without a Location header`, { url: url.href });
      }
      return { kind: 'redirect', location: location.trim() };
    }
    if (status >= 400) {
      await discard(body);
      const retryAfterMs =
        status === 429 || status === 503 ? parseRetryAfter(headerValue(headers, 'retry-after')) : undefined;
      throw new HttpStatusError(status, retryAfterMs, { url: url.href });
    }

    const contentTypeHeader = headerValue(headers, 'content-type');
    const contentType = parseContentType(contentTypeHeader);
    const base = { finalUrl: url.href, httpStatus: status, contentTypeHeader, contentType };
    const wantsHtml = (options.accept ?? 'html') === 'html';
    if (wantsHtml && contentType !== undefined && !isHtmlMime(contentType.mime)) {
      // Skipped types are not downloaded: destroying the body closes the connection mid-transfer.
      abandon(body);
      return { kind: 'done', result: { ...base, status: 'skipped', reason: 'content-type', bytes: 0 } };
    }

    const maxBytes = options.maxBodyBytes ?? CRAWLER_DEFAULTS.maxBodyBytes;
    const onTooLarge = options.onTooLarge ?? 'error';
    const declaredLength = Number(headerValue(headers, 'content-length'));
    if (onTooLarge === 'error' && Number.isFinite(declaredLength) && declaredLength > maxBytes) {
      abandon(body);
      throw new TooLargeError(maxBytes, { url: url.href });
    }
    let read;
    try {
      read = await readBody(body, {
        maxBytes,
        contentEncoding: headerValue(headers, 'content-encoding'),
        onTooLarge,
        ...(options.onChunk === undefined
          ? {}
          : { onChunk: (chunk: Buffer) => options.onChunk!(chunk, { url: url.href, contentType }) }),
        ...(options.sniffGzip === undefined ? {} : { sniffGzip: options.sniffGzip }),
        ...(wantsHtml && contentType === undefined
          ? { accept: looksLikeHtml, acceptAfterBytes: HTML_SNIFF_BYTES }
          : {}),
      });
    } catch (error) {
      abandon(body);
      throw error;
    }
    bytes = read.rawBytes;
    if (read.rejected) {
      return { kind: 'done', result: { ...base, status: 'skipped', reason: 'content-type', bytes } };
    }
    return {
      kind: 'done',
      result: { ...base, status: 'fetched', headers, body: read.body, bytes, truncated: read.truncated },
    };
  } catch (error) {
    const crawlerError = toCrawlerError(signal.aborted ? signal.reason : error, url.href);
    errorCode = crawlerError.code;
    throw crawlerError;
  } finally {
    publishFetch({
      url: url.href,
      status,
      ms: performance.now() - started,
      bytes,
      purpose: options.purpose ?? 'page',
      ...(errorCode === undefined ? {} : { error: errorCode }),
    });
  }
}

const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
]);
// "No such host" will not change on a retry; resolver trouble might.
const DNS_PERMANENT_CODES = new Set(['ENOTFOUND', 'ENODATA', 'EAI_NONAME', 'EAI_NODATA', 'EAI_FAIL']);
const DNS_TRANSIENT_CODES = new Set(['EAI_AGAIN', 'ESERVFAIL', 'ETIMEOUT', 'EAI_SYSTEM']);

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * undici's `HTTPParserError`: llhttp refused what the server sent (not HTTP at all, a bad status line, header or
 * chunk). undici 7 leaves its `code` unset (it looks llhttp's error number up in a name→number table), so the class
 * identifies it (undici's `instanceof` works across copies of undici: it checks a registered symbol); a `code`, when
 * set, is llhttp's `HPE_*` name.
 */
function isHttpParserError(error: unknown, code: string | undefined): boolean {
  return error instanceof errors.HTTPParserError || (code?.startsWith('HPE_') ?? false);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The first kumo crawler error in the `cause` chain: undici sometimes wraps what our connector threw. */
function findCrawlerError(error: unknown): CrawlerError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth += 1) {
    if (current instanceof CrawlerError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Turns whatever undici, node:net, node:dns, node:tls or node:zlib threw into a coded crawler error, so that a
 * worker branches on `code` and `kind` only.
 */
export function toCrawlerError(error: unknown, url: string): CrawlerError {
  const known = findCrawlerError(error);
  if (known !== undefined) {
    known.url ??= url;
    return known;
  }
  const code = codeOf(error);
  const message = messageOf(error);
  const options = { cause: error, url };
  // The server spoke something other than HTTP: like a connection closed early, a retry may find it sane again.
  if (isHttpParserError(error, code)) {
    return new ConnectionError(`Not an HTTP response: ${message} (${code ?? 'HTTPParserError'})`, options);
  }
  if (code === undefined) return new UnexpectedCrawlerError(message, options);
  if (code === 'UND_ERR_HEADERS_OVERFLOW') {
    return new HeadersTooLargeError(`Response headers too large: ${message} (${code})`, options);
  }
  if (TIMEOUT_CODES.has(code)) return new FetchTimeoutError(`${message} (${code})`, options);
  if (DNS_PERMANENT_CODES.has(code)) return new DnsError(`Cannot resolve host: ${message}`, options);
  if (DNS_TRANSIENT_CODES.has(code)) {
    return new DnsError(`Resolver failure: ${message}`, { ...options, kind: 'transient' });
  }
  if (CONNECTION_CODES.has(code)) return new ConnectionError(`${message} (${code})`, options);
  if (code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || code.includes('CERT') || code.includes('SIGNED')) {
    return new TlsError(`${message} (${code})`, options);
  }
  if (code.startsWith('Z_') || code.startsWith('ERR_BROTLI') || code === 'ERR_ZLIB_INITIALIZATION_FAILED') {
    return new DecodeError(`Corrupt compressed body: ${message}`, options);
  }
  return new UnexpectedCrawlerError(`${message} (${code})`, options);
}

/** The redirect bound and deadlines of one fetch: what callers pass on from their own options. */
export type FetchLimits = Pick<
  FetchPageOptions,
  'maxRedirects' | 'headersTimeoutMs' | 'bodyTimeoutMs' | 'requestTimeoutMs'
>;

const FETCH_LIMIT_KEYS = ['maxRedirects', 'headersTimeoutMs', 'bodyTimeoutMs', 'requestTimeoutMs'] as const;

/** The limits `options` sets, without those it leaves to fetchPage's defaults (absent, never `undefined`). */
export function fetchLimitsOf(options: FetchLimits): FetchLimits {
  const limits: FetchLimits = {};
  for (const key of FETCH_LIMIT_KEYS) if (options[key] !== undefined) limits[key] = options[key];
  return limits;
}
