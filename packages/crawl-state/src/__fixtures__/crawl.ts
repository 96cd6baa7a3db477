import { randomUUID } from 'node:crypto';
import type { Analysis, CrawlRequest, PageResult } from '@kumo/contract';
import { createRedisClient, KeySpace, KeyStore } from '@kumo/keyspace';
import { afterAll, beforeAll } from 'vitest';
import { newCrawlId } from '../crawl-records.js';
import { CrawlKeys } from '../crawl-keys.js';
import { CrawlStore } from '../crawl-store.js';
import type { CrawlStoreOptions } from '../state-context.js';
import { startTestRedis } from './redis.js';

export const request: CrawlRequest = {
  urls: ['http://127.0.0.1:1/'],
  maxDepth: 1,
  maxPages: 100,
  scope: 'same-host',
  analyze: true,
};

export function page(url: string, status: PageResult['status'] = 'fetched'): PageResult {
  return { url, finalUrl: url, depth: 1, status, httpStatus: 200, title: `title of ${url}`, timings: { fetchMs: 3 } };
}

export function analysis(tokens: number): Analysis {
  return { tokens, terms: [{ term: '雲', reading: 'クモ', pos: '名詞', count: tokens }], phrases: [] };
}

/** A KeyStore on its own connection under a random prefix, a CrawlStore over it, and its key builder. */
export function openStores(url: string, prefix = `s${randomUUID().slice(0, 8)}`, options?: Partial<CrawlStoreOptions>) {
  const keySpace = new KeySpace({ prefix });
  const store = new KeyStore(createRedisClient(url), keySpace);
  const crawls = new CrawlStore(store, { resultTtlMs: 3_600_000, tmpTtlMs: 600_000, ...options });
  return { prefix, keySpace, store, crawls, keys: new CrawlKeys(keySpace) };
}

/** Creates a `queued` crawl record and returns its id. */
export async function createdCrawl(
  crawls: CrawlStore,
  owner = 'owner-1',
  createdAt = new Date('2026-11-22T00:00:00Z'),
) {
  const id = newCrawlId();
  await crawls.records.createCrawl({ id, owner, request, createdAt });
  return id;
}

/**
 * A private Redis for the test file and stores over it (`suite.stores.crawls`, `suite.stores.keys`, …), opened
 * before its tests and closed after them; `suite.created()` creates a `queued` crawl in them.
 */
export function useStores(options?: Partial<CrawlStoreOptions>) {
  const suite = {
    created: (owner?: string) => createdCrawl(suite.stores.crawls, owner),
  } as {
    redis: Awaited<ReturnType<typeof startTestRedis>>;
    stores: ReturnType<typeof openStores>;
    created: (owner?: string) => Promise<string>;
  };
  beforeAll(async () => {
    suite.redis = await startTestRedis();
    suite.stores = openStores(suite.redis.url, undefined, options);
  });
  afterAll(async () => {
    await suite.stores?.store.close();
    await suite.redis?.stop();
  });
  return suite;
}
