import { createRedisClient, type RedisClient } from '@kumo/keyspace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, useStores } from './__fixtures__/crawl.js';
import { newCrawlId } from './crawl-records.js';
import { MAX_DELIVERIES_KEPT } from './webhook-deliveries.js';

const suite = useStores();
const SECRET = 'whsec-never-returned-0123';
/** Plays an owner index written long ago (its TTL nearly run out). */
let raw: RedisClient;
beforeAll(() => {
  raw = createRedisClient(suite.redis.url);
});
afterAll(async () => {
  await raw.quit();
});

async function crawlWithWebhook(secret: string | null = SECRET) {
  const id = newCrawlId();
  const webhook = { url: 'https://hooks.example.com/kumo', ...(secret === null ? {} : { secret }) };
  const created = await suite.stores.crawls.records.createCrawl({
    id,
    owner: 'owner-1',
    request: { ...request, webhook },
    createdAt: new Date(),
  });
  return { id, created };
}

describe("a crawl's webhook", () => {
  it('keeps the secret out of the request and the crawl as read back, and hands it to the deliverer', async () => {
    const { id, created } = await crawlWithWebhook();
    const read = await suite.stores.crawls.records.getCrawl(id);
    for (const state of [created, read]) {
      expect(JSON.stringify(state)).not.toContain(SECRET);
      expect(state?.crawl.request.webhook).toEqual({ url: 'https://hooks.example.com/kumo' });
      expect(state?.crawl.webhook).toEqual({ url: 'https://hooks.example.com/kumo', deliveries: [] });
    }
    expect(await suite.stores.crawls.webhooks.secret(id)).toBe(SECRET);
  });

  it('has no secret and no webhook field when none was asked for', async () => {
    const { id } = await crawlWithWebhook(null);
    expect(await suite.stores.crawls.webhooks.secret(id)).toBeUndefined();
    const plain = await suite.created();
    expect((await suite.stores.crawls.records.getCrawl(plain))?.crawl.webhook).toBeUndefined();
  });

  it('records attempts oldest first, keeping only the latest ones', async () => {
    const { id } = await crawlWithWebhook();
    const total = MAX_DELIVERIES_KEPT + 3;
    for (let attempt = 1; attempt <= total; attempt++) {
      await suite.stores.crawls.webhooks.recordAttempt(id, {
        at: new Date(Date.UTC(2026, 11, 4, 0, 0, attempt)).toISOString(),
        status: attempt === total ? 200 : 500,
        attempt,
        ...(attempt === total ? {} : { error: 'KUMO_WEBHOOKS_HTTP_STATUS' }),
      });
    }
    const deliveries = (await suite.stores.crawls.records.getCrawl(id))?.crawl.webhook?.deliveries ?? [];
    expect(deliveries.map((entry) => entry.attempt)).toEqual(
      Array.from({ length: MAX_DELIVERIES_KEPT }, (_, index) => index + 4),
    );
    expect(deliveries.at(-1)).toEqual({ at: '2026-12-04T00:00:23.000Z', status: 200, attempt: total });
    expect(deliveries[0]).toMatchObject({ status: 500, error: 'KUMO_WEBHOOKS_HTTP_STATUS' });
    expect(await suite.stores.store.pttl(suite.stores.keys.record(id))).toBeGreaterThan(0);
  });

  it("renews the owner's index with the record, so a crawl with deliveries stays listed as long as it lives", async () => {
    const { id } = await crawlWithWebhook();
    const { store, keys } = suite.stores;
    const index = keys.ownerCrawls('owner-1');
    // As if the crawl had settled long ago and its webhook were still being retried: record and index near expiry.
    await raw.pexpire(keys.record(id), 5_000);
    await raw.pexpire(index, 5_000);
    await suite.stores.crawls.webhooks.recordAttempt(id, { at: new Date().toISOString(), status: 500, attempt: 2 });
    const recordTtl = await store.pttl(keys.record(id));
    expect(recordTtl).toBeGreaterThan(3_500_000);
    expect(await store.pttl(index)).toBeGreaterThanOrEqual(recordTtl - 1000);
  });

  it('refuses to record an attempt of an unknown crawl, creating nothing', async () => {
    const id = newCrawlId();
    await expect(
      suite.stores.crawls.webhooks.recordAttempt(id, { at: new Date().toISOString(), status: 200, attempt: 1 }),
    ).rejects.toMatchObject({ code: 'KUMO_STATE_CRAWL_NOT_FOUND' });
    expect(await suite.stores.store.pttl(suite.stores.keys.record(id))).toBe(-2);
  });
});
