import { defineError, KumoError, type ErrorKind } from '@kumo/errors';

/** Every code this package produces. Callers branch on these, never on messages. */
export const CrawlerErrorCode = {
  INVALID_OPTIONS: 'KUMO_CRAWLER_INVALID_OPTIONS',
  TIMEOUT: 'KUMO_CRAWLER_TIMEOUT',
  TOO_LARGE: 'KUMO_CRAWLER_TOO_LARGE',
  BLOCKED_ADDRESS: 'KUMO_CRAWLER_BLOCKED_ADDRESS',
  DNS: 'KUMO_CRAWLER_DNS',
  CONNECTION: 'KUMO_CRAWLER_CONNECTION',
  TLS: 'KUMO_CRAWLER_TLS',
  HTTP_4XX: 'KUMO_CRAWLER_HTTP_4XX',
  HTTP_5XX: 'KUMO_CRAWLER_HTTP_5XX',
  RATE_LIMITED: 'KUMO_CRAWLER_RATE_LIMITED',
  TOO_MANY_REDIRECTS: 'KUMO_CRAWLER_TOO_MANY_REDIRECTS',
  REDIRECT_LOOP: 'KUMO_CRAWLER_REDIRECT_LOOP',
  BAD_REDIRECT: 'KUMO_CRAWLER_BAD_REDIRECT',
  BAD_URL: 'KUMO_CRAWLER_BAD_URL',
  UNSUPPORTED_SCHEME: 'KUMO_CRAWLER_UNSUPPORTED_SCHEME',
  DECODE: 'KUMO_CRAWLER_DECODE',
  ROBOTS_UNAVAILABLE: 'KUMO_CRAWLER_ROBOTS_UNAVAILABLE',
  ABORTED: 'KUMO_CRAWLER_ABORTED',
  UNEXPECTED: 'KUMO_CRAWLER_UNEXPECTED',
} as const;

export type CrawlerErrorCode = (typeof CrawlerErrorCode)[keyof typeof CrawlerErrorCode];

export interface CrawlerErrorOptions {
  cause?: unknown;
  kind?: ErrorKind;
  /** The URL (redirect hop) being fetched when the error happened. */
  url?: string;
}

/** Base of every page-level crawler error; `kind` tells the worker whether a retry may help. */
export class CrawlerError extends KumoError {
  declare readonly code: CrawlerErrorCode;
  /** Set where the error is caught if the thrower did not know it (e.g. in the connector). */
  url: string | undefined;

  constructor(code: CrawlerErrorCode, message: string, options: CrawlerErrorOptions = {}) {
    super(code, message, { cause: options.cause, kind: options.kind ?? 'permanent' });
    this.url = options.url;
  }
}

/**
 * The base of a page-level error with one code and kind whose constructor takes a message and the usual options
 * (the crawler's counterpart of `defineError`, for errors that also carry the `url`).
 */
function pageError<const C extends CrawlerErrorCode>(code: C, kind: ErrorKind) {
  return class PageError extends CrawlerError {
    declare readonly code: C;
    constructor(message: string, options: CrawlerErrorOptions = {}) {
      super(code, message, { ...options, kind });
    }
  };
}

/** A `CrawlerOptions` value is invalid. Thrown by the factory, never for a page. Critical: the app is misconfigured. */
export class CrawlerOptionsError extends defineError(CrawlerErrorCode.INVALID_OPTIONS, 'critical') {}

/** Connect, headers, body or whole-request deadline passed. Transient. */
export class FetchTimeoutError extends pageError(CrawlerErrorCode.TIMEOUT, 'transient') {}

/** The body (raw or decoded) crossed `maxBodyBytes`; the request was aborted. Permanent. */
export class TooLargeError extends CrawlerError {
  readonly limit: number;

  constructor(limit: number, options: CrawlerErrorOptions = {}) {
    super(CrawlerErrorCode.TOO_LARGE, `Body larger than ${limit} bytes`, { ...options, kind: 'permanent' });
    this.limit = limit;
  }
}

/** The host is, or resolves to, an address the policy refuses (loopback, private, metadata…). Permanent. */
export class BlockedAddressError extends CrawlerError {
  readonly host: string;
  readonly address: string;
  readonly category: string;

  constructor(host: string, address: string, category: string, options: CrawlerErrorOptions = {}) {
    super(CrawlerErrorCode.BLOCKED_ADDRESS, `Refused to connect to ${host} (${address}: ${category} address)`, {
      ...options,
      kind: 'permanent',
    });
    this.host = host;
    this.address = address;
    this.category = category;
  }
}

