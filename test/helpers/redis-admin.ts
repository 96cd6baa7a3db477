import { createRedisClient } from '@kumo/keyspace';
import { redisNodes, type RedisEnv } from './env.js';

/** `CLIENT LIST` of every node of `redis`, one array per node (a node that does not answer gives none). */
export async function clientListPerNode(redis: RedisEnv): Promise<string[][]> {
  return Promise.all(
    redisNodes(redis).map(async (node) => {
      const admin = createRedisClient(`redis://${node}`, {
        connectionName: 'kumo:test:admin',
        maxRetriesPerRequest: 1,
      });
      admin.on('error', () => undefined);
      try {
        return String(await admin.client('LIST'))
          .split('\n')
          .filter(Boolean);
      } catch {
        return [];
      } finally {
        admin.disconnect();
      }
    }),
  );
}

/**
 * Connections whose `CLIENT LIST` line matches `pattern`, counted on the node where there are most: on one Redis the
 * count itself; on a cluster, where each client connects to every node, the number of clients.
 */
export async function countClients(redis: RedisEnv, pattern: RegExp): Promise<number> {
  const perNode = await clientListPerNode(redis);
  return Math.max(0, ...perNode.map((lines) => lines.filter((line) => pattern.test(` ${line} `)).length));
}
