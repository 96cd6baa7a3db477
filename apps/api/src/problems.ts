import type { Problem } from '@kumo/contract';
import { isKumoError } from '@kumo/errors';
import { ApiError, RedisUnavailableError, type FieldError } from './errors.js';

/** Where each code is explained; the problem's `type` is this page's anchor for the code. */
export const PROBLEM_DOCS_URL = 'https://github.com/kumo-crawler/kumo/blob/main/docs/errors.md';

/**
 * The one table from error code to HTTP status (tRPC's getHTTPStatusCode, fastify's createError). Every error the
 * API answers with has a code here; anything else is a 500 `KUMO_API_INTERNAL` without details.
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
  KUMO_API_REDIS_UNAVAILABLE: { status: 503, title: 'Service unavailable' },
  KUMO_API_SHUTTING_DOWN: { status: 503, title: 'Shutting down' },
} as const satisfies Record<string, { status: number; title: string }>;

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

const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND']);
const UNAVAILABLE_MESSAGES = [
  'Connection is closed',
  "Stream isn't writeable",
  'Reached the max retries per request',
  'None of startup nodes is available',
  'Failed to refresh slots cache',
  'CLUSTERDOWN',
  'LOADING',
  'Command timed out',
];

/**
 * True when an error means Redis did not answer (connection refused, closed, timed out, cluster down), whatever
 * layer raised it. Errors of the connection itself are matched by name and message because ioredis gives them no
 * code; everything else kumo raises carries a code.
 */
export function isRedisUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code === 'KUMO_API_REDIS_UNAVAILABLE')) return true;
    if (typeof code === 'string' && /^KUMO_[A-Z_]*(REDIS_UNAVAILABLE|CONNECTION)/.test(code)) return true;
    if (current.name === 'MaxRetriesPerRequestError' || current.name === 'ClusterAllFailedError') return true;
    if (UNAVAILABLE_MESSAGES.some((text) => current instanceof Error && current.message.includes(text))) return true;
    current = current.cause;
  }
  return false;
}

/**
 * Turns anything thrown into a problem response. Known API errors keep their code; Redis outages become 503; every
 * other error (including other packages' KumoErrors we did not expect here) is a 500 that reveals nothing.
 */
export function toProblemResponse(error: unknown, requestId?: string): ProblemResponse {
  let apiError: ApiError | undefined;
  if (error instanceof ApiError && isApiErrorCode(error.code)) apiError = error;
  else if (isRedisUnavailable(error)) apiError = new RedisUnavailableError(error);
  if (apiError) {
    const code = apiError.code as ApiErrorCode;
    return {
      status: PROBLEM_TABLE[code].status,
      headers: { ...apiError.headers },
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
