import type { Problem } from '@kumo/contract';
import { isKumoError } from '@kumo/errors';
import { LocalRedisErrorCode } from '@kumo/local-redis';
import { isRedisUnavailable, QueuesErrorCode } from '@kumo/queues';
import { apiErrorOfCreation } from './creation-problems.js';
import { ApiError, ApiErrorCode, RedisUnavailableError, type FieldError } from './errors.js';

/** One row of {@link PROBLEM_TABLE}. */
export interface ProblemTableEntry {
  status: number;
  title: string;
  /** Seconds sent as `Retry-After` when the error sets none itself. Required for every 503. */
  retryAfterS?: number;
}

/**
 * The problem `type` of every answer: `about:blank` (RFC 9457 §4.2.1), i.e. no semantics beyond the HTTP status.
 * kumo has no public page per problem type to point at; the stable identifier is the `code` extension member,
 * explained in docs/errors.md. (Earlier versions sent a URL of a repository that did not exist.)
 */
export const PROBLEM_TYPE = 'about:blank';

/**
 * The one table from error code to HTTP status (tRPC's getHTTPStatusCode, fastify's createError). Every error the
 * API answers with has a code here; anything else is a 500 `KUMO_API_INTERNAL` without details. Every 503 carries
 * `retryAfterS`, the `Retry-After` it is answered with (unless the error brings its own).
 */
export const PROBLEM_TABLE = {
  [ApiErrorCode.VALIDATION]: { status: 400, title: 'Invalid request' },
  [ApiErrorCode.MALFORMED_JSON]: { status: 400, title: 'Malformed JSON body' },
  [ApiErrorCode.MALFORMED_HTTP]: { status: 400, title: 'Malformed HTTP request' },
  [ApiErrorCode.UNAUTHORIZED]: { status: 401, title: 'Unauthorized' },
  [ApiErrorCode.FORBIDDEN]: { status: 403, title: 'Forbidden' },
  [ApiErrorCode.NOT_FOUND]: { status: 404, title: 'Crawl not found' },
  [ApiErrorCode.SCHEDULE_NOT_FOUND]: { status: 404, title: 'Schedule not found' },
  [ApiErrorCode.ROUTE_NOT_FOUND]: { status: 404, title: 'Not found' },
  [ApiErrorCode.REQUEST_TIMEOUT]: { status: 408, title: 'Request timeout' },
  [ApiErrorCode.REPORT_NOT_READY]: { status: 409, title: 'Report not ready' },
  [ApiErrorCode.IDEMPOTENCY_CONFLICT]: { status: 409, title: 'Idempotency key reused' },
  [ApiErrorCode.CONTENT_NOT_STORED]: { status: 409, title: 'Content not stored' },
  [ApiErrorCode.PAYLOAD_TOO_LARGE]: { status: 413, title: 'Payload too large' },
  [ApiErrorCode.UNSUPPORTED_MEDIA_TYPE]: { status: 415, title: 'Unsupported media type' },
  [ApiErrorCode.HEADERS_TOO_LARGE]: { status: 431, title: 'Request header fields too large' },
  [ApiErrorCode.RATE_LIMITED]: { status: 429, title: 'Rate limit exceeded' },
  [ApiErrorCode.OVERLOADED]: { status: 429, title: 'Too much work in flight' },
  [ApiErrorCode.LOGIN_THROTTLED]: { status: 429, title: 'Too many failed sign-ins' },
  [ApiErrorCode.INTERNAL]: { status: 500, title: 'Internal error' },
  [ApiErrorCode.REDIS_UNAVAILABLE]: { status: 503, title: 'Service unavailable', retryAfterS: 5 },
  [ApiErrorCode.SHUTTING_DOWN]: { status: 503, title: 'Shutting down', retryAfterS: 1 },
} as const satisfies Partial<Record<ApiErrorCode, ProblemTableEntry>>;

/** The codes the API answers with: the keys of {@link PROBLEM_TABLE}. */
export type ProblemCode = keyof typeof PROBLEM_TABLE;

/** Every code the API can answer with, for docs/errors.md and the OpenAPI document. */
export const API_ERROR_CODES = Object.keys(PROBLEM_TABLE) as ProblemCode[];

export function isProblemCode(code: string): code is ProblemCode {
  return Object.hasOwn(PROBLEM_TABLE, code);
}

/** A problem response: status, extra headers and the RFC 9457 body. */
export interface ProblemResponse {
  status: number;
  headers: Record<string, string>;
  body: Problem;
}

/** Builds the problem document of one code. */
export function problem(code: ProblemCode, detail: string, errors?: readonly FieldError[]): Problem {
  const { status, title } = PROBLEM_TABLE[code];
  return {
    type: PROBLEM_TYPE,
    title,
    status,
    detail,
    code,
    ...(errors && errors.length > 0 ? { errors: errors.map((error) => ({ ...error })) } : {}),
  };
}

/**
 * kumo codes that mean "the backend (Redis, the queues on it) is unavailable for now", whichever package raised
 * them, on top of those `isRedisUnavailable` of `@kumo/queues` knows (the one Redis failure classifier, which also
 * decides what the workers retry). Each is answered as `KUMO_API_REDIS_UNAVAILABLE` (503 + Retry-After). Listed by
 * name, not by pattern: a crawled site's `KUMO_CRAWLER_CONNECTION` or `KUMO_CRAWLER_ROBOTS_UNAVAILABLE` is not our
 * backend.
 */
export const BACKEND_UNAVAILABLE_CODES: ReadonlySet<string> = new Set([
  ApiErrorCode.REDIS_UNAVAILABLE,
  QueuesErrorCode.UNAVAILABLE,
  LocalRedisErrorCode.UNAVAILABLE,
]);

/**
 * Turns anything thrown into a problem response. Known API errors keep their code (crawl creation's become the API's
 * they always were: `apiErrorOfCreation`); a backend that is unavailable
 * (`isRedisUnavailable` of `@kumo/queues`) becomes 503 `KUMO_API_REDIS_UNAVAILABLE` with `Retry-After`; every other error
 * (including other packages' KumoErrors we did not expect here) is a 500 that reveals nothing.
 */
export function toProblemResponse(error: unknown, requestId?: string): ProblemResponse {
  let apiError = apiErrorOfCreation(error);
  if (!apiError && error instanceof ApiError && isProblemCode(error.code)) apiError = error;
  if (!apiError && isRedisUnavailable(error, BACKEND_UNAVAILABLE_CODES)) apiError = new RedisUnavailableError(error);
  if (apiError) {
    const code = apiError.code as ProblemCode;
    const entry: ProblemTableEntry = PROBLEM_TABLE[code];
    return {
      status: entry.status,
      headers: {
        ...(entry.retryAfterS === undefined ? {} : { 'Retry-After': String(entry.retryAfterS) }),
        ...apiError.headers,
      },
      body: problem(code, apiError.message, apiError.errors),
    };
  }
  const reference = requestId ? ` (request id ${requestId})` : '';
  const known = isKumoError(error) ? ` [${error.code}]` : '';
  return {
    status: 500,
    headers: {},
    body: problem(ApiErrorCode.INTERNAL, `An internal error occurred${known}${reference}.`),
  };
}
