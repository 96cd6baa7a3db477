import type { Config } from '@kumo/config';
import { CrawlStore } from '@kumo/crawl-state';
import { BlockingReader, type KeyStore, type RedisClient } from '@kumo/keyspace';
import type { Logger } from '@kumo/observability';
import { createKeyStore, createRedisConnection, KumoQueues, waitUntilReady } from '@kumo/queues';

/** How long start-up waits for Redis before listening anyway (then `/readyz` says 503 until Redis answers). */
const READY_WAIT_MS = 10_000;

/**
 * `CLIENT SETNAME` of the API's connections, with the key prefix so that deployments (and test files) sharing one
 * Redis can tell theirs apart in `CLIENT LIST`: `main` for commands (one per process), `reader` for the SSE
 * readers (one per active bucket), `primary` for the cluster primary's metrics connection.
 */
export function connectionNames(prefix: string) {
  return { main: `kumo:api:${prefix}`, reader: `kumo:api-sse:${prefix}`, primary: `kumo:api-primary:${prefix}` };
}

/** The Redis-backed parts of one API process, and how to close them. */
export interface WorkerResources {
  client: RedisClient;
  store: KeyStore;
  crawls: CrawlStore;
  queues: KumoQueues;
  openReader: () => BlockingReader;
  close(): Promise<void>;
}

/**
 * Opens what an API process needs: one `api`-role connection (fails fast, so requests answer 503 at once while Redis
 * is down) shared by the key store, the crawl store, the queues and Bull Board; and a factory for the SSE readers'
 * dedicated `blocking`-role connections (they wait through a Redis restart instead of failing).
 */
export async function buildWorkerResources(
  config: Config,
  logger: Pick<Logger, 'warn'>,
  options: {
    /** `CLIENT SETNAME` of the command connection. Default `connectionNames(prefix).main`. */
    connectionName?: string;
    /** How long to wait for Redis before going on without it. Default 10 000 ms. */
    readyTimeoutMs?: number;
  } = {},
): Promise<WorkerResources> {
  const names = connectionNames(config.KUMO_PREFIX);
  const { client, store } = createKeyStore(config, 'api', options.connectionName ?? names.main);
  // ioredis reports connection errors as events; without a listener they would be "unhandled" noise.
  client.on('error', () => undefined);
  try {
    await waitUntilReady(client, options.readyTimeoutMs ?? READY_WAIT_MS);
  } catch (error) {
    logger.warn({ err: error }, 'Redis is not ready; starting anyway (readiness fails until it answers)');
  }
  const crawls = new CrawlStore(store, {
    resultTtlMs: config.RESULT_TTL_S * 1000,
    tmpTtlMs: config.TMP_TTL_S * 1000,
  });
  const queues = new KumoQueues(client, config);
  const openReader = () => {
    const connection = createRedisConnection(config, { role: 'blocking', name: names.reader });
    connection.on('error', () => undefined);
    return new BlockingReader(connection, null);
  };
  return {
    client,
    store,
    crawls,
    queues,
    openReader,
    async close() {
      await queues.close().catch(() => undefined);
      await store.close().catch(() => client.disconnect());
    },
  };
}