/** Name resolution failed. Permanent for "no such host", transient for resolver failures. */
export class DnsError extends CrawlerError {
  constructor(message: string, options: CrawlerErrorOptions = {}) {
    super(CrawlerErrorCode.DNS, message, options);
  }
}

/** The connection was refused, reset or closed early, or the answer was not HTTP. Transient. */
export class ConnectionError extends pageError(CrawlerErrorCode.CONNECTION, 'transient') {}

/** TLS handshake or certificate failure. Permanent. */
export class TlsError extends pageError(CrawlerErrorCode.TLS, 'permanent') {}

/**
 * The server answered with an error status. 4xx is permanent (`HTTP_4XX`), 429 is transient (`RATE_LIMITED`),
 * 5xx is transient (`HTTP_5XX`). `retryAfterMs` comes from `Retry-After` on 429 and 503.
 */
export class HttpStatusError extends CrawlerError {
  readonly httpStatus: number;
  readonly retryAfterMs: number | undefined;

  constructor(httpStatus: number, retryAfterMs: number | undefined, options: CrawlerErrorOptions = {}) {
    const code =
      httpStatus === 429
        ? CrawlerErrorCode.RATE_LIMITED
        : httpStatus >= 500
          ? CrawlerErrorCode.HTTP_5XX
          : CrawlerErrorCode.HTTP_4XX;
    const kind: ErrorKind = code === CrawlerErrorCode.HTTP_4XX ? 'permanent' : 'transient';
    super(code, `HTTP ${httpStatus}`, { ...options, kind });
    this.httpStatus = httpStatus;
    this.retryAfterMs = retryAfterMs;
  }
}

/** More redirect hops than `maxRedirects`. Permanent. */
export class TooManyRedirectsError extends CrawlerError {
  constructor(maxRedirects: number, options: CrawlerErrorOptions = {}) {
    super(CrawlerErrorCode.TOO_MANY_REDIRECTS, `More than ${maxRedirects} redirects`, {
      ...options,
      kind: 'permanent',
    });
  }
}

/** A redirect points back to a URL already visited in this fetch. Permanent. */
export class RedirectLoopError extends CrawlerError {
  constructor(target: string, options: CrawlerErrorOptions = {}) {
    super(CrawlerErrorCode.REDIRECT_LOOP, `Redirect loop back to ${target}`, { ...options, kind: 'permanent' });
  }
}

/** A 3xx without a usable `Location`. Permanent. */
export class BadRedirectError extends pageError(CrawlerErrorCode.BAD_REDIRECT, 'permanent') {}

/** The URL cannot be parsed. Permanent. */
export class BadUrlError extends pageError(CrawlerErrorCode.BAD_URL, 'permanent') {}

/** Only http: and https: are fetched (also for redirect hops). Permanent. */
export class UnsupportedSchemeError extends CrawlerError {
  constructor(scheme: string, options: CrawlerErrorOptions = {}) {
    super(CrawlerErrorCode.UNSUPPORTED_SCHEME, `Unsupported URL scheme ${scheme}`, {
      ...options,
      kind: 'permanent',
    });
  }
}

/** The body's Content-Encoding is unknown or its compressed data is corrupt. Permanent. */
export class DecodeError extends pageError(CrawlerErrorCode.DECODE, 'permanent') {}

/**
 * robots.txt answered 429 or 5xx (or redirected to a server that could not be reached): the origin is treated as
 * disallowed for now and its pages are skipped (`robots`). Transient. When the origin itself cannot be reached, its
 * pages fail with that error instead (`CONNECTION`, `TIMEOUT`, `BLOCKED_ADDRESS`…).
 */
export class RobotsUnavailableError extends pageError(CrawlerErrorCode.ROBOTS_UNAVAILABLE, 'transient') {}

/** The caller's AbortSignal fired (e.g. the crawl was cancelled). Permanent: retrying would be wrong. */
export class FetchAbortedError extends CrawlerError {
  constructor(options: CrawlerErrorOptions = {}) {
    super(CrawlerErrorCode.ABORTED, 'Fetch aborted by the caller', { ...options, kind: 'permanent' });
  }
}

/** Anything we could not classify. Transient, so a worker retries a bounded number of times. */
export class UnexpectedCrawlerError extends pageError(CrawlerErrorCode.UNEXPECTED, 'transient') {}
