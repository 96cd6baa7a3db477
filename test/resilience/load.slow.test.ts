import { setTimeout as sleep } from 'node:timers/promises';
import { auditKeyspace, type KeyspaceAudit } from '@kumo/queues';
import { generateSite, startSiteServer, type GeneratedSite, type SiteServer } from '@kumo/sample-site';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCrawlClient, type CrawlClient } from '../helpers/crawl-harness.js';
import { expectCompleteCrawl, submitCrawl, waitForEnd } from './helpers/crawl-checks.js';
import { startDedicatedRedis, type DedicatedRedis } from './helpers/dedicated-redis.js';
import { MiB } from './helpers/memory.js';
import { expectedOutcomes } from './helpers/sites.js';
import { KumoSystem } from './helpers/system.js';

const CRAWLS = 20;
/** The shortest retention the configuration allows (packages/config/src/schema.ts minimums). */
const TTLS = {
  RESULT_TTL_S: '60',
  TMP_TTL_S: '10',
  CACHE_TTL_S: '10',
  ROBOTS_CACHE_TTL_S: '10',
  QUEUE_KEEP_COMPLETED_S: '60',
  QUEUE_KEEP_FAILED_S: '60',
  // The retention sweeper removes jobs past their keep age even when no later job finishes.
  QUEUE_SWEEP_INTERVAL_S: '5',
};
/** Purposes whose keys all carry a TTL: after the longest one (RESULT_TTL_S) none may be left. */
const EXPIRING = ['result', 'tmp', 'cache', 'ratelimit', 'lock'];

let redis: DedicatedRedis;
let system: KumoSystem;
let client: CrawlClient;
const sites: Array<{ site: GeneratedSite; server: SiteServer }> = [];

beforeAll(async () => {
  redis = await startDedicatedRedis('load');
  system = await KumoSystem.start({ redisUrl: redis.url, overrides: TTLS });
  client = openCrawlClient({ redisUrl: redis.url, prefix: system.prefix });
  for (let i = 0; i < CRAWLS; i++) {
    const site = generateSite({ pages: 12, seed: `load-${i}`, linksPerPage: 3, bytesPerPage: 2500 });
    sites.push({ site, server: await startSiteServer({ site }) });
  }
});

afterAll(async () => {
  await system?.stop();
  await client?.close();
  await Promise.all(sites.map(({ server }) => server.close()));
  await redis?.close();
});

/** INFO memory's `used_memory`: everything Redis allocated, its own overhead included. */
async function usedMemory(): Promise<number> {
  const info = String(await redis.admin().info('memory'));
  return Number(/^used_memory:(\d+)/m.exec(info)?.[1]);
}

/** What the keys of the (dedicated) database hold: MEMORY USAGE of every key, exact (SAMPLES 0). */
async function keyBytes(): Promise<{ keys: number; bytes: number }> {
  const admin = redis.admin();
  const keys = (await admin.keys('*')) as string[];
  let bytes = 0;
  for (const key of keys) bytes += Number((await admin.call('MEMORY', 'USAGE', key, 'SAMPLES', '0')) ?? 0);
  return { keys: keys.length, bytes };
}

/** Audits the prefix and fails on any kumo key without a TTL or of an unknown purpose. */
async function auditNow(): Promise<KeyspaceAudit> {
  const audit = await auditKeyspace(redis.admin(), { prefix: system.prefix, sampleAbove: 50 });
  for (const purpose of audit.purposes) {
    expect(purpose.withoutTtl, `${purpose.purpose} keys without TTL`).toEqual({ count: 0, keys: [] });
  }
  expect(audit.unknown, 'keys of unknown purposes').toEqual({ count: 0, keys: [] });
  return audit;
}

const keysOf = (audit: KeyspaceAudit, purposes: string[]) =>
  audit.purposes.filter((p) => purposes.includes(p.purpose)).reduce((sum, p) => sum + p.keys, 0);

