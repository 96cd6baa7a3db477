import { doneEventSchema, pageResultSchema, reportSchema, type PageResult } from '@kumo/contract';
import { generateSite, startSiteServer, type SiteServer } from '@kumo/sample-site';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startAcceptedCrawl } from '../helpers/api-harness.js';
import { startSystem, type RunningSystem } from '../helpers/api-processes.js';
import { openSse, type SseEvent } from '../helpers/api-sse.js';
import { uniquePrefix } from '../helpers/env.js';
import { startMeshSite, type MeshSite } from '../helpers/mesh-site.js';

const redisUrl = inject('redisUrl');
let system: RunningSystem;
let site: SiteServer;
let bigSite: SiteServer;
let mesh: MeshSite;
/** The crawl of `site`, run to completion once for the read tests. */
let crawlId: string;
let stream: SseEvent[];

function request(path: string, init: RequestInit = {}) {
  return system.request(path, init);
}

function startCrawl(body: unknown): Promise<string> {
  return startAcceptedCrawl(system, body);
}

beforeAll(async () => {
  [site, bigSite, mesh] = await Promise.all([
    startSiteServer({ site: generateSite({ pages: 30, seed: 'api-crawl', linksPerPage: 3, bytesPerPage: 2000 }) }),
    startSiteServer({ site: generateSite({ pages: 300, seed: 'api-cancel', linksPerPage: 5, bytesPerPage: 1000 }) }),
    startMeshSite(40),
  ]);
  system = await startSystem({
    redisUrl,
    prefix: uniquePrefix('apie'),
    overrides: { CRAWL_HOST_CONCURRENCY: '2', CRAWL_HOST_DELAY_MS: '20' },
  });
  crawlId = await startCrawl({ urls: [`${site.url}/index.html`], maxDepth: 10, maxPages: 1000 });
  // Follow it live from the start to the end.
  stream = await openSse(`${system.url}/v1/crawls/${crawlId}/events`, { key: system.key }).ended;
});

afterAll(async () => {
  await system?.stop();
  await Promise.all([site?.close(), bigSite?.close(), mesh?.close()]);
});

