import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { doneEventSchema, pageResultSchema, type Crawl, type PageResult, type Report } from '@kumo/contract';
import { KeySpace } from '@kumo/keyspace';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openSse, type SseStream } from '../helpers/api-sse.js';
import { uniquePrefix } from '../helpers/env.js';
import { clusterMasters, masterOfKey } from './helpers/cluster-env.js';
import { countConnections, postCrawl, startClusterSystem, type ClusterSystem } from './helpers/cluster-system.js';
import { startGraphSite, type GraphSite } from './helpers/graph-site.js';

// The whole system as child processes (API, crawl-worker, analysis-worker) with REDIS_CLUSTER_NODES: flows and
// dynamic children across the three queues under {q}, crawls whose {b:NN} keys sit on every master, the API's
// bucket readers streaming from all three masters at once, pages and reports.
const redis = inject('redisEnv');
const prefix = uniquePrefix('csys');
const keySpace = new KeySpace({ prefix });
const resultsDir = new URL('./results/', import.meta.url);
let system: ClusterSystem;
const sites: GraphSite[] = [];

beforeAll(async () => {
  system = await startClusterSystem({ redis, prefix });
});

afterAll(async () => {
  await system?.stop();
  await Promise.all(sites.map((site) => site.close()));
});

async function getJson<T>(path: string): Promise<T> {
  const response = await system.request(path);
  const text = await response.text();
  expect(response.status, `${path}: ${text}`).toBe(200);
  return JSON.parse(text) as T;
}

/** Every page through `GET …/pages`, following the cursor. */
async function allPages(id: string): Promise<PageResult[]> {
  const pages: PageResult[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor === null ? '?limit=7' : `?limit=7&cursor=${encodeURIComponent(cursor)}`;
    const body: { items: PageResult[]; nextCursor: string | null } = await getJson(`/v1/crawls/${id}/pages${query}`);
    pages.push(...body.items);
    cursor = body.nextCursor;
  } while (cursor !== null);
  return pages;
}

/**
 * Connections of every kumo process of the system, by app and role. A connection opening or closing between the
 * CLIENT LIST and the /proc read shows up as not listed, and one caught between its connect and its CLIENT SETNAME
 * as unnamed (ioredis's cluster client opens a short-lived, named `refresher` connection every 5 s to read the slot
 * map): such a snapshot is taken again (a few times at most), so only a connection that stays anonymous fails.
 */
async function snapshotConnections(label: string) {
  const processes = system.all.flatMap((app) => {
    const name = app === system.api ? 'api' : system.crawlWorkers.includes(app) ? 'crawl-worker' : 'analysis-worker';
    return [
      { app: name, role: 'supervisor', pid: app.child.pid! },
      ...app.childPids().map((pid) => ({ app: name, role: 'worker', pid })),
    ];
  });
  let counts: Awaited<ReturnType<typeof countConnections>> = [];
  for (let attempt = 0; attempt < 5; attempt++) {
    counts = await countConnections(
      redis,
      processes.map((process) => process.pid),
    );
    if (counts.every((count) => !Object.keys(count.byName).some((name) => name.startsWith('(')))) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const rssMb = (pid: number) =>
    Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024);
  return {
    label,
    processes: processes.map(({ app, role, pid }, index) => ({ app, role, rssMb: rssMb(pid), ...counts[index]! })),
  };
}

