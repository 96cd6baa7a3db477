import type { KeyStore } from '@kumo/keyspace';
import { CrawlKeys } from './crawl-keys.js';

export type IdempotencyResult = { created: true } | { created: false; crawlId: string; bodyHash: string };

/** Idempotency keys live 24 h (CONTRACT.md). */
const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * The API's `Idempotency-Key` memory (`result:idempotency:<owner>:<hash>`): HTTP semantics, not crawl state, so it
 * is not part of `CrawlStore`. Only the API uses it.
 */
export class IdempotencyStore {
  private readonly keys: CrawlKeys;

  constructor(private readonly store: KeyStore) {
    this.keys = new CrawlKeys(store.keySpace);
  }

  /**
   * Remembers `Idempotency-Key` → crawl for 24 h (SET NX). `created: false` returns what the first request
   * stored, so the API answers 200 (same body hash) or 409 (different). `owner` is a key segment: no `{` or `}`.
   */
  async rememberIdempotency(owner: string, key: string, bodyHash: string, crawlId: string): Promise<IdempotencyResult> {
    const redisKey = this.keys.idempotency(owner, key);
    const value = JSON.stringify({ crawlId, bodyHash });
    // Twice: the existing key may expire between SET NX and GET.
    for (let attempt = 0; attempt < 2; attempt++) {
      if (await this.store.setNx(redisKey, value, IDEMPOTENCY_TTL_MS)) return { created: true };
      const existing = await this.store.get(redisKey);
      if (existing !== null) {
        const parsed = JSON.parse(existing) as { crawlId: string; bodyHash: string };
        return { created: false, crawlId: parsed.crawlId, bodyHash: parsed.bodyHash };
      }
    }
    return { created: true };
  }
}