describe('a crawl through the API', () => {
  it('streams page, analysis and progress events and ends after done', async () => {
    const types = new Set(stream.map((event) => event.event));
    expect([...types].sort()).toEqual(['analysis', 'done', 'page', 'progress']);
    expect(stream.at(-1)?.event).toBe('done');
    expect(doneEventSchema.parse(JSON.parse(stream.at(-1)!.data)).status).toBe('completed');
    expect(stream.every((event) => /^\d+-\d+$/.test(event.id ?? ''))).toBe(true);
    const crawl = (await (await request(`/v1/crawls/${crawlId}`)).json()) as { status: string; finishedAt?: string };
    expect(crawl.status).toBe('completed');
    expect(crawl.finishedAt).toBeDefined();
  });

  it('replays the events from the start, and from Last-Event-ID with nothing lost or repeated', async () => {
    const ids = stream.map((event) => event.id);
    const replay = await openSse(`${system.url}/v1/crawls/${crawlId}/events`, { key: system.key }).ended;
    expect(replay.map((event) => event.id)).toEqual(ids);
    expect(replay.map((event) => event.data)).toEqual(stream.map((event) => event.data));
    for (const cut of [0, Math.floor(ids.length / 3), ids.length - 2]) {
      const resumed = await openSse(`${system.url}/v1/crawls/${crawlId}/events`, {
        key: system.key,
        lastEventId: ids[cut]!,
      }).ended;
      expect(
        resumed.map((event) => event.id),
        `after ${ids[cut]}`,
      ).toEqual(ids.slice(cut + 1));
    }
  });

  it('pages through every page result with cursors until nextCursor is null, nothing missing or repeated', async () => {
    const items: PageResult[] = [];
    const cursors = new Set<string>();
    let cursor: string | null = null;
    for (let round = 0; round < 100; round++) {
      const query: string = cursor === null ? 'limit=7' : `limit=7&cursor=${encodeURIComponent(cursor)}`;
      const response = await request(`/v1/crawls/${crawlId}/pages?${query}`);
      expect(response.status).toBe(200);
      const page = (await response.json()) as { items: unknown[]; nextCursor: string | null };
      expect(page.items.length).toBeLessThanOrEqual(7);
      items.push(...page.items.map((item) => pageResultSchema.parse(item)));
      if (page.nextCursor === null) break;
      expect(cursors.has(page.nextCursor)).toBe(false);
      cursors.add(page.nextCursor);
      cursor = page.nextCursor;
    }
    expect(cursor === null || items.length > 0).toBe(true);
    const fromStream = stream
      .filter((event) => event.event === 'page')
      .map((event) => (JSON.parse(event.data) as PageResult).url);
    expect(items.map((item) => item.url)).toEqual(fromStream);
    expect(new Set(fromStream).size).toBe(fromStream.length);
    expect(items.length).toBeGreaterThanOrEqual(30);
    // Analysed pages carry their analysis in the pages listing.
    const analysed = new Set(
      stream
        .filter((event) => event.event === 'analysis')
        .map((event) => (JSON.parse(event.data) as { url: string }).url),
    );
    expect(analysed.size).toBeGreaterThan(0);
    for (const item of items) expect(item.analysis !== undefined, item.url).toBe(analysed.has(item.url));
    const crawl = (await (await request(`/v1/crawls/${crawlId}`)).json()) as { counts: Record<string, number> };
    expect(items.length).toBe(crawl.counts.fetched! + crawl.counts.failed! + crawl.counts.skipped!);
  });

  it('serves the report once completed', async () => {
    const response = await request(`/v1/crawls/${crawlId}/report`);
    expect(response.status).toBe(200);
    const report = reportSchema.parse(await response.json());
    expect(report.id).toBe(crawlId);
    expect(report.pages.fetched).toBeGreaterThan(0);
    expect(report.keywords.length).toBeGreaterThan(0);
  });

  it('DELETE stops new fetches and the crawl ends cancelled', async () => {
    const id = await startCrawl({ urls: [`${bigSite.url}/index.html`], maxDepth: 10, maxPages: 1000, analyze: false });
    const events = openSse(`${system.url}/v1/crawls/${id}/events`, { key: system.key });
    await expect
      .poll(() => events.events.filter((event) => event.event === 'page').length, { timeout: 30_000 })
      .toBeGreaterThanOrEqual(5);
    const response = await request(`/v1/crawls/${id}`, { method: 'DELETE' });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ id, status: expect.stringMatching(/^(queued|running)$/) });
    const requestsAtCancel = bigSite.totalRequests;

    const ended = await events.ended;
    expect(ended.at(-1)?.event).toBe('done');
    expect(doneEventSchema.parse(JSON.parse(ended.at(-1)!.data)).status).toBe('cancelled');
    // Fetches already in flight (CRAWL_HOST_CONCURRENCY 2) may finish; nothing new starts.
    expect(bigSite.totalRequests - requestsAtCancel).toBeLessThanOrEqual(2);
    expect(bigSite.totalRequests).toBeLessThan(300);
    const crawl = (await (await request(`/v1/crawls/${id}`)).json()) as { status: string };
    expect(crawl.status).toBe('cancelled');
  });
});

describe('maxPages: truncated and counts.dropped', () => {
  it('a crawl under its cap is not truncated and dropped nothing, in GET and in done', async () => {
    expect(doneEventSchema.parse(JSON.parse(stream.at(-1)!.data))).toMatchObject({
      truncated: false,
      counts: { dropped: 0 },
    });
    expect(await (await request(`/v1/crawls/${crawlId}`)).json()).toMatchObject({
      truncated: false,
      counts: { dropped: 0 },
    });
  });

  it('a crawl cut short by maxPages says so, with the exact number of distinct links it dropped', async () => {
    const maxPages = 7;
    const id = await startCrawl({ urls: [`${mesh.url}/index.html`], maxDepth: 3, maxPages, analyze: false });
    const events = await openSse(`${system.url}/v1/crawls/${id}/events`, { key: system.key }).ended;
    // 41 URLs, 7 admitted: 34 dropped, each linked from all 7 fetched pages and counted once.
    const dropped = mesh.urls.length - maxPages;
    const done = doneEventSchema.parse(JSON.parse(events.at(-1)!.data));
    expect(done).toEqual({
      status: 'completed',
      counts: { discovered: maxPages, fetched: maxPages, failed: 0, skipped: 0, analyzed: 0, dropped },
      truncated: true,
    });
    const crawl = (await (await request(`/v1/crawls/${id}`)).json()) as Record<string, unknown>;
    expect(crawl).toMatchObject({ status: 'completed', truncated: true, counts: done.counts });
    expect(mesh.pagesServed).toBe(maxPages);
  });
});
