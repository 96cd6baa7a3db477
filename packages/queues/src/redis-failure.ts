import { QueuesErrorCode } from './errors.js';

/** Node's socket error codes: the connection to Redis itself failed. */
const SOCKET_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);

/** Connection-level failures of ioredis (and BullMQ on top of it), which give them no code: matched by name. */
const FAILURE_NAMES: ReadonlySet<string> = new Set([
  'MaxRetriesPerRequestError',
  'ClusterAllFailedError',
  'ConnectionClosedError',
]);

/**
 * Error replies by which a running Redis refuses work for now: a cluster mid-failover or resharding (`MOVED`, `ASK`,
 * `CLUSTERDOWN`, `TRYAGAIN`), loading its data, busy in a script, a replica whose master is gone or that refuses
 * writes after a failover, out of memory (noeviction), unable to persist. Retrying later can succeed; none of them
 * is the caller's fault or a bug.
 */
const UNAVAILABLE_REPLY = /^(MOVED|ASK|CLUSTERDOWN|TRYAGAIN|LOADING|BUSY|MASTERDOWN|READONLY|OOM|MISCONF|NOREPLICAS)\b/;

/** What ioredis says when a connection is down or a cluster cannot route, by message (it gives these no code). */
const UNAVAILABLE_MESSAGES = [
  'Connection is closed',
  "Stream isn't writeable",
  'Reached the max retries per request',
  'None of startup nodes is available',
  'Failed to refresh slots cache',
  'Command timed out',
  'Too many Cluster redirections',
  "Cluster isn't ready",
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
];

/** kumo codes that mean "the queues gave up on Redis for now" (see {@link isRedisUnavailable}'s `codes`). */
const QUEUES_UNAVAILABLE: ReadonlySet<string> = new Set([QueuesErrorCode.UNAVAILABLE]);

function unavailableItself(error: Error, codes: ReadonlySet<string>): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (SOCKET_CODES.has(code) || codes.has(code) || QUEUES_UNAVAILABLE.has(code))) {
    return true;
  }
  if (FAILURE_NAMES.has(error.name)) return true;
  if (UNAVAILABLE_REPLY.test(error.message)) return true;
  return UNAVAILABLE_MESSAGES.some((text) => error.message.includes(text));
}

function unavailableWithin(error: unknown, codes: ReadonlySet<string>, depth: number): boolean {
  if (!(error instanceof Error) || depth > 5) return false;
  if (unavailableItself(error, codes)) return true;
  const { previousErrors } = error as { previousErrors?: unknown };
  const inner: unknown[] = [
    ...(Array.isArray(previousErrors) ? (previousErrors as unknown[]) : []),
    ...(error instanceof AggregateError && Array.isArray(error.errors) ? (error.errors as unknown[]) : []),
  ];
  if (inner.slice(0, 20).some((nested) => unavailableWithin(nested, codes, depth + 1))) return true;
  return unavailableWithin(error.cause, codes, depth + 1);
}

/**
 * kumo's one classifier of Redis failures: true when an error means Redis (or the queues on it) cannot serve for now
 * and the same request may succeed later — refused, closed or timed-out connections, a cluster failover in progress
 * (`MOVED`, `CLUSTERDOWN`, `TRYAGAIN`…), loading, read-only, out of memory, or `KUMO_QUEUES_UNAVAILABLE` — whatever
 * layer raised it: the error, its `cause` chain, and the errors inside it (`previousErrors` of a MULTI that Redis
 * aborted with EXECABORT, an AggregateError's `errors`). Connection errors are matched by name and message because
 * ioredis gives them no code. `codes` adds the caller's own kumo codes for the same condition (the API's 503 code).
 *
 * Used by {@link retryTransient} (what to retry), the job error translator (what BullMQ retries) and the API's
 * problem mapping (what answers 503), so the three never disagree about what "Redis is unavailable" means.
 */
export function isRedisUnavailable(error: unknown, codes: ReadonlySet<string> = new Set()): boolean {
  return unavailableWithin(error, codes, 0);
}

/** Error replies of a Redis that serves reads but refuses writes: full under noeviction, a read-only replica, unable
 * to persist, short of replicas. */
const WRITE_REFUSED_REPLY = /^(OOM|READONLY|MISCONF|NOREPLICAS)\b/;

function writeRefusedWithin(error: unknown, depth: number): boolean {
  if (!(error instanceof Error) || depth > 5) return false;
  if (WRITE_REFUSED_REPLY.test(error.message)) return true;
  const { previousErrors } = error as { previousErrors?: unknown };
  if (
    Array.isArray(previousErrors) &&
    previousErrors.slice(0, 20).some((inner) => writeRefusedWithin(inner, depth + 1))
  ) {
    return true;
  }
  return writeRefusedWithin(error.cause, depth + 1);
}

/**
 * True when Redis answered but refused a write it would take later (`OOM`, `READONLY`, `MISCONF`, `NOREPLICAS`, in
 * the error or its `cause` chain): reads still work. A subset of {@link isRedisUnavailable}; what lets the API's rate
 * limiter fail open while a dead connection still answers 503.
 */
export function isWriteRefused(error: unknown): boolean {
  return writeRefusedWithin(error, 0);
}
