import type { Worker } from 'bullmq';
import { loadConfig } from '@kumo/config';
import { auditKeyspace, checkRedisServer, loadScript, type KeyStore } from '@kumo/keyspace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster } from './__fixtures__/cluster.js';
import { deferred } from './__fixtures__/setup.js';
import { createKeyStore, createRedisConnection, waitUntilReady } from './connection.js';
import type { AggregateJobData, CrawlJobData } from './names.js';
import { KumoQueues } from './queues.js';
import { createKumoWorker } from './worker.js';

// A real 3-master cluster: keys of different tags land on different masters, so a cross-slot mistake fails here.
let cluster: Awaited<ReturnType<typeof startTestCluster>>;
let config: ReturnType<typeof loadConfig>;
let store: KeyStore;
let handle: ReturnType<typeof createKeyStore>;

beforeAll(async () => {
  cluster = await startTestCluster();
  config = loadConfig({
    REDIS_CLUSTER_NODES: cluster.nodes.join(','),
    KUMO_PREFIX: 'kc',
    CRAWL_ATTEMPTS: '1',
    CRAWL_RETRY_BACKOFF_MS: '0',
  });
  handle = createKeyStore(config, 'command');
  store = handle.store;
  await waitUntilReady(handle.client, 10_000);
}, 60_000);

afterAll(async () => {
  await store?.close();
  await cluster?.stop();
});

describe('on a Redis Cluster', () => {
  it('runs key-store writes, scripts, blocking reads and the audit across masters', async () => {
    const { keySpace } = handle;
    expect(handle.client.isCluster).toBe(true);
    expect((await checkRedisServer(handle.client)).maxmemoryPolicy).toBe('noeviction');
    // Crawls in many buckets: their keys spread over all three masters.
    for (let i = 0; i < 40; i++) {
      const crawlId = `c${i}`;
      await store.hSet(keySpace.crawlKey('result', crawlId, 'crawl'), { status: 'queued' }, 60_000);
      await store.sAdd(keySpace.crawlKey('tmp', crawlId, 'seen'), ['a', 'b'], 60_000);
      await store.xAdd(keySpace.crawlKey('result', crawlId, 'events'), { type: 'page' }, 60_000);
      await store.del(keySpace.crawlKey('tmp', crawlId, 'seen'), keySpace.crawlKey('result', crawlId, 'crawl'));
    }
    const script = store.defineScript(loadScript(new URL('./__fixtures__/touch-2.lua', import.meta.url)));
    const keys = (crawlId: string) => [
      { key: keySpace.crawlKey('result', crawlId, 'events'), ttl: 60_000 },
      { key: keySpace.crawlKey('lock', crawlId, 'progress'), ttl: 1000 },
    ];
    for (let i = 0; i < 10; i++) expect(await script({ keys: keys(`c${i}`) })).toBe(1);

    const reader = await store.duplicate();
    try {
      const stream = keySpace.crawlKey('result', 'c7', 'events');
      const wake = keySpace.bucketWakeKey(keySpace.crawlBucket('c7'));
      const pending = reader.readStreams(
        [
          { key: stream, afterId: '$' },
          // A concrete id, not `$`: `$` means "after the last entry when XREAD reaches Redis".
          { key: wake, afterId: '0-0' },
        ],
        { blockMs: 10_000 },
      );
      await store.xAdd(wake, { wake: '1' }, 60_000, { maxLen: 16 });
      expect((await pending).map((batch) => batch.key)).toEqual([wake]);
    } finally {
      reader.close();
    }

    const report = await auditKeyspace(handle.client, { prefix: 'kc' });
    expect(report.nodes).toBe(3);
    expect(report.purposes.find((p) => p.purpose === 'result')!.keys).toBe(41); // 40 event streams + one wake
    expect(report.purposes.every((p) => p.withoutTtl.count === 0)).toBe(true);
  }, 30_000);

  it('runs a flow with dynamic children under the one queue tag', async () => {
    const connection = createRedisConnection(config, { role: 'worker' });
    const queues = new KumoQueues(connection, config);
    const workers: Worker[] = [];
    const rootRan = deferred<number>();
    let crawled = 0;
    try {
      workers.push(
        createKumoWorker<CrawlJobData, unknown>(
          'crawl',
          async (job) => {
            if (job.data.depth === 0) {
              const links = [1, 2, 3].map((i) => ({ crawlId: job.data.crawlId, url: `http://x/${i}`, depth: 1 }));
              await queues.addChildren('crawl', job.data.crawlId, links);
            }
            crawled++;
            return { status: 'fetched', links: 0 };
          },
          { connection, config, concurrency: 4 },
        ),
        createKumoWorker<AggregateJobData, unknown>(
          'aggregate',
          async () => {
            rootRan.resolve(crawled);
            return { status: 'completed', pages: crawled };
          },
          { connection, config, concurrency: 1 },
        ),
      );
      await queues.addCrawlFlow({ crawlId: 'cclusterflow', seeds: [{ url: 'http://x/' }] });
      expect(await rootRan.promise).toBe(4);
    } finally {
      await Promise.all(workers.map((worker) => worker.close()));
      await queues.close();
      connection.disconnect();
    }
  }, 30_000);
});
