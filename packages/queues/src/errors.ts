import { KumoError } from '@kumo/errors';

/** Neither `REDIS_URL` nor `REDIS_CLUSTER_NODES` is usable (missing, or a node is not `host:port`). */
export class RedisConfigError extends KumoError {
  constructor(message: string) {
    super('KUMO_QUEUES_REDIS_CONFIG', message, { kind: 'critical' });
  }
}

/**
 * Adding jobs failed on transient Redis errors (`MOVED`, `CLUSTERDOWN`, `TRYAGAIN`, closed connections) after every
 * retry; `cause` holds the last one. Transient: the job that tried may be retried as a whole (ids are deterministic).
 */
export class QueueUnavailableError extends KumoError {
  constructor(message: string, cause: unknown) {
    super('KUMO_QUEUES_UNAVAILABLE', message, { cause, kind: 'transient' });
  }
}

/**
 * A worker's fetch loop is wedged: its queue had jobs waiting and the worker had a free slot at two liveness checks
 * in a row, yet it started no job in between (e.g. a blocking connection that never came back after a cluster
 * failover). Critical: the worker is closed and, by default, the process stops so its supervisor starts a fresh one.
 */
export class WorkerStuckError extends KumoError {
  constructor(message: string) {
    super('KUMO_QUEUES_WORKER_STUCK', message, { kind: 'critical' });
  }
}
