import { Redis, type Cluster } from 'ioredis';

/** A connection kumo talks to: one Redis node or a Redis Cluster. Other packages never import ioredis. */
export type RedisClient = Redis | Cluster;

export interface RedisClientOptions {
  /** Shown in `CLIENT LIST` to tell kumo's connections apart. Default: none. */
  connectionName?: string;
  /** ioredis retries per command while reconnecting; `null` retries forever (BullMQ workers). Default 20. */
  maxRetriesPerRequest?: number | null;
}

/**
 * A single-node connection from a `redis://` or `rediss://` URL, for tools and tests. Apps use
 * `createRedisConnection` of @kumo/queues, which also handles Redis Cluster and the per-role settings.
 */
export function createRedisClient(url: string, options: RedisClientOptions = {}): Redis {
  return new Redis(url, {
    ...(options.connectionName === undefined ? {} : { connectionName: options.connectionName }),
    maxRetriesPerRequest: options.maxRetriesPerRequest === undefined ? 20 : options.maxRetriesPerRequest,
  });
}

/** The nodes a key-space-wide command (SCAN, INFO) must visit: every master of a cluster, or the one node. */
export function masterNodes(client: RedisClient): Redis[] {
  return client.isCluster ? (client as Cluster).nodes('master') : [client as Redis];
}
