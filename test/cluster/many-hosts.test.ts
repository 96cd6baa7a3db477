import { setTimeout as sleep } from 'node:timers/promises';
import type { Crawl, PageResult } from '@kumo/contract';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { pagesByUrl } from '../helpers/crawl-harness.js';
import { uniquePrefix } from '../helpers/env.js';
import { openClusterCrawlClient, type ClusterCrawlClient } from './helpers/cluster-env.js';
import { postCrawl, startClusterSystem, type ClusterSystem } from './helpers/cluster-system.js';
import { startGraphSite, type GraphSite, type SiteRequest } from './helpers/graph-site.js';

// "Many hosts" on one machine: three crawl-worker instances, each its own supervisor and process tree, as separate
// deployments would run them, sharing nothing but the cluster. Politeness, dedupe, the page budget and cancellation
// must hold across all of them, because each is decided in Redis (one Lua script per decision, one slot per host
// or crawl), never in a process.
const redis = inject('redisEnv');
const prefix = uniquePrefix('chost');
const INSTANCES = 3;
let system: ClusterSystem;
let client: ClusterCrawlClient;
const sites: GraphSite[] = [];

beforeAll(async () => {
  system = await startClusterSystem({
    redis,
    prefix,
    crawlWorkers: INSTANCES,
    overrides: { CRAWL_HOST_CONCURRENCY: '1', CRAWL_HOST_DELAY_MS: '0', CRAWL_CONCURRENCY: '10' },
  });
  client = await openClusterCrawlClient({ redis, prefix });
});

afterAll(async () => {
  await system?.stop();
  await client?.close();
  await Promise.all(sites.map((site) => site.close()));
});

async function site(options: Parameters<typeof startGraphSite>[0]) {
  const started = await startGraphSite(options);
  sites.push(started);
  return started;
}

async function crawlOf(id: string): Promise<Crawl> {
  const response = await system.request(`/v1/crawls/${id}`);
  expect(response.status).toBe(200);
  return (await response.json()) as Crawl;
}

/** The most page requests (robots.txt aside: it is read before the host limiter) in flight at any moment. */
function maxConcurrentPages(log: readonly SiteRequest[]): number {
  const edges = log
    .filter((request) => request.path !== '/robots.txt')
    .flatMap((request) => [
      { at: request.start, delta: 1 },
      { at: request.end ?? Infinity, delta: -1 },
    ])
    // An end and a start at the same instant: the end first (the slot was free).
    .sort((a, b) => a.at - b.at || a.delta - b.delta);
  let current = 0;
  let max = 0;
  for (const edge of edges) max = Math.max(max, (current += edge.delta));
  return max;
}

/** Crawl-worker instances (by index) that logged a finished job of the crawl. */
function instancesThatCrawled(crawlId: string): number[] {
  return system.crawlWorkers.flatMap((app, index) =>
    app.lines.some((line) => line.crawlId === crawlId && line.msg === 'job finished') ? [index] : [],
  );
}

describe(`${INSTANCES} crawl-worker instances on one cluster`, () => {
  it('keep one request at a time on a host (CRAWL_HOST_CONCURRENCY=1) and fetch every URL once', async () => {
    // Long enough (~4 s, one page at a time) for the watch over the delayed jobs to change hands (decision 0026).
    const graph = await site({ pages: 80, fanOut: 3, delayMs: 40 });
    const id = await postCrawl(system, { urls: [graph.pageUrls[0]], maxDepth: 10, maxPages: 1000, analyze: false });
    await expect.poll(async () => (await crawlOf(id)).status, { timeout: 120_000, interval: 200 }).toBe('completed');

    const pages = pagesByUrl(await client.readPages(id));
    expect([...pages.keys()].sort()).toEqual([...graph.pageUrls].sort());
    // Dedupe: every page is offered by several pages (with and without a fragment), yet requested once.
    for (const url of graph.pageUrls) expect(graph.requests.get(new URL(url).pathname), url).toBe(1);
    expect(maxConcurrentPages(graph.log)).toBe(1);
    // The work was really shared: more than one instance fetched pages of this crawl.
    expect(instancesThatCrawled(id).length).toBeGreaterThan(1);
  });

  it('hold the page budget: maxPages pages recorded and fetched, however many instances find links', async () => {
    const graph = await site({ pages: 200, fanOut: 5 });
    const id = await postCrawl(system, { urls: [graph.pageUrls[0]], maxDepth: 10, maxPages: 25, analyze: false });
    await expect.poll(async () => (await crawlOf(id)).status, { timeout: 120_000, interval: 200 }).toBe('completed');
    const pages = pagesByUrl(await client.readPages(id));
    expect(pages.size).toBe(25);
    expect((await crawlOf(id)).counts).toMatchObject({ discovered: 25, fetched: 25 });
    const fetchedPaths = [...graph.requests].filter(([path]) => path !== '/robots.txt');
    expect(fetchedPaths).toHaveLength(25);
    expect(fetchedPaths.every(([, count]) => count === 1)).toBe(true);
  });

  it('stop fetching on every instance once the crawl is cancelled, and end it cancelled', async () => {
    const graph = await site({ pages: 400, fanOut: 4, delayMs: 40 });
    const id = await postCrawl(system, { urls: [graph.pageUrls[0]], maxDepth: 10, maxPages: 1000, analyze: false });
    // Let it get going on more than one instance. One instance at a time watches the queue's delayed jobs, for 2 s
    // (decision 0026), so a host crawled one page at a time moves to another instance only when the watch does.
    while ((await client.state.records.counts(id))!.fetched < 10) await sleep(50);
    await expect.poll(() => instancesThatCrawled(id).length, { timeout: 60_000, interval: 100 }).toBeGreaterThan(1);
    const response = await system.request(`/v1/crawls/${id}`, { method: 'DELETE' });
    expect(response.status).toBe(202);
    const cancelledAt = graph.now();
    await expect.poll(async () => (await crawlOf(id)).status, { timeout: 120_000, interval: 200 }).toBe('cancelled');

    // After the DELETE answered, at most the fetch in flight (host concurrency 1) and one that had passed its
    // cancel check just before may still start; nothing else ever does.
    const after = graph.log.filter((request) => request.path !== '/robots.txt' && request.start > cancelledAt);
    expect(after.length).toBeLessThanOrEqual(2);
    const pages: PageResult[] = await client.readPages(id);
    pagesByUrl(pages);
    const fetched = pages.filter((page) => page.status === 'fetched').length;
    expect(fetched).toBeLessThan(graph.pageUrls.length);
    expect(fetched).toBe([...graph.requests].filter(([path]) => path !== '/robots.txt').length);
    // Jobs still queued at the DELETE ran without fetching: recorded skipped/cancelled.
    expect(pages.some((page) => page.status === 'skipped' && page.reason === 'cancelled')).toBe(true);
  });
});
