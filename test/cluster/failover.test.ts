import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startRedisCluster, type RedisClusterHandle } from '@kumo/local-redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pagesByUrl } from '../helpers/crawl-harness.js';
import { uniquePrefix } from '../helpers/env.js';
import {
  clientListAll,
  openClusterCrawlClient,
  type ClusterCrawlClient,
  type RedisEnv,
} from './helpers/cluster-env.js';
import { startClusterSystem, type ClusterSystem } from './helpers/cluster-system.js';
import { startGraphSite, type GraphSite } from './helpers/graph-site.js';

// Kills the master that holds every BullMQ key ({q}) in the middle of a crawl, on a cluster of this file's own
// (the shared one stays untouched for the other files), and measures how long kumo takes to recover.
// The settings that bound recovery (docs/deploy.md): the node timeout (promotion ~2-5 s after it), the job lock and
// stalled check (jobs active on the dead master run again), the host lease (a lease whose release died with the
// master blocks its host until it expires) and the enqueue retry budget (adds during the failover).
const NODE_TIMEOUT_MS = 5000;
const LOCK_DURATION_MS = 4000;
const STALLED_INTERVAL_MS = 1000;
const HOST_LEASE_MS = 10_000;
const RETRY_BUDGET_MS = 15_000;
const PAGES = 60;
const resultsDir = new URL('./results/', import.meta.url);

let dir: string;
let cluster: RedisClusterHandle;
let redis: RedisEnv;
let system: ClusterSystem;
let client: ClusterCrawlClient;
let site: GraphSite;
const prefix = uniquePrefix('cfail');

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'kumo-failover-'));
  cluster = await startRedisCluster({ dir, masters: 3, replicasPerMaster: 1, nodeTimeoutMs: NODE_TIMEOUT_MS });
  redis = { REDIS_CLUSTER_NODES: cluster.nodes.join(',') };
  site = await startGraphSite({ pages: PAGES, fanOut: 3, delayMs: 100 });
  system = await startClusterSystem({
    redis,
    prefix,
    api: false,
    crawlWorkers: 2,
    overrides: {
      CRAWL_HOST_CONCURRENCY: '2',
      WORKER_LOCK_DURATION_MS: String(LOCK_DURATION_MS),
      WORKER_STALLED_INTERVAL_MS: String(STALLED_INTERVAL_MS),
      CRAWL_HOST_LEASE_MS: String(HOST_LEASE_MS),
      REDIS_RETRY_BUDGET_MS: String(RETRY_BUDGET_MS),
    },
  });
  client = await openClusterCrawlClient({ redis, prefix });
});

