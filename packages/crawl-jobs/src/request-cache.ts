import type { CrawlRequest } from '@kumo/contract';

/**
 * A small LRU of crawl requests by crawl id. A request never changes after the crawl is created, so a process
 * reads it from Redis once per crawl instead of once per page.
 */
export class RequestCache {
  readonly #entries = new Map<string, CrawlRequest>();
  readonly #size: number;

  constructor(size: number) {
    this.#size = Math.max(1, Math.floor(size));
  }

  get(crawlId: string): CrawlRequest | undefined {
    const request = this.#entries.get(crawlId);
    if (request !== undefined) {
      // Re-insert: Map keeps insertion order, so the first key is always the least recently used.
      this.#entries.delete(crawlId);
      this.#entries.set(crawlId, request);
    }
    return request;
  }

  set(crawlId: string, request: CrawlRequest): void {
    this.#entries.delete(crawlId);
    this.#entries.set(crawlId, request);
    if (this.#entries.size > this.#size) this.#entries.delete(this.#entries.keys().next().value as string);
  }
}
