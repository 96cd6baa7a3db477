import { randomUUID } from 'node:crypto';
import type { Analysis, CrawlRequest, PageResult } from '@kumo/contract';
import { createRedisClient, KeySpace, KeyStore } from '@kumo/keyspace';
import { CrawlStore, type CrawlStoreOptions } from '../crawl-store.js';

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

/** A KeyStore on its own connection under a random prefix, and a CrawlStore over it. */
export function openStores(url: string, prefix = `s${randomUUID().slice(0, 8)}`, options?: Partial<CrawlStoreOptions>) {
  const keySpace = new KeySpace({ prefix });
  const store = new KeyStore(createRedisClient(url), keySpace);
  const crawls = new CrawlStore(store, { resultTtlMs: 3_600_000, tmpTtlMs: 600_000, ...options });
  return { prefix, keySpace, store, crawls };
}