afterAll(async () => {
  await system?.stop();
  await client?.close().catch(() => undefined);
  await site?.close();
  await cluster?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Pages recorded in the crawl's stream so far (the crawl's bucket lives on a master that is not killed). */
async function recorded(id: string): Promise<number> {
  return (await client.state.records.counts(id))?.fetched ?? 0;
}

/**
 * What a stuck crawl looks like: its counts, the queues' job counts, the root's queue (wait list and marker), each
 * BullMQ connection's last command and idle time per node (a worker whose loop hangs stops sending anything), and
 * the apps' last warnings and errors.
 */
async function diagnose(id: string): Promise<string> {
  const safe = <T>(promise: Promise<T>) => promise.catch((error: unknown) => String(error));
  const aggregate = `${client.queues.prefix}:aggregate`;
  const state = {
    counts: await safe(client.state.records.counts(id)),
    queues: Object.fromEntries(
      await Promise.all(
        (['crawl', 'analyze', 'aggregate'] as const).map(async (name) => [
          name,
          await safe(client.queues[name].getJobCounts()),
        ]),
      ),
    ),
    aggregateWait: await safe(client.client.lrange(`${aggregate}:wait`, 0, -1)),
    aggregateMarker: await safe(client.client.zrange(`${aggregate}:marker`, '0', '-1')),
  };
  const connections = (await clientListAll(redis))
    .filter((line) => / name=\S*bull:\{q\}/.test(` ${line}`))
    .map((line) =>
      ['laddr', 'name', 'idle', 'flags', 'cmd']
        .map((field) => new RegExp(` ${field}=\\S*`).exec(` ${line}`)?.[0] ?? '')
        .join(''),
    );
  const lines = system.all
    .flatMap((app) => app.lines)
    .filter((line) => Number(line.level) >= 40)
    .slice(-20)
    .map((line) => JSON.stringify(line).slice(0, 400));
  return [JSON.stringify(state), ...connections.sort(), ...lines].join('\n');
}

describe('failover of the queues master', () => {
  it('completes a crawl with every page exactly once when the master of {q} dies mid-crawl', async () => {
    const queueKey = `${client.queues.prefix}:crawl:id`;
    const victim = await cluster.masterOf(queueKey);
    const promoted = (await cluster.describe()).find((node) => node.masterId === victim.id)!;
    // The crawl's keys on another master: the failover must not take the crawl's own state with it.
    let bucket = 0;
    while ((await cluster.masterOf(client.store.keySpace.bucketWakeKey(bucket))).port === victim.port) bucket++;
    const id = await client.submit({ urls: [site.pageUrls[0]!], maxDepth: 10, maxPages: 1000 }, { bucket });
    expect((await cluster.masterOf(client.keys.record(id))).port).not.toBe(victim.port);
    // The site's politeness keys ({h:127.0.0.1:<port>}) land on the victim or not, by the site's port: recorded.
    const hostLeases = client.store.keySpace.hostKey('ratelimit', new URL(site.url).host, 'leases');
    const hostKeysOnKilledMaster = (await cluster.masterOf(hostLeases)).port === victim.port;

    // Mid-crawl: a quarter of the pages recorded.
    while ((await recorded(id)) < PAGES / 4) await sleep(50);
    const before = await recorded(id);
    const killedAt = site.now();
    await cluster.killNode(victim.port);

    // The replica takes over.
    await cluster.waitUntilOk({ timeoutMs: 60_000 });
    const promotedAfterMs = site.now() - killedAt;
    expect((await cluster.masterOf(queueKey)).port).toBe(promoted.port);

    // …and completes, with every page exactly once.
    const status = await client.waitForEnd(id, 90_000).catch(async (error: unknown) => {
      throw new Error(`${(error as Error).message}\n${await diagnose(id)}`);
    });
    const completedAfterMs = site.now() - killedAt;
    expect(status).toBe('completed');
    const pages = pagesByUrl(await client.readPages(id));
    expect([...pages.keys()].sort()).toEqual([...site.pageUrls].sort());
    expect([...pages.values()].filter((page) => page.status !== 'fetched')).toEqual([]);
    const counts = await client.state.records.counts(id);
    expect(counts).toMatchObject({ discovered: PAGES, fetched: PAGES, failed: 0, skipped: 0, analyzed: PAGES });
    for (const url of site.pageUrls) expect(site.requests.get(new URL(url).pathname), url).toBeGreaterThanOrEqual(1);
    // Fetches of jobs that were active on the dead master when it died run again (at-least-once fetching); the
    // result stream stays exactly-once because the page append is idempotent per URL.
    const refetched = site.pageUrls.filter((url) => (site.requests.get(new URL(url).pathname) ?? 0) > 1).length;

    // Recovery as the site saw it: the longest pause between request starts after the kill, and when it ended.
    const starts = [
      killedAt,
      ...site.log.filter((r) => r.path !== '/robots.txt' && r.start > killedAt).map((r) => r.start),
    ];
    let stall = { from: killedAt, to: killedAt };
    for (let i = 1; i < starts.length; i++) {
      if (starts[i]! - starts[i - 1]! > stall.to - stall.from) stall = { from: starts[i - 1]!, to: starts[i]! };
    }
    expect(stall.to, 'no page was requested after the failover').toBeGreaterThan(killedAt);
    const warnings = new Map<string, number>();
    for (const line of system.all.flatMap((app) => app.lines)) {
      if (Number(line.level) >= 40) warnings.set(String(line.msg), (warnings.get(String(line.msg)) ?? 0) + 1);
    }
    // Every worker resumed by itself: none needed the liveness check's restart (KUMO_QUEUES_WORKER_STUCK).
    const stuck = system.all.flatMap((app) => app.lines).filter((line) => line.code === 'KUMO_QUEUES_WORKER_STUCK');
    expect(stuck).toEqual([]);

    const result = {
      measuredAt: new Date().toISOString(),
      settings: {
        clusterNodeTimeoutMs: NODE_TIMEOUT_MS,
        workerLockDurationMs: LOCK_DURATION_MS,
        workerStalledIntervalMs: STALLED_INTERVAL_MS,
        crawlHostLeaseMs: HOST_LEASE_MS,
        redisRetryBudgetMs: RETRY_BUDGET_MS,
        crawlWorkerInstances: 2,
      },
      pages: PAGES,
      hostKeysOnKilledMaster,
      pagesRecordedBeforeKill: before,
      replicaPromotedAfterMs: Math.round(promotedAfterMs),
      longestStallMs: Math.round(stall.to - stall.from),
      crawlResumedAfterMs: Math.round(stall.to - killedAt),
      crawlCompletedAfterMs: Math.round(completedAfterMs),
      pagesFetchedMoreThanOnce: refetched,
      workerWarningsAndErrors: Object.fromEntries(warnings),
    };
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(new URL('failover.json', resultsDir), `${JSON.stringify(result, null, 2)}\n`);
    expect(result.replicaPromotedAfterMs).toBeGreaterThan(0);
  });
});
