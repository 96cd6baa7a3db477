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
