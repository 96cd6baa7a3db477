import type { RobotsStore } from '@kumo/crawler';
import { PURPOSES, type KeyStore } from '@kumo/keyspace';
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

  constructor(store: KeyStore, options: RedisRobotsStoreOptions) {
    const max = PURPOSES.cache.maxTtlMs;
    if (!Number.isSafeInteger(options.ttlMs) || options.ttlMs <= 0 || options.ttlMs > max) {
      throw new CrawlJobsOptionsError(
        `ttlMs must be a positive integer of milliseconds up to ${max} (got ${String(options.ttlMs)})`,
      );
    }
    this.#store = store;
    this.#ttlMs = options.ttlMs;
  }

  async get(origin: string): Promise<string | null> {
    return this.#store.get(this.#key(origin));
  }

  async set(origin: string, body: string): Promise<void> {
    await this.#store.set(this.#key(origin), body, this.#ttlMs);
  }

  #key(origin: string) {
    return this.#store.keySpace.key('cache', 'robots', origin);
  }
}
