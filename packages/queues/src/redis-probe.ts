import type { Config } from '@kumo/config';
import { createKeyStore, type ConnectionConfig } from './connection.js';

/**
 * A worker supervisor's readiness check (its `/readyz`): PING over one connection of the primary's own, opened
 * with the app's configuration on the first call and kept. The primary pings itself rather than asking its
 * workers, whose connections share that configuration: a dead Redis shows within one request, even while every
 * worker is still blocked reconnecting. Rejects when Redis does not answer (the supervisor bounds the wait).
 */
export function redisReadyCheck(
  config: ConnectionConfig & Pick<Config, 'KUMO_PREFIX'>,
  connectionName: string,
): () => Promise<void> {
  let handle: ReturnType<typeof createKeyStore> | undefined;
  return async () => {
    handle ??= createKeyStore(config, 'command', connectionName);
    await handle.store.ping();
  };
}
