import { setTimeout as sleep } from 'node:timers/promises';
import { StreamMultiplexer } from '@kumo/api';
import type { PageResult } from '@kumo/contract';
import { newCrawlId, type CrawlEvent } from '@kumo/crawl-state';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startInProcessApi, type InProcessApi } from '../helpers/api-harness.js';
import { uniquePrefix } from '../helpers/env.js';
import { countClients } from '../helpers/redis-admin.js';

const redis = inject('redisEnv');
const prefix = uniquePrefix('apim');
let api: InProcessApi;

beforeAll(async () => {
  api = await startInProcessApi({ redis, prefix });
});

afterAll(async () => {
  await api?.close();
});

function page(url: string): PageResult {
  return { url, finalUrl: url, depth: 0, status: 'fetched', timings: { fetchMs: 1 } };
}

async function newCrawl(bucket?: number): Promise<string> {
  let id = newCrawlId();
  while (bucket !== undefined && api.resources.crawls.live.bucketOf(id) !== bucket) id = newCrawlId();
  await api.resources.crawls.records.createCrawl({
    id,
    owner: 'test',
    request: { urls: ['http://127.0.0.1:9/'], maxDepth: 1, maxPages: 100, scope: 'same-host', analyze: true },
    createdAt: new Date(),
  });
  return id;
}

/** Every event of the stream after `after`, straight from Redis: what a subscriber must have seen. */
async function streamIds(id: string, after?: string): Promise<string[]> {
  const events = await api.resources.crawls.results.readEvents(id, { count: 100_000, ...(after ? { after } : {}) });
  return events.map((event) => event.id);
}

/** Reader connections of this prefix in CLIENT LIST (on a cluster: reader clients, each connected to every node). */
function readerConnections(): Promise<number> {
  return countClients(redis, new RegExp(` name=kumo:api-sse:${prefix} `));
}

function collect(multiplexer: StreamMultiplexer, id: string, after?: string) {
  const events: CrawlEvent[] = [];
  const subscription = multiplexer.subscribe(id, {
    ...(after === undefined ? {} : { after }),
    onEvent: async (event) => {
      events.push(event);
      // A slow consumer during replay: the live buffer must bridge the gap.
      if (events.length % 7 === 0) await sleep(1);
    },
  });
  return { events, subscription };
}

describe('StreamMultiplexer', () => {
  it('gives subscribers joining at any moment every event once, in order, while a writer appends', async () => {
    const id = await newCrawl();
    const multiplexer = api.api.multiplexer;
    const subscribers: ReturnType<typeof collect>[] = [];
    let written = 0;
    const writer = (async () => {
      for (let i = 0; i < 300; i++) {
        await api.resources.crawls.results.appendPage(id, page(`http://127.0.0.1:9/p${i}`));
        written++;
        if (i % 25 === 0) await sleep(5);
      }
    })();
    // Join throughout the writing: some replay much, some little, some nothing.
    while (written < 300) {
      subscribers.push(collect(multiplexer, id));
      await sleep(10);
    }
    await writer;
    const all = await streamIds(id);
    expect(all.length).toBeGreaterThanOrEqual(300);
    for (const [index, subscriber] of subscribers.entries()) {
      await expect.poll(() => subscriber.events.length, { timeout: 10_000 }).toBe(all.length);
      expect(
        subscriber.events.map((event) => event.id),
        `subscriber ${index}`,
      ).toEqual(all);
      subscriber.subscription.close();
    }
    expect(subscribers.length).toBeGreaterThan(5);
  });

  it('resumes after a given id with nothing lost or repeated', async () => {
    const id = await newCrawl();
    for (let i = 0; i < 20; i++) await api.resources.crawls.results.appendPage(id, page(`http://127.0.0.1:9/r${i}`));
    const all = await streamIds(id);
    const after = all[9]!;
    const { events, subscription } = collect(api.api.multiplexer, id, after);
    await subscription.ready;
    for (let i = 20; i < 30; i++) await api.resources.crawls.results.appendPage(id, page(`http://127.0.0.1:9/r${i}`));
    const expected = await streamIds(id, after);
    await expect.poll(() => events.length, { timeout: 10_000 }).toBe(expected.length);
    expect(events.map((event) => event.id)).toEqual(expected);
    subscription.close();
  });

  it('uses one blocking connection per active bucket and closes it when the bucket has no subscriber', async () => {
    const multiplexer = new StreamMultiplexer({
      store: api.resources.crawls,
      openReader: api.resources.openReader,
      blockMs: 60_000,
    });
    try {
      const buckets = [3, 17, 42];
      const crawls = await Promise.all(buckets.flatMap((bucket) => [newCrawl(bucket), newCrawl(bucket)]));
      const subscriptions = crawls.flatMap((id) => [collect(multiplexer, id), collect(multiplexer, id)]);
      await Promise.all(subscriptions.map(({ subscription }) => subscription.ready));
      expect(multiplexer.activeReaders).toBe(3);
      expect(multiplexer.subscribers).toBe(12);
      await expect.poll(readerConnections, { timeout: 5000 }).toBe(3);

      // The second crawl of bucket 3 was followed while its reader was blocked for up to 60 s: the wake stream
      // re-armed it, so a new event arrives long before the block would time out.
      const late = await newCrawl(3);
      const { events, subscription } = collect(multiplexer, late);
      await subscription.ready;
      await api.resources.crawls.results.appendPage(late, page('http://127.0.0.1:9/late'));
      // appendPage may add a throttled `progress` event too.
      const expected = await streamIds(late);
      expect(expected.length).toBeGreaterThanOrEqual(1);
      await expect.poll(() => events.map((event) => event.id), { timeout: 5000 }).toEqual(expected);
      expect(multiplexer.activeReaders).toBe(3);

      subscription.close();
      for (const { subscription: each } of subscriptions) each.close();
      await expect.poll(() => multiplexer.activeReaders, { timeout: 5000 }).toBe(0);
      await expect.poll(readerConnections, { timeout: 5000 }).toBe(0);
    } finally {
      await multiplexer.close();
    }
  });
});
