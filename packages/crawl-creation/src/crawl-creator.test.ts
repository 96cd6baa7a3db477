import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CrawlStore, IdempotencyStore } from '@kumo/crawl-state';
import { createRedisClient, KeySpace, KeyStore } from '@kumo/keyspace';
import { startEmbeddedRedis, type RedisHandle } from '@kumo/local-redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CrawlCreator, type CrawlCreatorDeps } from './crawl-creator.js';

let redis: RedisHandle;
let dir: string;
let store: KeyStore;
let crawls: CrawlStore;
/** The flows the creator added, by crawl id. */
const flows = new Map<string, readonly { url: string; depth: number }[]>();
const counts = { running: 0, backlog: 0 };

const settings: CrawlCreatorDeps['settings'] = {
  CRAWL_HOST_DELAY_MS: 100,
  CRAWL_HOST_CONCURRENCY: 2,
  CRAWL_ALLOWED_HEADERS: ['accept-language'],
  CRAWL_ALLOW_HOSTS: [],
  API_PORT: 3000,
  CRAWL_WORKER_METRICS_PORT: 9101,
  ANALYSIS_WORKER_METRICS_PORT: 9102,
  API_MAX_RUNNING_CRAWLS: 5,
  API_MAX_QUEUE_BACKLOG: 1000,
};

function creator(): CrawlCreator {
  return new CrawlCreator({
    settings,
    crawls,
    idempotency: new IdempotencyStore(store),
    queues: {
      addCrawlFlow: async ({ crawlId, seeds }) => flows.set(crawlId, seeds),
      runningCrawls: async () => counts.running,
      backlog: async () => counts.backlog,
    },
  });
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'kumo-crawl-creation-'));
  redis = await startEmbeddedRedis({ dir });
  store = new KeyStore(createRedisClient(redis.url), new KeySpace({ prefix: 'cc' }));
  crawls = new CrawlStore(store, { resultTtlMs: 600_000, tmpTtlMs: 600_000 });
});

afterAll(async () => {
  await store?.close();
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('CrawlCreator', () => {
  it('creates a queued crawl with its normalised seeds, and a schedule run with scheduleId and previousId', async () => {
    const creation = creator();
    const request = creation.parse({ urls: ['HTTP://Example.COM/a#x', 'http://example.com/a'] });
    const plain = await creation.create({ owner: 'o1', request });
    expect(plain).toMatchObject({ status: 'queued', replayed: false });
    expect(flows.get(plain.id)).toEqual([{ url: 'http://example.com/a', depth: 0 }]);
    const plainCrawl = (await crawls.records.getCrawl(plain.id))!.crawl;
    expect(plainCrawl).not.toHaveProperty('scheduleId');

    const run = await creation.create({ owner: 'o1', request, scheduleId: 's1', previousId: plain.id });
    const state = await crawls.records.getCrawl(run.id);
    expect(state).toMatchObject({ owner: 'o1', crawl: { status: 'queued', scheduleId: 's1', previousId: plain.id } });
  });

  it('answers a retried idempotency key with the crawl it created, and refuses it with another body', async () => {
    const creation = creator();
    const request = creation.parse({ urls: ['http://example.com/'] });
    const first = await creation.create({ owner: 'o2', request, idempotencyKey: 'k1', scheduleId: 's2' });
    const again = await creation.create({ owner: 'o2', request, idempotencyKey: 'k1', scheduleId: 's2' });
    expect(again).toEqual({ id: first.id, status: 'queued', replayed: true });
    await expect(
      creation.create({ owner: 'o2', request: { ...request, maxDepth: 3 }, idempotencyKey: 'k1' }),
    ).rejects.toMatchObject({ code: 'KUMO_CREATION_IDEMPOTENCY_CONFLICT' });
    // Another owner's key of the same name is its own.
    expect((await creation.create({ owner: 'o3', request, idempotencyKey: 'k1' })).id).not.toBe(first.id);
  });

  it.each([
    ['store', { store: ['text'] }],
    ['glossary', { glossary: [{ term: '雲海', reading: 'ウンカイ' }] }],
  ])('refuses a retried idempotency key whose body differs only in %s', async (_name, extra) => {
    const creation = creator();
    const request = creation.parse({ urls: ['http://example.com/'] });
    await creation.create({ owner: 'o6', request, idempotencyKey: `k-${_name}` });
    await expect(
      creation.create({ owner: 'o6', request: creation.parse({ ...request, ...extra }), idempotencyKey: `k-${_name}` }),
    ).rejects.toMatchObject({ code: 'KUMO_CREATION_IDEMPOTENCY_CONFLICT' });
  });

  it("answers a retried schedule run with the previousId its crawl was created with, not the retry's", async () => {
    const creation = creator();
    const request = creation.parse({ urls: ['http://example.com/'] });
    const run = { owner: 'o5', request, idempotencyKey: 'run-1', scheduleId: 's5' };
    const first = await creation.create({ ...run, previousId: 'cearlier' });
    expect(first).toEqual({ id: first.id, status: 'queued', replayed: false, previousId: 'cearlier' });
    // The schedule moved on meanwhile (a later run recorded its crawl): the retry still answers the first's.
    expect(await creation.create({ ...run, previousId: 'clater' })).toEqual({ ...first, replayed: true });
  });

  it.each([
    ['not an object', [], ''],
    ['the schema', { urls: [], maxDepth: 11 }, 'urls'],
    ['an unknown field', { urls: ['http://example.com/'], cron: '* * * * *' }, 'cron'],
    ['a looser politeness', { urls: ['http://example.com/'], politeness: { delayMs: 1 } }, 'politeness.delayMs'],
    ['a header not allowed', { urls: ['http://example.com/'], headers: { Cookie: 'a' } }, 'headers.Cookie'],
    [
      'a private webhook address',
      { urls: ['http://example.com/'], webhook: { url: 'http://10.0.0.1/' } },
      'webhook.url',
    ],
  ])('refuses %s with field errors', (_what, body, path) => {
    expect(() => creator().parse(body)).toThrow(
      expect.objectContaining({
        code: 'KUMO_CREATION_INVALID_REQUEST',
        errors: expect.arrayContaining([expect.objectContaining({ path })]),
      }),
    );
  });

  it('refuses a crawl when admission control says too much is in flight, creating nothing', async () => {
    const creation = creator();
    counts.running = 5;
    try {
      const request = creation.parse({ urls: ['http://example.com/'] });
      const before = flows.size;
      await expect(creation.create({ owner: 'o4', request })).rejects.toMatchObject({
        code: 'KUMO_CREATION_OVERLOADED',
        retryAfterS: 30,
      });
      expect(flows.size).toBe(before);
      expect((await crawls.listing.listCrawls('o4')).items).toEqual([]);
    } finally {
      counts.running = 0;
    }
  });
});
