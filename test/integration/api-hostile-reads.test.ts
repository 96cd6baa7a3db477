import { encodeCursor } from '@kumo/crawl-state';
import { generateSite, startSiteServer, type SiteServer } from '@kumo/sample-site';
import { EventSource } from 'eventsource';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { startAcceptedCrawl } from '../helpers/api-harness.js';
import { startSystem, type RunningSystem } from '../helpers/api-processes.js';
import { openSse, type SseEvent } from '../helpers/api-sse.js';
import { uniquePrefix } from '../helpers/env.js';

/**
 * Hostile reads of issue 21 (points 4 and 5): ids, cursors and event ids that are malformed or out of range answer
 * 400 problems (never a 500, never a stream told to retry), and a stream that reached `done` stays ended.
 */
const redisUrl = inject('redisUrl');
const MAX = '18446744073709551615';
let system: RunningSystem;
let site: SiteServer;
let slowSite: SiteServer;
let crawlId: string;
let stream: SseEvent[];

function request(path: string, init: RequestInit = {}) {
  return system.request(path, init);
}

function startCrawl(body: unknown): Promise<string> {
  return startAcceptedCrawl(system, body);
}

async function expectValidationProblem(response: Response, path: string): Promise<void> {
  const text = await response.text();
  expect(response.status, text).toBe(400);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = JSON.parse(text) as { code: string; errors?: { path: string }[] };
  expect(body.code).toBe('KUMO_API_VALIDATION');
  expect(body.errors?.map((error) => error.path)).toEqual([path]);
}

beforeAll(async () => {
  [site, slowSite] = await Promise.all([
    startSiteServer({ site: generateSite({ pages: 12, seed: 'hostile-reads', linksPerPage: 3, bytesPerPage: 1000 }) }),
    startSiteServer({
      site: generateSite({ pages: 15, seed: 'hostile-slow', linksPerPage: 3, bytesPerPage: 1000 }),
      faults: { slowMs: 300 },
    }),
  ]);
  system = await startSystem({ redisUrl, prefix: uniquePrefix('hrd'), overrides: { CRAWL_HOST_CONCURRENCY: '1' } });
  crawlId = await startCrawl({ urls: [`${site.url}/index.html`], maxDepth: 5, maxPages: 100, analyze: false });
  stream = await openSse(`${system.url}/v1/crawls/${crawlId}/events`, { key: system.key }).ended;
});

afterAll(async () => {
  await system?.stop();
  await Promise.all([site?.close(), slowSite?.close()]);
});

describe('ids, cursors and event ids go through one codec: malformed or out of range is a 400, never a 500', () => {
  it.each([
    ['GET', '/v1/crawls/%ZZ'],
    ['GET', '/v1/crawls/%ZZ/pages'],
    ['GET', '/v1/crawls/%ZZ/events'],
    ['GET', '/v1/crawls/%ZZ/report'],
    ['GET', '/v1/crawls/c%E0%A4%A'],
    ['DELETE', '/v1/crawls/%'],
  ])('%s %s (malformed percent-encoding) → 400 id', async (method, path) => {
    await expectValidationProblem(await request(path, { method }), 'id');
  });

  it('a decodable id that is not a crawl id stays a 404 (ids cannot be probed)', async () => {
    expect((await request('/v1/crawls/%41%42')).status).toBe(404);
  });

  it.each([
    ['beyond 64 bits (ms)', `18446744073709551616-0`],
    ['beyond 64 bits (seq)', `1-18446744073709551616`],
    ['the largest id, after which Redis reads nothing', `${MAX}-${MAX}`],
    ['not canonical', '01-0'],
  ])('a pages cursor %s → 400 cursor', async (_name, streamId) => {
    const cursor = encodeCursor(streamId);
    await expectValidationProblem(await request(`/v1/crawls/${crawlId}/pages?cursor=${cursor}`), 'cursor');
  });

  it('a cursor past the end is an empty last page', async () => {
    const response = await request(`/v1/crawls/${crawlId}/pages?cursor=${encodeCursor(`${MAX}-0`)}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ items: [], nextCursor: null });
  });

  it.each([
    ['beyond 64 bits', '18446744073709551616-0'],
    ['the largest id', `${MAX}-${MAX}`],
    ['malformed', '12-x'],
  ])('a Last-Event-ID %s → 400 Last-Event-ID, not a stream that says retry', async (_name, lastEventId) => {
    const response = await request(`/v1/crawls/${crawlId}/events`, { headers: { 'last-event-id': lastEventId } });
    expect(response.headers.get('content-type')).not.toMatch(/event-stream/);
    await expectValidationProblem(response, 'Last-Event-ID');
  });
});

describe('a stream that reached done stays ended', () => {
  it('a reconnect with the done event id, or any id at or after it, answers 204 No Content at once', async () => {
    const done = stream.at(-1)!;
    expect(done.event).toBe('done');
    const doneMs = BigInt(done.id!.split('-')[0]!);
    for (const lastEventId of [done.id!, `${doneMs + 1000n}-0`, `${MAX}-0`]) {
      const response = await request(`/v1/crawls/${crawlId}/events`, { headers: { 'last-event-id': lastEventId } });
      expect(response.status, lastEventId).toBe(204);
      expect(await response.text()).toBe('');
    }
    // One before done still gets done again, then the end.
    const resumed = await openSse(`${system.url}/v1/crawls/${crawlId}/events`, {
      key: system.key,
      lastEventId: stream.at(-2)!.id!,
    }).ended;
    expect(resumed.map((event) => event.id)).toEqual([done.id]);
  });

  it('a real EventSource left connected after done stops: one 200 stream, one 204, then no connection', async () => {
    const statuses: number[] = [];
    const source = new EventSource(`${system.url}/v1/crawls/${crawlId}/events`, {
      fetch: async (input, init) => {
        const response = await fetch(input, {
          ...init,
          headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${system.key}` },
        });
        statuses.push(response.status);
        return response;
      },
    });
    const types: string[] = [];
    for (const type of ['page', 'progress', 'done']) source.addEventListener(type, () => types.push(type));
    const errors: unknown[] = [];
    source.addEventListener('error', (event) => errors.push(event));
    try {
      await vi.waitFor(() => expect(source.readyState).toBe(EventSource.CLOSED), { timeout: 30_000, interval: 100 });
    } finally {
      source.close();
    }
    expect(types.filter((type) => type === 'done')).toHaveLength(1);
    expect(statuses).toEqual([200, 204]);
  });

  it('a far-future Last-Event-ID on a running crawl gets the real events that come, and the end', async () => {
    const id = await startCrawl({ urls: [`${slowSite.url}/index.html`], maxDepth: 5, maxPages: 100, analyze: false });
    const future = `${BigInt(Date.now()) + 10_000_000_000n}-0`;
    const events = await openSse(`${system.url}/v1/crawls/${id}/events`, { key: system.key, lastEventId: future })
      .ended;
    expect(events.at(-1)?.event).toBe('done');
    expect(events.some((event) => event.event === 'page')).toBe(true);
  });
});
