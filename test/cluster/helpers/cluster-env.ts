import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '@kumo/config';
import { crawlRequestSchema, type CrawlRequestInput, type PageResult } from '@kumo/contract';
import { CrawlStore, newCrawlId } from '@kumo/crawl-state';
import { createRedisClient, crawlBucket, type KeyStore, type RedisClient } from '@kumo/keyspace';
import { parseClusterNodes, type ClusterNodeInfo } from '@kumo/local-redis';
import { createKeyStore, createRedisConnection, KumoQueues, waitUntilReady } from '@kumo/queues';
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

/** A test's view of one prefix on the cluster: what openCrawlClient of test/helpers gives, over REDIS_CLUSTER_NODES. */
export interface ClusterCrawlClient {
  readonly state: CrawlStore;
  readonly queues: KumoQueues;
  readonly store: KeyStore;
  readonly client: RedisClient;
  /** What `POST /v1/crawls` does; `bucket` draws crawl ids until one falls in that bucket. Returns the crawl id. */
  submit(request: CrawlRequestInput, options?: { bucket?: number }): Promise<string>;
  /** Every page of the crawl, in production order. */
  readPages(crawlId: string): Promise<PageResult[]>;
  /** Resolves with the crawl's status once it is terminal (the root aggregate job ran). */
  waitForEnd(crawlId: string, timeoutMs?: number): Promise<string>;
  close(): Promise<void>;
}

export async function openClusterCrawlClient(options: {
  redis: RedisEnv;
  prefix: string;
}): Promise<ClusterCrawlClient> {
  const config = loadConfig({ ...options.redis, KUMO_PREFIX: options.prefix, CRAWL_RETRY_BACKOFF_MS: '200' });
  const { client, store } = createKeyStore(config, 'command', 'kumo:test');
  const connection = createRedisConnection(config, { role: 'worker', name: 'kumo:test:queues' });
  await waitUntilReady(client, 20_000);
  const queues = new KumoQueues(connection, config);
  const state = new CrawlStore(store, { resultTtlMs: 600_000, tmpTtlMs: 600_000 });
  return {
    state,
    queues,
    store,
    client,
    async submit(input, { bucket } = {}) {
      const request = crawlRequestSchema.parse(input);
      let id = newCrawlId();
      while (bucket !== undefined && crawlBucket(id) !== bucket) id = newCrawlId();
      await state.createCrawl({ id, owner: 'test', request, createdAt: new Date() });
      const seeds = await state.admitUrls(id, request.urls, request.maxPages);
      await queues.addCrawlFlow({ crawlId: id, seeds: seeds.map((url) => ({ url })) });
      return id;
    },
    async readPages(crawlId) {
      const pages: PageResult[] = [];
      let cursor: string | undefined;
      for (;;) {
        const batch = await state.readPages(crawlId, { limit: 500, ...(cursor === undefined ? {} : { cursor }) });
        pages.push(...batch.items);
        if (batch.nextCursor === null || batch.items.length === 0) return pages;
        cursor = batch.nextCursor;
      }
    },
    async waitForEnd(crawlId, timeoutMs = 90_000) {
      const deadline = Date.now() + timeoutMs;
      let pause = 50;
      for (;;) {
        const status = (await state.getCrawl(crawlId))?.crawl.status;
        if (status === 'completed' || status === 'failed' || status === 'cancelled') return status;
        if (Date.now() > deadline) throw new Error(`crawl ${crawlId} still ${status} after ${timeoutMs} ms`);
        await sleep(pause);
        pause = Math.min(pause * 2, 250);
      }
    },
    async close() {
      await queues.close();
      await connection.quit();
      await store.close();
    },
  };
}