describe('kumo on a Redis Cluster, end to end', () => {
  const snapshots: Awaited<ReturnType<typeof snapshotConnections>>[] = [];

  it('runs crawls whose keys sit on every master, streams them from all masters at once, and completes them', async () => {
    const masters = await clusterMasters(redis);
    expect(masters).toHaveLength(3);
    const queueMaster = (await masterOfKey(redis, `${keySpace.queuePrefix()}:crawl:id`)).port;
    const crawls: { id: string; site: GraphSite; master: number; stream: SseStream }[] = [];
    // Crawl ids are random: submit until the crawls' buckets cover all three masters (about 5.5 crawls on average).
    while (new Set(crawls.map((crawl) => crawl.master)).size < 3 && crawls.length < 20) {
      const site = await startGraphSite({ pages: 30, fanOut: 3 });
      sites.push(site);
      const id = await postCrawl(system, { urls: [site.pageUrls[0]], maxDepth: 2, maxPages: 100 });
      const master = (await masterOfKey(redis, keySpace.crawlKey('result', id, 'crawl'))).port;
      crawls.push({ id, site, master, stream: openSse(`${system.url}/v1/crawls/${id}/events`, { key: system.key }) });
    }
    expect(new Set(crawls.map((crawl) => crawl.master)).size).toBe(3);
    expect(crawls.some((crawl) => crawl.master !== queueMaster)).toBe(true);
    // Each stream answered (the API subscribes it as it answers), so the API's bucket readers are in the snapshot.
    for (const { stream } of crawls) expect(await stream.status).toBe(200);
    snapshots.push(await snapshotConnections(`${crawls.length} crawls running, one SSE client each`));

    for (const { id, site, stream } of crawls) {
      const events = await stream.ended;
      const crawl = await getJson<Crawl>(`/v1/crawls/${id}`);
      expect(crawl.status, id).toBe('completed');

      // Dynamic children: every page up to depth 2 was crawled (once), nothing beyond it.
      const expected = [...site.depths()].filter(([, depth]) => depth <= 2).map(([url]) => url);
      const pages = await allPages(id);
      expect(pages.map((page) => page.url).sort()).toEqual([...expected].sort());
      for (const url of expected) expect(site.requests.get(new URL(url).pathname), url).toBe(1);
      expect(pages.every((page) => page.status === 'fetched' && page.analysis !== undefined)).toBe(true);
      expect(crawl.counts).toMatchObject({ discovered: expected.length, fetched: expected.length });
      expect(crawl.counts.analyzed).toBe(expected.length);

      // The stream: one page and one analysis event per page, ids increasing, ending with done.
      const ids = events.map(
        (event) => BigInt(event.id!.split('-')[0]!) * 1_000_000n + BigInt(event.id!.split('-')[1]!),
      );
      expect(ids.every((value, index) => index === 0 || value > ids[index - 1]!)).toBe(true);
      const pageEvents = events.filter((event) => event.event === 'page');
      expect(pageEvents.map((event) => pageResultSchema.parse(JSON.parse(event.data)).url).sort()).toEqual(
        [...expected].sort(),
      );
      expect(events.filter((event) => event.event === 'analysis')).toHaveLength(expected.length);
      expect(events.at(-1)?.event).toBe('done');
      expect(doneEventSchema.parse(JSON.parse(events.at(-1)!.data)).status).toBe('completed');

      const report = await getJson<Report>(`/v1/crawls/${id}/report`);
      expect(report.pages).toEqual({ fetched: expected.length, failed: 0 });
      expect(report.keywords.length).toBeGreaterThan(0);
    }
  });

  it('reconnects an event stream with Last-Event-ID on a finished crawl: the rest of the stream, nothing repeated', async () => {
    const site = await startGraphSite({ pages: 6, fanOut: 2 });
    sites.push(site);
    const id = await postCrawl(system, { urls: [site.pageUrls[0]], maxDepth: 3, maxPages: 100, analyze: false });
    const all = await openSse(`${system.url}/v1/crawls/${id}/events`, { key: system.key }).ended;
    expect(all.at(-1)?.event).toBe('done');
    const cut = Math.floor(all.length / 2);
    const rest = await openSse(`${system.url}/v1/crawls/${id}/events`, {
      key: system.key,
      lastEventId: all[cut - 1]!.id!,
    }).ended;
    expect(rest.map((event) => event.id)).toEqual(all.slice(cut).map((event) => event.id));
  });

  it('counts each process’s Redis connections (CLIENT LIST and /proc) and writes them to results/', async () => {
    snapshots.push(await snapshotConnections('idle, after the crawls'));
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(new URL('connections.json', resultsDir), `${JSON.stringify({ nodes: 6, snapshots }, null, 2)}\n`);
    for (const snapshot of snapshots) {
      for (const process of snapshot.processes) {
        // Every connection is one kumo (or BullMQ, for kumo) opened and named: none left anonymous or unaccounted.
        expect(Object.keys(process.byName).filter((name) => name.startsWith('('))).toEqual([]);
      }
    }
    // Worker processes reach every master (the crawls' keys sit on all three); ioredis connects to a replica only
    // lazily, when its slot refresh happens to ask that node, so 3 to 6 nodes. The API closes its bucket readers
    // once no stream is followed. The figures themselves go to docs/deploy.md.
    const idle = snapshots.at(-1)!.processes.filter((process) => process.role === 'worker');
    for (const process of idle) expect(process.nodes, process.app).toBeGreaterThanOrEqual(3);
    for (const process of idle) expect(process.nodes, process.app).toBeLessThanOrEqual(6);
    const apiIdle = idle.find((process) => process.app === 'api')!;
    expect(Object.keys(apiIdle.byName).filter((name) => name.startsWith('kumo:api-sse:'))).toEqual([]);
    const apiBusy = snapshots[0]!.processes.find((process) => process.app === 'api' && process.role === 'worker')!;
    expect(Object.keys(apiBusy.byName).some((name) => name.startsWith('kumo:api-sse:'))).toBe(true);
  });
});