describe(`${CRAWLS} crawls at once`, () => {
  it('all complete with correct, separate results; no key without TTL at any point; memory returns to baseline', async ({
    annotate,
  }) => {
    const baseline = await usedMemory();
    const baselineKeys = await keyBytes();
    const baselineAudit = await auditNow();
    expect(keysOf(baselineAudit, EXPIRING)).toBe(0);

    // Audit the keyspace all along (every sample point must be clean), and track the memory high-water mark.
    let sampling = true;
    let samples = 0;
    let peak = baseline;
    const sampler = (async () => {
      while (sampling) {
        await auditNow();
        peak = Math.max(peak, await usedMemory());
        samples += 1;
        await sleep(1000);
      }
    })();

    const ids = await Promise.all(
      sites.map(({ server }) => submitCrawl(system, { urls: [`${server.url}/index.html`], maxDepth: 10 })),
    );
    expect(new Set(ids).size).toBe(CRAWLS);
    const ends = await Promise.all(ids.map((id) => waitForEnd(client.state, id, 300_000)));
    expect(ends.map((crawl) => crawl.status)).toEqual(ids.map(() => 'completed'));
    // Each crawl holds exactly its own site's pages (a page of another site would break the URL set).
    for (const [index, id] of ids.entries()) {
      const { site, server } = sites[index]!;
      await expectCompleteCrawl(system, client.queues, id, expectedOutcomes(site, server));
    }
    const afterCrawls = await usedMemory();
    const bullAfterCrawls = (await auditNow()).queues;

    // After the longest TTL every kumo key has expired, and the retention sweeper has removed the jobs past
    // QUEUE_KEEP_COMPLETED_S although no later job completed (BullMQ alone trims only when one does).
    const deadline = Date.now() + 150_000;
    let audit = await auditNow();
    while ((keysOf(audit, EXPIRING) > 0 || audit.queues.keys >= bullAfterCrawls.keys / 4) && Date.now() < deadline) {
      await sleep(5000);
      audit = await auditNow();
    }
    expect(keysOf(audit, EXPIRING), JSON.stringify(audit.purposes)).toBe(0);
    sampling = false;
    await sampler;
    const after = await usedMemory();
    const afterKeys = await keyBytes();
    // BullMQ's event streams (`…:events`, one per queue) are capped by length (QUEUE_EVENTS_MAX_LEN), not by time.
    const admin = redis.admin();
    let eventsLength = 0;
    for (const key of (await admin.keys(`${system.prefix}:bull:*:events`)) as string[]) {
      eventsLength = Math.max(eventsLength, Number(await admin.xlen(key)));
    }
    const mib = (bytes: number) => `${(bytes / MiB).toFixed(2)} MiB`;
    await annotate(
      `used_memory: baseline ${mib(baseline)}, peak ${mib(peak)}, after the crawls ${mib(afterCrawls)}, ` +
        `after the TTLs and retention ${mib(after)}. Keys: ${baselineKeys.keys} keys / ${mib(baselineKeys.bytes)} ` +
        `at the baseline, ${afterKeys.keys} keys / ${mib(afterKeys.bytes)} at the end (BullMQ ${audit.queues.keys} ` +
        `keys, ${bullAfterCrawls.keys} after the crawls; longest event stream ${eventsLength} entries). ` +
        `${samples} audit samples, none with a key without TTL`,
    );
    expect(samples).toBeGreaterThan(5);
    expect(peak).toBeGreaterThan(baseline);
    expect(audit.queues.keys, 'the retention sweeper removed the old jobs').toBeLessThan(bullAfterCrawls.keys / 4);
    // What the keys hold is back to the baseline, give or take BullMQ's event streams (capped by length, not time). used_memory, in the annotation, also counts Redis's own overhead
    // (client buffers of the apps' ~20 connections, allocations no key owns), which no retention setting controls.
    const grown = afterKeys.bytes - baselineKeys.bytes;
    expect(grown, `keys hold ${grown} bytes more than at the baseline`).toBeLessThan(512 * 1024);
    // QUEUE_EVENTS_MAX_LEN (1,000) with `MAXLEN ~`: Redis trims whole nodes of 100 entries.
    expect(eventsLength).toBeLessThanOrEqual(1_100);
  });
});
