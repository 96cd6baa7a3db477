import { describe, expect, it } from 'vitest';
import { useStores } from './__fixtures__/crawl.js';
import { IdempotencyStore } from './idempotency-store.js';

const suite = useStores();

describe('IdempotencyStore', () => {
  it('remembers an idempotency key once', async () => {
    const idempotency = new IdempotencyStore(suite.stores.store);
    expect(await idempotency.rememberIdempotency('owner-1', 'key {1}', 'hash-a', 'c1')).toEqual({ created: true });
    expect(await idempotency.rememberIdempotency('owner-1', 'key {1}', 'hash-b', 'c2')).toEqual({
      created: false,
      crawlId: 'c1',
      bodyHash: 'hash-a',
    });
    expect(await idempotency.rememberIdempotency('owner-2', 'key {1}', 'hash-b', 'c3')).toEqual({ created: true });
    const ttl = await suite.stores.store.pttl(suite.stores.keys.idempotency('owner-1', 'key {1}'));
    expect(ttl).toBeGreaterThan(23 * 3_600_000);
    expect(ttl).toBeLessThanOrEqual(24 * 3_600_000);
  });
});
