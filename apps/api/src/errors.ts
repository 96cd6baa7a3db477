import { defineError, type ErrorCodeOf, errorCodesOf, errorKind, KumoError } from '@kumo/errors';

/**
 * Every code this app produces (its rows of the error catalog in `@kumo/errors`). The ones the API answers with are
 * the keys of `PROBLEM_TABLE` (problems.ts); the others (`INVALID_OPTION`, `STREAM_CLOSED`) never
 * reach a client as such (a 500 at most).
 */
export const ApiErrorCode = errorCodesOf('apps/api');
export type ApiErrorCode = ErrorCodeOf<'apps/api'>;

/** One field that failed validation, as it appears in a problem's `errors` array. */
export interface FieldError {
  /** Dotted path of the field in the body or query (`maxDepth`, `urls.0`, `cursor`). */
  path: string;
  message: string;
}

/**
 * Base class of every error the API answers with on purpose. The HTTP status comes from the one table in
 * `problems.ts`, keyed by `code`; subclasses only carry what the problem document needs beyond it.
 */
export class ApiError extends KumoError {
  /** Extra response headers (`Retry-After`, `WWW-Authenticate`). */
  readonly headers: Readonly<Record<string, string>>;
  /** Field-level details (`errors` of the problem document). */
  readonly errors: readonly FieldError[] | undefined;

  constructor(
    code: ApiErrorCode,
    message: string,
    options: { cause?: unknown; headers?: Record<string, string>; errors?: FieldError[] } = {},
  ) {
    super(code, message, { cause: options.cause, kind: errorKind(code) });
    this.headers = options.headers ?? {};
    this.errors = options.errors;
  }
}

/** The body, a query parameter or a header does not satisfy the contract (400, with `errors[].path`). */
export class ValidationError extends ApiError {
  constructor(message: string, errors: FieldError[]) {
    super(ApiErrorCode.VALIDATION, message, { errors });
  }
}

/** The body is not well-formed JSON (400). */
export class MalformedJsonError extends ApiError {
  constructor(cause?: unknown) {
    super(ApiErrorCode.MALFORMED_JSON, 'The request body is not valid JSON.', { cause });
  }
}

/** No bearer key, or one that is not configured (401). */
export class UnauthorizedError extends ApiError {
  constructor(message: string, challenge: string) {
    super(ApiErrorCode.UNAUTHORIZED, message, { headers: { 'WWW-Authenticate': challenge } });
  }
}

/** The crawl does not exist, has expired, or belongs to another key: all look the same (404). */
export class CrawlNotFoundError extends ApiError {
  constructor(id: string) {
    super(ApiErrorCode.NOT_FOUND, `No crawl with id ${JSON.stringify(id.slice(0, 100))}.`);
  }
}

/** The schedule does not exist, was deleted, has expired, or belongs to another key: all look the same (404). */
export class ScheduleNotFoundError extends ApiError {
  constructor(id: string) {
    super(ApiErrorCode.SCHEDULE_NOT_FOUND, `No schedule with id ${JSON.stringify(id.slice(0, 100))}.`);
  }
}

/** No route matches the method and path (404). */
export class RouteNotFoundError extends ApiError {
  constructor(method: string, path: string) {
    super(ApiErrorCode.ROUTE_NOT_FOUND, `No route for ${method} ${path.slice(0, 200)}.`);
  }
}

/** The report of a crawl still queued or running (409); the message names the current status. */
export class ReportNotReadyError extends ApiError {
  constructor(id: string, status: string) {
    super(
      ApiErrorCode.REPORT_NOT_READY,
      status === 'queued' || status === 'running'
        ? `The report of crawl ${id} is available once the crawl has ended; its status is ${status}.`
        : `The report of crawl ${id} is not stored (it may have expired).`,
    );
  }
}

/** `include=text` or `include=links` on a crawl that did not store them (409); the message names what is missing. */
export class ContentNotStoredError extends ApiError {
  constructor(id: string, missing: readonly string[]) {
    const what = missing.join(' and ');
    super(
      ApiErrorCode.CONTENT_NOT_STORED,
      `Crawl ${id} did not store ${what}: include=${missing.join(',')} needs a crawl created with ` +
        `store: ${JSON.stringify(missing)}.`,
    );
  }
}

