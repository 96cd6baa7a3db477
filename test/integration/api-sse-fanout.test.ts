import http from 'node:http';
import { doneEventSchema } from '@kumo/contract';
import { generateSite, startSiteServer, type SiteServer } from '@kumo/sample-site';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { postCrawl } from '../helpers/api-harness.js';
import { sampleApiConnections, startSystem, type RunningSystem } from '../helpers/api-processes.js';
import { openSse, type SseStream } from '../helpers/api-sse.js';
import { uniquePrefix } from '../helpers/env.js';

const redis = inject('redisEnv');
const prefix = uniquePrefix('apif');
const CLIENTS = 1000;
let system: RunningSystem;
let site: SiteServer;

beforeAll(async () => {
  site = await startSiteServer({
    site: generateSite({ pages: 30, seed: 'api-fanout', linksPerPage: 3, bytesPerPage: 2000 }),
  });
  system = await startSystem({
    redis,
    prefix,
    // One request at a time with a pause: the crawl runs for a few seconds while the clients connect.
    overrides: { CRAWL_HOST_CONCURRENCY: '1', CRAWL_HOST_DELAY_MS: '100' },
  });
});

afterAll(async () => {
  await system?.stop();
  await site?.close();
});

function request(path: string, init: RequestInit = {}) {
  return system.request(path, init);
}

describe('SSE fan-out', () => {
  it(`delivers every event to ${CLIENTS} concurrent clients of one API process with a constant number of Redis connections`, async () => {
    const response = await postCrawl({ request }, { urls: [`${site.url}/index.html`], maxDepth: 10, maxPages: 1000 });
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };
    const eventsUrl = `${system.url}/v1/crawls/${id}/events`;

    // Baseline: the API's connections with one stream open (its command connection and one bucket reader).
    const connections = sampleApiConnections(redis, prefix);
    const first = openSse(eventsUrl, { key: system.key });
    await first.waitForEvents(1);
    await expect.poll(connections.count, { timeout: 5000 }).toBeGreaterThan(0);
    const baseline = await connections.count();

    const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
    const clients: SseStream[] = [first];
    // Connect in waves while the crawl runs, so clients join at every stage: replay, buffered, live.
    for (let wave = 0; clients.length < CLIENTS; wave++) {
      for (let i = 0; i < 100 && clients.length < CLIENTS; i++)
        clients.push(openSse(eventsUrl, { key: system.key, agent }));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const statuses = await Promise.all(clients.map((client) => client.status));
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    const ended = await Promise.all(clients.map((client) => client.ended));
    await connections.stop();
    agent.destroy();

    // The full stream, read once more from the start after the end.
    const reference = await openSse(eventsUrl, { key: system.key }).ended;
    const last = reference.at(-1);
    expect(last?.event).toBe('done');
    expect(doneEventSchema.parse(JSON.parse(last!.data)).status).toBe('completed');
    expect(reference.filter((event) => event.event === 'page').length).toBeGreaterThanOrEqual(30);
    const referenceIds = reference.map((event) => event.id);
    expect(new Set(referenceIds).size).toBe(referenceIds.length);

    let mismatches = 0;
    for (const events of ended) {
      const ids = events.map((event) => event.id);
      if (ids.length !== referenceIds.length || ids.some((value, index) => value !== referenceIds[index])) mismatches++;
    }
    expect(mismatches, `${mismatches} of ${ended.length} clients did not get exactly the full stream`).toBe(0);

    // Constant: a thousand streams cost no more Redis connections than one.
    expect(connections.samples.length).toBeGreaterThan(3);
    expect(Math.max(...connections.samples), connections.samples.join(',')).toBeLessThanOrEqual(baseline);
    expect(baseline).toBeLessThanOrEqual(3);
  });
});
