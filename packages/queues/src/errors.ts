import { defineError, type ErrorCodeOf, errorCodesOf } from '@kumo/errors';

/** Every code this package produces (its rows of the error catalog in `@kumo/errors`). Callers branch on these. */
export const QueuesErrorCode = errorCodesOf('packages/queues');
export type QueuesErrorCode = ErrorCodeOf<'packages/queues'>;

/** Neither `REDIS_URL` nor `REDIS_CLUSTER_NODES` is usable (missing, or a node is not `host:port`). */
export class RedisConfigError extends defineError(QueuesErrorCode.REDIS_CONFIG) {}

/**
 * Adding jobs failed on transient Redis errors (`MOVED`, `CLUSTERDOWN`, `TRYAGAIN`, closed connections) after every
 * retry; `cause` holds the last one. Transient: the job that tried may be retried as a whole (ids are deterministic).
 */
export class QueueUnavailableError extends defineError(QueuesErrorCode.UNAVAILABLE) {
  constructor(message: string, cause: unknown) {
    super(message, { cause });
  }
}

/**
 * A worker's fetch loop is wedged: its queue had jobs waiting and the worker had a free slot at two liveness checks
 * in a row, yet it started no job in between (e.g. a blocking connection that never came back after a cluster
 * failover). Critical: the worker is closed and, by default, the process stops so its supervisor starts a fresh one.
 */
export class WorkerStuckError extends defineError(QueuesErrorCode.WORKER_STUCK) {}

/** An option of a queues class (e.g. the retention sweeper's intervals) is out of range; the message names it. */
export class QueuesOptionError extends defineError(QueuesErrorCode.INVALID_OPTION) {}