/** The Idempotency-Key was used before with a different body (409). */
export class IdempotencyConflictError extends ApiError {
  constructor() {
    super(
      ApiErrorCode.IDEMPOTENCY_CONFLICT,
      'This Idempotency-Key was already used with a different request body within the last 24 hours.',
    );
  }
}

/** The body is larger than `API_BODY_LIMIT_BYTES` (413). */
export class PayloadTooLargeError extends ApiError {
  constructor(limit: number, cause?: unknown) {
    super(ApiErrorCode.PAYLOAD_TOO_LARGE, `The request body is larger than ${limit} bytes.`, { cause });
  }
}

/** The request's headers are larger than Node's HTTP parser accepts (431). Answered by the server's clientError. */
export class HeadersTooLargeError extends ApiError {
  constructor(cause?: unknown) {
    super(ApiErrorCode.HEADERS_TOO_LARGE, 'The request headers are too large.', { cause });
  }
}

/** The request did not arrive within API_REQUEST_TIMEOUT_MS / API_HEADERS_TIMEOUT_MS (408). */
export class RequestTimeoutError extends ApiError {
  constructor(cause?: unknown) {
    super(ApiErrorCode.REQUEST_TIMEOUT, 'The request did not arrive in time; the connection is closed.', { cause });
  }
}

/** The request is not valid HTTP/1.1 (400). */
export class MalformedHttpError extends ApiError {
  constructor(cause?: unknown) {
    super(ApiErrorCode.MALFORMED_HTTP, 'The request is not valid HTTP/1.1.', { cause });
  }
}

/** The body is not `application/json` (UTF-8) (415). */
export class UnsupportedMediaTypeError extends ApiError {
  constructor(message = 'The request body must be application/json (UTF-8).', cause?: unknown) {
    super(ApiErrorCode.UNSUPPORTED_MEDIA_TYPE, message, { cause });
  }
}

/** A board change the login may not make (the read-only login) or a browser sent from another site (403). */
export class ForbiddenError extends ApiError {
  constructor(message: string) {
    super(ApiErrorCode.FORBIDDEN, message);
  }
}

/** Too many failed board sign-ins from one address this minute (429 + Retry-After). */
export class LoginThrottledError extends ApiError {
  constructor(retryAfterS: number) {
    super(ApiErrorCode.LOGIN_THROTTLED, 'Too many failed sign-ins from this address; wait before trying again.', {
      headers: { 'Retry-After': String(retryAfterS) },
    });
  }
}

/** The API key sent more requests than `API_RATE_LIMIT_PER_MINUTE` in this minute (429 + Retry-After). */
export class RateLimitedError extends ApiError {
  constructor(limit: number, retryAfterS: number) {
    super(ApiErrorCode.RATE_LIMITED, `Rate limit of ${limit} requests per minute exceeded for this key.`, {
      headers: { 'Retry-After': String(retryAfterS) },
    });
  }
}

/** Admission control: too many crawls running or too many jobs waiting (429 + Retry-After). */
export class OverloadedError extends ApiError {
  constructor(message: string, retryAfterS: number) {
    super(ApiErrorCode.OVERLOADED, message, { headers: { 'Retry-After': String(retryAfterS) } });
  }
}

/**
 * Redis did not answer or cannot serve for now (down, loading, failover, read-only, out of memory), or the queues on
 * it gave up (503 + Retry-After). The process itself is fine; clients may retry.
 */
export class RedisUnavailableError extends ApiError {
  constructor(cause?: unknown) {
    super(ApiErrorCode.REDIS_UNAVAILABLE, 'The data store is unavailable; retry shortly.', { cause });
  }
}

/** The process is shutting down and takes no new long-lived work (503 + Retry-After). */
export class ShuttingDownError extends ApiError {
  constructor() {
    super(ApiErrorCode.SHUTTING_DOWN, 'The server is shutting down; retry on another connection.', {
      headers: { Connection: 'close' },
    });
  }
}

/** An option of an API component (key ring, rate limit, SSE hub, stream multiplexer, security headers) is invalid. */
export class ApiOptionError extends defineError(ApiErrorCode.INVALID_OPTION) {}

/** An event was written to an event stream that has ended (client gone, too slow, or the multiplexer closed). */
export class StreamClosedError extends defineError(ApiErrorCode.STREAM_CLOSED) {}
