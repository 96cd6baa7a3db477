import { once } from 'node:events';
import { EvictionPolicyError } from './errors.js';
import { masterNodes, type RedisClient } from './redis-client.js';

export interface CheckRedisOptions {
  /** Start even when `maxmemory-policy` is not `noeviction` (returns a warning instead of throwing). Default false. */
  allowEviction?: boolean;
}

export interface RedisServerCheck {
  /** `redis_version` of the (first) node, or null when INFO does not say. */
  version: string | null;
  /** The eviction policy, or null when CONFIG is not allowed (managed Redis). */
  maxmemoryPolicy: string | null;
  /** Things an operator should know; the app logs them. */
  warnings: string[];
}

/**
 * Checks the server before a process starts: BullMQ loses jobs when Redis evicts keys, so a policy other than
 * `noeviction` throws `EvictionPolicyError` unless allowed. Managed services that forbid CONFIG get a warning.
 */
export async function checkRedisServer(
  client: RedisClient,
  options: CheckRedisOptions = {},
): Promise<RedisServerCheck> {
  const warnings: string[] = [];
  // A cluster client knows its masters only once it has loaded the slot map.
  if (client.isCluster && client.status !== 'ready')
    await once(client, 'ready', { signal: AbortSignal.timeout(30_000) });
  const nodes = masterNodes(client);
  const info = await nodes[0]!.info('server');
  const version = /^redis_version:(.+)$/m.exec(info)?.[1]?.trim() ?? null;
  let policy: string | null = null;
  for (const node of nodes) {
    let reply: unknown;
    try {
      reply = await node.call('CONFIG', 'GET', 'maxmemory-policy');
    } catch (error) {
      warnings.push(
        `cannot read maxmemory-policy (CONFIG refused: ${(error as Error).message}); make sure it is noeviction`,
      );
      break;
    }
    const value = Array.isArray(reply) ? String(reply[1] ?? '') : '';
    policy = value || null;
    if (value !== 'noeviction') {
      const message = `Redis maxmemory-policy is ${value || 'unknown'}, not noeviction: Redis may evict BullMQ jobs and crawl results`;
      if (!options.allowEviction)
        throw new EvictionPolicyError(`${message}; set it to noeviction or allow it with KUMO_ALLOW_EVICTION`);
      warnings.push(message);
      break;
    }
  }
  return { version, maxmemoryPolicy: policy, warnings };
}
