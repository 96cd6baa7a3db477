import { createRedisClient } from '@kumo/keyspace';
import { parseClusterNodes, type ClusterNodeInfo } from '@kumo/local-redis';
import { waitUntilReady } from '@kumo/queues';
import { openCrawlClient, type CrawlClient } from '../../helpers/crawl-harness.js';
import { redisNodes, testEnv, type RedisEnv } from '../../helpers/env.js';

/** How a kumo process reaches the test Redis: one server or a cluster (what the global setups provide). */
export type { RedisEnv };

/** The nodes of a RedisEnv: the cluster's seed list, or the one server as `host:port`. */
export const nodesOf = redisNodes;

/** `testEnv` on a cluster: REDIS_URL left empty (unset for loadConfig), REDIS_CLUSTER_NODES set. */
export function clusterTestEnv(options: { redis: RedisEnv; prefix: string; overrides?: Record<string, string> }) {
  return testEnv({ redis: options.redis, prefix: options.prefix, overrides: options.overrides ?? {} });
}

/** `CLIENT LIST` of every node, concatenated (a connection is listed by the node it is open to). */
export async function clientListAll(redis: RedisEnv): Promise<string[]> {
  const lines: string[] = [];
  for (const node of nodesOf(redis)) {
    const admin = createRedisClient(`redis://${node}`, { connectionName: 'kumo:test:admin', maxRetriesPerRequest: 1 });
    try {
      lines.push(
        ...String(await admin.client('LIST'))
          .split('\n')
          .filter(Boolean),
      );
    } catch {
      // a node killed by a failover test does not answer
    } finally {
      admin.disconnect();
    }
  }
  return lines;
}

/** Connections by `name=` across every node, for names matching `pattern`. */
export async function connectionsByName(redis: RedisEnv, pattern: RegExp): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const line of await clientListAll(redis)) {
    const name = / name=(\S*)/.exec(` ${line}`)?.[1] ?? '';
    if (pattern.test(name)) counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return counts;
}

/** Runs one command on the first node of `redis` that answers (a plain connection: no redirects followed). */
async function onAnyNode(redis: RedisEnv, args: [string, ...string[]]): Promise<unknown> {
  let lastError: unknown;
  for (const node of nodesOf(redis)) {
    const admin = createRedisClient(`redis://${node}`, { connectionName: 'kumo:test:admin', maxRetriesPerRequest: 1 });
    admin.on('error', () => undefined);
    try {
      return await admin.call(...args);
    } catch (error) {
      lastError = error;
    } finally {
      admin.disconnect();
    }
  }
  throw lastError;
}

/** The masters serving slots now, per `CLUSTER NODES`. */
export async function clusterMasters(redis: RedisEnv): Promise<ClusterNodeInfo[]> {
  const nodes = parseClusterNodes(String(await onAnyNode(redis, ['CLUSTER', 'NODES'])));
  return nodes.filter((node) => node.role === 'master' && !node.failed && node.slots.length > 0);
}

/** The master that serves `key` now: `CLUSTER KEYSLOT`, then the slot ranges of `CLUSTER NODES`. */
export async function masterOfKey(redis: RedisEnv, key: string): Promise<ClusterNodeInfo> {
  const slot = Number(await onAnyNode(redis, ['CLUSTER', 'KEYSLOT', key]));
  const owner = (await clusterMasters(redis)).find((node) => node.slots.some(([a, b]) => slot >= a && slot <= b));
  if (!owner) throw new Error(`no master serves slot ${slot} of ${key}`);
  return owner;
}

/** A test's view of one prefix on the cluster: test/helpers' CrawlClient over REDIS_CLUSTER_NODES. */
export type ClusterCrawlClient = CrawlClient;

/** `openCrawlClient` on the cluster, once the cluster client has its slot map. */
export async function openClusterCrawlClient(options: { redis: RedisEnv; prefix: string }): Promise<CrawlClient> {
  const client = openCrawlClient(options);
  await waitUntilReady(client.client, 20_000);
  return client;
}
