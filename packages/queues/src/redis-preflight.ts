import type { Config } from '@kumo/config';
import { checkRedisServer } from '@kumo/keyspace';
import { createKeyStore, type ConnectionConfig } from './connection.js';

/**
 * A worker app's start-up check, run once by its supervisor before forking: the Redis server answers and will not
 * evict jobs (`maxmemory-policy noeviction` unless `KUMO_ALLOW_EVICTION`). Throws the coded error of the check.
 */
export async function assertRedisFitForQueues(
  config: ConnectionConfig & Pick<Config, 'KUMO_PREFIX' | 'KUMO_ALLOW_EVICTION'>,
  connectionName: string,
): Promise<void> {
  const { client, store } = createKeyStore(config, 'command', connectionName);
  try {
    await checkRedisServer(client, { allowEviction: config.KUMO_ALLOW_EVICTION });
  } finally {
    await store.close().catch(() => undefined);
  }
}
