import { defineError, type ErrorCodeOf, errorCodesOf, errorKind, type ErrorKind, KumoError } from '@kumo/errors';

/** Every code this package produces (its rows of the error catalog in `@kumo/errors`). Callers branch on these. */
export const CrawlerErrorCode = errorCodesOf('packages/crawler');
export type CrawlerErrorCode = ErrorCodeOf<'packages/crawler'>;

export interface CrawlerErrorOptions {
  cause?: unknown;
  /** Overrides the catalog's kind of the code (only `DnsError` does: transient for resolver failures). */
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
    super(code, message, { cause: options.cause, kind: options.kind ?? errorKind(code) });
    this.url = options.url;
  }
}

/**
 * The base of a page-level error with one code (its kind from the catalog) whose constructor takes a message and the usual options
 * (the crawler's counterpart of `defineError`, for errors that also carry the `url`).
 */
function pageError<const C extends CrawlerErrorCode>(code: C) {
  return class PageError extends CrawlerError {
    declare readonly code: C;
    constructor(message: string, options: CrawlerErrorOptions = {}) {
      super(code, message, options);
    }
  };
}

/** A `CrawlerOptions` value is invalid. Thrown by the factory, never for a page. Critical: the app is misconfigured. */
export class CrawlerOptionsError extends defineError(CrawlerErrorCode.INVALID_OPTIONS) {}

/** Connect, headers, body or whole-request deadline passed. Transient. */
export class FetchTimeoutError extends pageError(CrawlerErrorCode.TIMEOUT) {}

/** The body (raw or decoded) crossed `maxBodyBytes`; the request was aborted. Permanent. */
export class TooLargeError extends CrawlerError {
  readonly limit: number;

  constructor(limit: number, options: CrawlerErrorOptions = {}) {
    super(CrawlerErrorCode.TOO_LARGE, `Body larger than ${limit} bytes`, options);
    this.limit = limit;
  }
}

/**
 * The host is, or resolves to, an address the policy refuses (loopback, private, metadata…), or one allow-listed
 * but not on the port asked for (then `port` is set). Permanent.
 */
export class BlockedAddressError extends CrawlerError {
  readonly host: string;
  readonly address: string;
  readonly category: string;
  readonly port: number | undefined;

  constructor(
    host: string,
    address: string,
    category: string,
    options: CrawlerErrorOptions & { port?: number | undefined } = {},
  ) {
    const why =
      options.port === undefined
        ? `${address}: ${category} address`
        : `${address}: ${category} address, allow-listed but not on port ${options.port}`;
    super(CrawlerErrorCode.BLOCKED_ADDRESS, `Refused to connect to ${host} (${why})`, options);
    this.host = host;
    this.address = address;
    this.category = category;
    this.port = options.port;
  }
}

/** Name resolution failed. Permanent for "no such host", transient for resolver failures. */
export class DnsError extends CrawlerError {
  constructor(message: string, options: CrawlerErrorOptions = {}) {
    super(CrawlerErrorCode.DNS, message, options);
  }
}

/** The response headers are larger than the HTTP parser accepts (16 KiB by default). Permanent. */
export class HeadersTooLargeError extends pageError(CrawlerErrorCode.HEADERS_TOO_LARGE) {}

/** The connection was refused, reset or closed early, or the answer was not HTTP. Transient. */
export class ConnectionError extends pageError(CrawlerErrorCode.CONNECTION) {}

/** TLS handshake or certificate failure. Permanent. */
export class TlsError extends pageError(CrawlerErrorCode.TLS) {}

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
    super(code, `HTTP ${httpStatus}`, options);
    this.httpStatus = httpStatus;
    this.retryAfterMs = retryAfterMs;
  }
}

/** More redirect hops than `maxRedirects`. Permanent. */
export class TooManyRedirectsError extends CrawlerError {
  constructor(maxRedirects: number, options: CrawlerErrorOptions = {}) {
    super(CrawlerErrorCode.TOO_MANY_REDIRECTS, `More than ${maxRedirects} redirects`, options);
  }
}

/** A redirect points back to a URL already visited in this fetch. Permanent. */
export class RedirectLoopError extends CrawlerError {
  constructor(target: string, options: CrawlerErrorOptions = {}) {
    super(CrawlerErrorCode.REDIRECT_LOOP, `Redirect loop back to ${target}`, options);
  }
}

/** A 3xx without a usable `Location`. Permanent. */
export class BadRedirectError extends pageError(CrawlerErrorCode.BAD_REDIRECT) {}

/** The URL cannot be parsed. Permanent. */
export class BadUrlError extends pageError(CrawlerErrorCode.BAD_URL) {}

/** Only http: and https: are fetched (also for redirect hops). Permanent. */
export class UnsupportedSchemeError extends CrawlerError {
  constructor(scheme: string, options: CrawlerErrorOptions = {}) {
    super(CrawlerErrorCode.UNSUPPORTED_SCHEME, `Unsupported URL scheme ${scheme}`, options);
  }
}

/** The body's Content-Encoding is unknown or its compressed data is corrupt. Permanent. */
export class DecodeError extends pageError(CrawlerErrorCode.DECODE) {}

/**
 * robots.txt answered 429 or 5xx (or redirected to a server that could not be reached): the origin is treated as
 * disallowed for now and its pages are skipped (`robots`). Transient. When the origin itself cannot be reached, its
 * pages fail with that error instead (`CONNECTION`, `TIMEOUT`, `BLOCKED_ADDRESS`…).
 */
export class RobotsUnavailableError extends pageError(CrawlerErrorCode.ROBOTS_UNAVAILABLE) {}

/** The caller's AbortSignal fired (e.g. the crawl was cancelled). Permanent: retrying would be wrong. */
export class FetchAbortedError extends CrawlerError {
  constructor(options: CrawlerErrorOptions = {}) {
    super(CrawlerErrorCode.ABORTED, 'Fetch aborted by the caller', options);
  }
}

/** A sitemap or feed is not well-formed XML, or not a sitemap, RSS or Atom document. Permanent. */
export class SourceMalformedError extends pageError(CrawlerErrorCode.SOURCE_MALFORMED) {}

/** A sitemap or feed is over its byte limit (uncompressed) or its entry limit. Permanent. */
export class SourceTooLargeError extends pageError(CrawlerErrorCode.SOURCE_TOO_LARGE) {}

/** Anything we could not classify. Transient, so a worker retries a bounded number of times. */
export class UnexpectedCrawlerError extends pageError(CrawlerErrorCode.UNEXPECTED) {}
