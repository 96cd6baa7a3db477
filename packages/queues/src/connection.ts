import { Cluster, Redis, type ClusterNode, type RedisOptions } from 'ioredis';
import type { Config } from '@kumo/config';
import { KeySpace, KeyStore, type RedisClient } from '@kumo/keyspace';
import { RedisConfigError } from './errors.js';

/** The settings a connection needs. */
export type ConnectionConfig = Pick<Config, 'REDIS_URL' | 'REDIS_CLUSTER_NODES'>;

/**
 * What a connection is for; each role gets the ioredis settings its user needs:
 * - `api`: fail fast so the API answers 503 at once when Redis is down: `maxRetriesPerRequest: 1`,
 *   `enableOfflineQueue: false` (commands sent before `ready` fail immediately: wait for `ready` at start-up).
 * - `command`: ordinary commands of a worker process; ioredis defaults (20 retries, offline queue).
 * - `worker`: BullMQ `Worker`s and `Queue`s of worker processes: `maxRetriesPerRequest: null` (BullMQ requires it).
 * - `blocking`: blocking reads (XREAD BLOCK of the SSE reader): `maxRetriesPerRequest: null`.
 */
export type ConnectionRole = 'api' | 'command' | 'worker' | 'blocking';

export interface RedisConnectionOptions {
  role: ConnectionRole;
  /** `CLIENT SETNAME`, shown by `CLIENT LIST`. Default `kumo:<role>`. */
  name?: string;
}

function roleOptions(role: ConnectionRole): Pick<RedisOptions, 'maxRetriesPerRequest' | 'enableOfflineQueue'> {
  switch (role) {
    case 'api':
      return { maxRetriesPerRequest: 1, enableOfflineQueue: false };
    case 'command':
      return { maxRetriesPerRequest: 20, enableOfflineQueue: true };
    case 'worker':
    case 'blocking':
      return { maxRetriesPerRequest: null, enableOfflineQueue: true };
  }
}

function parseNode(node: string): ClusterNode {
  const match = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(node.trim());
  const port = Number(match?.[2]);
  if (!match || port < 1 || port > 65535) {
    throw new RedisConfigError(`REDIS_CLUSTER_NODES: expected host:port, got ${JSON.stringify(node)}`);
  }
  return { host: match[1]!, port };
}

/** Credentials and TLS from `REDIS_URL` for the cluster's nodes (the URL's host is not used then). */
function credentialsFrom(url: string | undefined): Pick<RedisOptions, 'username' | 'password' | 'tls'> {
  if (!url) return {};
  const parsed = new URL(url);
  return {
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/**
 * Opens a connection from the configuration: a Redis Cluster when `REDIS_CLUSTER_NODES` is set (credentials and TLS
 * from `REDIS_URL`'s scheme, if given; reads from masters only), else the single Redis of `REDIS_URL`.
 *
 * Cluster clients skip ioredis' ready check (`enableReadyCheck: false`). With it, a `connect()` that runs while the
 * cluster reports `cluster_state:fail` — the seconds between a master's death and its replica's promotion — loads the
 * slot map, fails the check, and reconnects on its own timer without ever settling the promise of that `connect()`.
 * BullMQ's worker awaits exactly such a `connect()` when it resets its blocking connection after its BZPOPMIN
 * watchdog fires, so a worker that was idle when a master died could hang forever (jobs left in `wait`). Without
 * the check the client is `ready` once it has the slot map, and commands that hit the failing slots during the
 * failover get `CLUSTERDOWN`/`MOVED`/closed connections, which ioredis and `retryTransient` retry.
 */
export function createRedisConnection(config: ConnectionConfig, options: RedisConnectionOptions): RedisClient {
  const connectionName = options.name ?? `kumo:${options.role}`;
  const role = roleOptions(options.role);
  const nodes = config.REDIS_CLUSTER_NODES;
  if (nodes && nodes.length > 0) {
    return new Cluster(nodes.map(parseNode), {
      redisOptions: { ...credentialsFrom(config.REDIS_URL), connectionName, ...role },
      scaleReads: 'master',
      enableOfflineQueue: role.enableOfflineQueue ?? true,
      enableReadyCheck: false,
    });
  }
  if (!config.REDIS_URL) {
    throw new RedisConfigError('no Redis configured: set REDIS_URL (or REDIS_CLUSTER_NODES for a cluster)');
  }
  return new Redis(config.REDIS_URL, { connectionName, ...role });
}

/** A connection with the key layer on top: what most processes need. */
export interface KeyStoreHandle {
  client: RedisClient;
  keySpace: KeySpace;
  store: KeyStore;
}

/** Opens a connection for `role` and the `KeyStore` over it (prefix `KUMO_PREFIX`). Close with `store.close()`. */
export function createKeyStore(
  config: ConnectionConfig & Pick<Config, 'KUMO_PREFIX'>,
  role: ConnectionRole,
  name?: string,
): KeyStoreHandle {
  const client = createRedisConnection(config, { role, ...(name === undefined ? {} : { name }) });
  const keySpace = new KeySpace({ prefix: config.KUMO_PREFIX });
  return { client, keySpace, store: new KeyStore(client, keySpace) };
}

/** Resolves when the connection is `ready`; rejects after `timeoutMs` (e.g. the API's start-up with `role: 'api'`). */
export async function waitUntilReady(client: RedisClient, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new RedisConfigError(`Redis not ready after ${timeoutMs} ms (status ${client.status})`));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      clearTimeout(timer);
      client.removeListener('ready', onReady);
    };
    client.on('ready', onReady);
  });
}
