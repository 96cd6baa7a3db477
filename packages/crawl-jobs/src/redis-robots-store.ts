import type { RobotsStore } from '@kumo/crawler';
import { PURPOSES, type KeyStore } from '@kumo/keyspace';
import { CrawlJobsKeys } from './crawl-jobs-keys.js';
import { CrawlJobsOptionsError } from './errors.js';

/** Options of {@link RedisRobotsStore}. */
export interface RedisRobotsStoreOptions {
  /** How long a fetched robots.txt is shared, in ms (`ROBOTS_CACHE_TTL_S` × 1000). Required. */
  ttlMs: number;
}

/**
 * The crawler's robots.txt store backed by Redis (`cache:robots:<origin>`, with a TTL), so every crawl process on
 * every machine fetches an origin's robots.txt once per TTL instead of once per process.
 */
export class RedisRobotsStore implements RobotsStore {
  readonly #store: KeyStore;
  readonly #ttlMs: number;
  readonly #keys: CrawlJobsKeys;

  constructor(store: KeyStore, options: RedisRobotsStoreOptions) {
    const max = PURPOSES.cache.maxTtlMs;
    if (!Number.isSafeInteger(options.ttlMs) || options.ttlMs <= 0 || options.ttlMs > max) {
      throw new CrawlJobsOptionsError(
        `ttlMs must be a positive integer of milliseconds up to ${max} (got ${String(options.ttlMs)})`,
      );
    }
    this.#store = store;
    this.#ttlMs = options.ttlMs;
    this.#keys = new CrawlJobsKeys(store.keySpace);
  }

  async get(origin: string): Promise<string | null> {
    return this.#store.get(this.#keys.robots(origin));
  }

  async set(origin: string, body: string): Promise<void> {
    await this.#store.set(this.#keys.robots(origin), body, this.#ttlMs);
  }
}
