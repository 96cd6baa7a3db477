import type { Problem } from '@kumo/contract';
import { isKumoError } from '@kumo/errors';
import { ApiError, RedisUnavailableError, type FieldError } from './errors.js';

/** One row of {@link PROBLEM_TABLE}. */
export interface ProblemTableEntry {
  status: number;
  title: string;
  /** Seconds sent as `Retry-After` when the error sets none itself. Required for every 503. */
  retryAfterS?: number;
}

/** Where each code is explained; the problem's `type` is this page's anchor for the code. */
export const PROBLEM_DOCS_URL = 'https://github.com/kumo-crawler/kumo/blob/main/docs/errors.md';

/**
 * The one table from error code to HTTP status (tRPC's getHTTPStatusCode, fastify's createError). Every error the
 * API answers with has a code here; anything else is a 500 `KUMO_API_INTERNAL` without details. Every 503 carries
 * `retryAfterS`, the `Retry-After` it is answered with (unless the error brings its own).
 */
export const PROBLEM_TABLE = {
  KUMO_API_VALIDATION: { status: 400, title: 'Invalid request' },
  KUMO_API_MALFORMED_JSON: { status: 400, title: 'Malformed JSON body' },
  KUMO_API_UNAUTHORIZED: { status: 401, title: 'Unauthorized' },
  KUMO_API_NOT_FOUND: { status: 404, title: 'Crawl not found' },
  KUMO_API_ROUTE_NOT_FOUND: { status: 404, title: 'Not found' },
  KUMO_API_REPORT_NOT_READY: { status: 409, title: 'Report not ready' },
  KUMO_API_IDEMPOTENCY_CONFLICT: { status: 409, title: 'Idempotency key reused' },
  KUMO_API_PAYLOAD_TOO_LARGE: { status: 413, title: 'Payload too large' },
  KUMO_API_UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported media type' },
  KUMO_API_RATE_LIMITED: { status: 429, title: 'Rate limit exceeded' },
  KUMO_API_OVERLOADED: { status: 429, title: 'Too much work in flight' },
  KUMO_API_INTERNAL: { status: 500, title: 'Internal error' },
  KUMO_API_REDIS_UNAVAILABLE: { status: 503, title: 'Service unavailable', retryAfterS: 5 },
  KUMO_API_SHUTTING_DOWN: { status: 503, title: 'Shutting down', retryAfterS: 1 },
} as const satisfies Record<string, ProblemTableEntry>;

export type ApiErrorCode = keyof typeof PROBLEM_TABLE;

/** Every code the API can answer with, for docs/errors.md and the OpenAPI document. */
export const API_ERROR_CODES = Object.keys(PROBLEM_TABLE) as ApiErrorCode[];

export function isApiErrorCode(code: string): code is ApiErrorCode {
  return Object.hasOwn(PROBLEM_TABLE, code);
}

/** A problem response: status, extra headers and the RFC 9457 body. */
export interface ProblemResponse {
  status: number;
  headers: Record<string, string>;
  body: Problem;
}

/** Builds the problem document of one code. */
export function problem(code: ApiErrorCode, detail: string, errors?: readonly FieldError[]): Problem {
  const { status, title } = PROBLEM_TABLE[code];
  return {
    type: `${PROBLEM_DOCS_URL}#${code.toLowerCase()}`,
    title,
    status,
    detail,
    code,
    ...(errors && errors.length > 0 ? { errors: errors.map((error) => ({ ...error })) } : {}),
  };
}

/** Errors of the connection itself (Node's socket codes). */
const UNAVAILABLE_SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);

/**
 * kumo codes that mean "the backend (Redis, the queues on it) is unavailable for now", whichever package raised
 * them. Each is answered as `KUMO_API_REDIS_UNAVAILABLE` (503 + Retry-After). Listed by name, not by pattern: a
 * crawled site's `KUMO_CRAWLER_CONNECTION` or `KUMO_CRAWLER_ROBOTS_UNAVAILABLE` is not our backend.
 */
export const BACKEND_UNAVAILABLE_CODES: ReadonlySet<string> = new Set([
  'KUMO_API_REDIS_UNAVAILABLE',
  'KUMO_QUEUES_UNAVAILABLE',
  'KUMO_REDIS_UNAVAILABLE',
]);

/** Connection-level failures of ioredis, which gives them no code. */
const UNAVAILABLE_MESSAGES = [
  'Connection is closed',
  "Stream isn't writeable",
  'Reached the max retries per request',
  'None of startup nodes is available',
  'Failed to refresh slots cache',
  'Command timed out',
  'Too many Cluster redirections',
];

/**
 * Error replies by which a running Redis refuses work for now: loading its data, busy in a script, a replica whose
 * master is gone or that refuses writes after a failover, a cluster that is down or resharding, out of memory
 * (noeviction), unable to persist. Retrying later can succeed; none of them is the client's fault or our bug.
 */
const UNAVAILABLE_REPLY = /^(LOADING|BUSY|MASTERDOWN|READONLY|CLUSTERDOWN|TRYAGAIN|OOM|MISCONF|NOREPLICAS)\b/;

function isUnavailableError(error: Error): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (UNAVAILABLE_SOCKET_CODES.has(code) || BACKEND_UNAVAILABLE_CODES.has(code))) {
    return true;
  }
  if (error.name === 'MaxRetriesPerRequestError' || error.name === 'ClusterAllFailedError') return true;
  if (UNAVAILABLE_REPLY.test(error.message)) return true;
  return UNAVAILABLE_MESSAGES.some((text) => error.message.includes(text));
}

/**
 * True when an error means the backend cannot serve for now (Redis refused, closed, timed out, loading, read-only,
 * out of memory, cluster down; the queues gave up on it), whatever layer raised it: the error, its `cause` chain,
 * and the errors inside it (`previousErrors` of a MULTI that Redis aborted with EXECABORT, an AggregateError's
 * `errors`). Errors of the connection itself are matched by name and message because ioredis gives them no code.
 */
export function isRedisUnavailable(error: unknown): boolean {
  return unavailableWithin(error, 0);
}

function unavailableWithin(error: unknown, depth: number): boolean {
  if (!(error instanceof Error) || depth > 5) return false;
  if (isUnavailableError(error)) return true;
  const { previousErrors } = error as { previousErrors?: unknown };
  const inner: unknown[] = [
    ...(Array.isArray(previousErrors) ? (previousErrors as unknown[]) : []),
    ...(error instanceof AggregateError && Array.isArray(error.errors) ? (error.errors as unknown[]) : []),
  ];
  if (inner.slice(0, 20).some((nested) => unavailableWithin(nested, depth + 1))) return true;
  return unavailableWithin(error.cause, depth + 1);
}

/**
 * Turns anything thrown into a problem response. Known API errors keep their code; a backend that is unavailable
 * (see {@link isRedisUnavailable}) becomes 503 `KUMO_API_REDIS_UNAVAILABLE` with `Retry-After`; every other error
 * (including other packages' KumoErrors we did not expect here) is a 500 that reveals nothing.
 */
export function toProblemResponse(error: unknown, requestId?: string): ProblemResponse {
  let apiError: ApiError | undefined;
  if (error instanceof ApiError && isApiErrorCode(error.code)) apiError = error;
  else if (isRedisUnavailable(error)) apiError = new RedisUnavailableError(error);
  if (apiError) {
    const code = apiError.code as ApiErrorCode;
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
    body: problem('KUMO_API_INTERNAL', `An internal error occurred${known}${reference}.`),
  };
}
