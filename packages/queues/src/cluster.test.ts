import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { RedisConnection, type Worker } from 'bullmq';
import { loadConfig } from '@kumo/config';
import { checkRedisServer, createRedisClient, loadCommands, type KeyStore } from '@kumo/keyspace';
import { startRedisCluster, type RedisClusterHandle } from '@kumo/local-redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deferred } from './__fixtures__/setup.js';
import { createKeyStore, createRedisConnection, waitUntilReady } from './connection.js';
import { auditKeyspace } from './key-audit.js';
import type { AggregateJobData, CrawlJobData } from './names.js';
import { KumoQueues } from './queues.js';
import { createKumoWorker } from './worker.js';

/** A local cluster of three masters in a temp dir of its own, removed again by `stop()`. */
async function startTestCluster(options: { nodeTimeoutMs?: number } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'kumo-queues-cluster-'));
  try {
    const cluster = await startRedisCluster({ dir, masters: 3, replicasPerMaster: 0, ...options });
    return {
      cluster,
      async stop() {
        await cluster.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

// A real 3-master cluster: keys of different tags land on different masters, so a cross-slot mistake fails here.
let cluster: RedisClusterHandle;
let stopCluster: () => Promise<void>;
let config: ReturnType<typeof loadConfig>;
let store: KeyStore;
let handle: ReturnType<typeof createKeyStore>;

beforeAll(async () => {
  ({ cluster, stop: stopCluster } = await startTestCluster());
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
  await stopCluster?.();
});

describe('on a Redis Cluster', () => {
  it('runs key-store writes, scripts, blocking reads and the audit across masters', async () => {
    const { keySpace } = handle;
    expect(handle.client.isCluster).toBe(true);
    expect((await checkRedisServer(handle.client)).maxmemoryPolicy).toBe('noeviction');
    // Crawls in many buckets: their keys spread over all three masters.
    for (let i = 0; i < 40; i++) {
      const crawlId = `c${i}`;
      await store.set(keySpace.crawlKey('result', crawlId, 'crawl'), 'queued', 60_000);
      await store.incrBy(keySpace.crawlKey('tmp', crawlId, 'seen'), 2, 60_000);
      await store.xAdd(keySpace.crawlKey('result', crawlId, 'events'), { type: 'page' }, 60_000);
      await store.del(keySpace.crawlKey('tmp', crawlId, 'seen'), keySpace.crawlKey('result', crawlId, 'crawl'));
    }
    const script = store.bindCommands(loadCommands(new URL('./__fixtures__/', import.meta.url), ['touch'])).touch;
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

describe('a cluster client while a master is down (cluster_state:fail)', () => {
  let down: Awaited<ReturnType<typeof startTestCluster>>;

  beforeAll(async () => {
    down = await startTestCluster({ nodeTimeoutMs: 1000 });
    await down.cluster.killNode(down.cluster.ports[0]!);
    // The survivors mark the dead master failed after the node timeout; its slots are then uncovered.
    const survivor = createRedisClient(`redis://${down.cluster.nodes[1]}`, { maxRetriesPerRequest: 1 });
    try {
      while (!String(await survivor.call('CLUSTER', 'INFO')).includes('cluster_state:fail')) await sleep(100);
    } finally {
      survivor.disconnect();
    }
  }, 60_000);

  afterAll(async () => {
    await down?.stop();
  });

  // The window between a master's death and its replica's promotion. With ioredis' ready check, connect() loads the
  // slot map, fails the check and reconnects by itself, never settling that connect(): BullMQ awaits such a connect()
  // when it resets an idle worker's blocking connection, and the worker hung forever after a failover.
  it('becomes ready, and a reconnect (what BullMQ does after its blocking watchdog fires) settles', async () => {
    const client = createRedisConnection(
      { REDIS_CLUSTER_NODES: [...down.cluster.nodes], REDIS_URL: undefined },
      { role: 'worker' },
    );
    client.on('error', () => undefined);
    try {
      await waitUntilReady(client, 10_000);
      const ended = new Promise((resolve) => client.once('end', resolve));
      client.disconnect();
      await ended;
      let timer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([
        client.connect().then(
          () => 'connected',
          (error: unknown) => `failed: ${String(error)}`,
        ),
        new Promise((resolve) => {
          timer = setTimeout(() => resolve('connect() never settled'), 10_000);
        }),
      ]);
      clearTimeout(timer);
      expect(outcome).toBe('connected');
    } finally {
      client.disconnect();
    }
  }, 30_000);
  /**
   * Whether the liveness watchdog (liveness-watchdog.ts, docs/decisions/0007-liveness-watchdog.md) is still needed on
   * the pinned BullMQ. After its BZPOPMIN watchdog fires, BullMQ resets the blocking connection exactly like this
   * (`resetBlockedConnection`: `disconnect(true)`, then `RedisConnection.reconnect()`) and awaits it with no deadline.
   * With ioredis' default ready check that wait never ends while a master is down (the worker's fetch loop is wedged);
   * with kumo's connection (no ready check) it settles. The day the first half fails, BullMQ or ioredis bound that wait
   * and the watchdog may go.
   */
  it("BullMQ's blocking-connection reset still waits forever on a cluster client with ioredis' ready check", async () => {
    const settles = async (readyCheck: boolean) => {
      const client = createRedisConnection(
        { REDIS_CLUSTER_NODES: [...down.cluster.nodes], REDIS_URL: undefined },
        { role: 'worker' },
      );
      client.on('error', () => undefined);
      const connection = new RedisConnection(client, { shared: false, blocking: true, skipVersionCheck: true });
      connection.on('error', () => undefined);
      try {
        await waitUntilReady(client, 10_000);
        await connection.client;
        // ioredis' default for a Cluster, which createRedisConnection turns off.
        (client.options as { enableReadyCheck?: boolean }).enableReadyCheck = readyCheck;
        await connection.disconnect(true);
        let timer: NodeJS.Timeout | undefined;
        const outcome = await Promise.race([
          connection.reconnect().then(
            () => 'settled',
            (error: unknown) => `failed: ${String(error)}`,
          ),
          new Promise((resolve) => {
            timer = setTimeout(() => resolve('never settled'), 10_000);
          }),
        ]);
        clearTimeout(timer);
        return outcome;
      } finally {
        client.disconnect();
      }
    };
    expect(await settles(false)).toBe('settled');
    expect(await settles(true)).toBe('never settled');
  }, 60_000);
});
