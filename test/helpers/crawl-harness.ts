import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '@kumo/config';
import { crawlRequestSchema, type CrawlRequestInput, type PageResult } from '@kumo/contract';
import { CrawlKeys, CrawlStore, newCrawlId } from '@kumo/crawl-state';
import { crawlBucket, type KeyStore, type RedisClient } from '@kumo/keyspace';
import { createKeyStore, createRedisConnection, KumoQueues } from '@kumo/queues';
import { redisEnvOf, type RedisEnv } from './env.js';

/**
 * A test's view of one kumo prefix in Redis: submits crawls the way the API does and reads their results,
 * without running the API. Close it at the end of the test file.
 */
export interface CrawlClient {
  readonly state: CrawlStore;
  /** The crawl key builder, for tests that look at keys around kumo (which master holds them, their TTLs). */
  readonly keys: CrawlKeys;
  readonly queues: KumoQueues;
  readonly store: KeyStore;
  /** The store's own connection, for commands a test sends around kumo (a cluster client on a cluster). */
  readonly client: RedisClient;
  /**
   * What `POST /v1/crawls` does: the record, the seeds admitted into the seen-set, the flow. `bucket` draws crawl
   * ids until one falls in that bucket (to place a crawl's keys on a chosen master); `previousId` makes it a
   * schedule's later run (conditional re-fetch, report diff). Returns the crawl id.
   */
  submit(request: CrawlRequestInput, options?: { bucket?: number; previousId?: string }): Promise<string>;
  /**
   * Resolves once the crawl queue holds no waiting, delayed, prioritized or active job on `quietPolls` polls in a
   * row. Sound because a crawl job adds its children before it completes and every move out of `active` is atomic;
   * a job of a killed process stays `active` until BullMQ's stalled check moves it back.
   */
  waitForCrawlDrained(options?: { timeoutMs?: number; quietPolls?: number }): Promise<void>;
  /** Every page of the crawl, in production order (all pages of the cursor walk). */
  readPages(crawlId: string): Promise<PageResult[]>;
  /** The state of the crawl's root `aggregate` job (`waiting-children` until every child is done). */
  rootState(crawlId: string): Promise<string>;
  /** Resolves with the crawl's status once it is terminal (the root aggregate job ran). */
  waitForEnd(crawlId: string, timeoutMs?: number): Promise<string>;
  close(): Promise<void>;
}

export function openCrawlClient(options: { redisUrl?: string; redis?: RedisEnv; prefix: string }): CrawlClient {
  const config = loadConfig({
    ...redisEnvOf(options),
    KUMO_PREFIX: options.prefix,
    CRAWL_RETRY_BACKOFF_MS: '200',
  });
  const { client, store } = createKeyStore(config, 'command', 'kumo:test');
  const connection: RedisClient = createRedisConnection(config, { role: 'worker', name: 'kumo:test:queues' });
  // Tests stop Redis (or a cluster master) on purpose; commands report it, the connections' events need no noise.
  for (const redis of [client, connection]) redis.on('error', () => undefined);
  const queues = new KumoQueues(connection, config);
  const state = new CrawlStore(store, { resultTtlMs: 600_000, tmpTtlMs: 600_000 });

  return {
    state,
    keys: new CrawlKeys(store.keySpace),
    queues,
    store,
    client,
    async submit(input, { bucket, previousId } = {}) {
      const request = crawlRequestSchema.parse(input);
      let id = newCrawlId();
      while (bucket !== undefined && crawlBucket(id) !== bucket) id = newCrawlId();
      await state.lifecycle.startCrawl(
        {
          id,
          owner: 'test',
          request,
          seeds: request.urls,
          createdAt: new Date(),
          ...(previousId === undefined ? {} : { previousId }),
        },
        queues,
      );
      return id;
    },
    async waitForCrawlDrained({ timeoutMs = 60_000, quietPolls = 3 } = {}) {
      const deadline = Date.now() + timeoutMs;
      let quiet = 0;
      while (Date.now() < deadline) {
        const counts = await queues.crawl.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
        quiet = Object.values(counts).every((n) => n === 0) ? quiet + 1 : 0;
        if (quiet >= quietPolls) return;
        await sleep(100);
      }
      const counts = await queues.crawl.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      throw new Error(`crawl queue not drained after ${timeoutMs} ms: ${JSON.stringify(counts)}`);
    },
    async readPages(crawlId) {
      const pages: PageResult[] = [];
      let cursor: string | undefined;
      for (;;) {
        const batch = await state.pages.readPages(crawlId, { limit: 500, ...(cursor === undefined ? {} : { cursor }) });
        pages.push(...batch.items);
        if (batch.nextCursor === null || batch.items.length === 0) return pages;
        cursor = batch.nextCursor;
      }
    },
    async rootState(crawlId) {
      const root = await queues.aggregate.getJob(crawlId);
      return root ? await root.getState() : 'missing';
    },
    async waitForEnd(crawlId, timeoutMs = 90_000) {
      const deadline = Date.now() + timeoutMs;
      let pause = 50;
      for (;;) {
        const status = (await state.records.getCrawl(crawlId))?.crawl.status;
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

/** Pages by URL; fails the test when a URL appears twice in the result stream. */
export function pagesByUrl(pages: readonly PageResult[]): Map<string, PageResult> {
  const byUrl = new Map<string, PageResult>();
  const duplicates: string[] = [];
  for (const page of pages) {
    if (byUrl.has(page.url)) duplicates.push(page.url);
    byUrl.set(page.url, page);
  }
  if (duplicates.length > 0) throw new Error(`URLs recorded more than once: ${duplicates.slice(0, 10).join(', ')}`);
  return byUrl;
}
