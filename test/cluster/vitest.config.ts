import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Integration tests that also run on the cluster: flows and dynamic children through the crawl-worker
 * (crawl-sites), the API and its Redis-backed admission, idempotency and rate limits (api-contract), the owner
 * index behind GET /v1/crawls, whose entries and records sit in different slots (api-list), the SSE
 * multiplexer's bucket readers (api-multiplexer), conditional re-fetch reading the previous crawl's validators,
 * analysis index and stream in one script on its bucket (crawl-revalidation), schedule runs that claim their schedule
 * and chain across restarts of every process on two crawl-worker hosts (schedule-restart). They take the Redis as `inject('redisEnv')`: `{ REDIS_URL }` from
 * test/helpers/global-setup.ts in `npm test`, `{ REDIS_CLUSTER_NODES }` from test/cluster/global-setup.ts here.
 * api-sse-fanout passes too but takes ~85 s on a local cluster on 2 cores, so it stays in the single-Redis suite;
 * test/cluster/system-on-cluster.test.ts streams on the cluster, and keys-on-masters.test.ts audits every master.
 */
export const INTEGRATION_ON_CLUSTER = [
  'crawl-sites',
  'api-contract',
  'api-multiplexer',
  'api-list',
  'crawl-revalidation',
  'schedule-restart',
].map((name) => `test/integration/${name}.test.ts`);

/**
 * `npm run test:cluster`: kumo on a local Redis Cluster (3 masters + 3 replicas, started by the global setup and
 * provided to the tests as `redisEnv` = `{ REDIS_CLUSTER_NODES }`): the cluster tests of test/cluster (the key
 * package with tags on different masters, the audit, flows and dynamic children, streaming, connections per process,
 * failover of the queues' master, many worker hosts) and the integration tests above.
 */
export default defineConfig({
  resolve: { conditions: ['kumo-source'] },
  ssr: { resolve: { conditions: ['kumo-source'] } },
  test: {
    root,
    name: 'cluster',
    include: ['test/cluster/**/*.test.ts', ...INTEGRATION_ON_CLUSTER],
    exclude: ['**/node_modules/**', 'test/cluster/.verify/**'],
    globalSetup: ['test/cluster/global-setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    // Files start real processes (and the failover file a cluster of its own): two at a time suits 2 cores.
    maxWorkers: 2,
    fileParallelism: true,
  },
});
