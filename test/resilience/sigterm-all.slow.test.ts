import { generateSite, startSiteServer, type SiteServer } from '@kumo/sample-site';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCrawlClient, type CrawlClient } from '../helpers/crawl-harness.js';
import { expectCompleteCrawl, jobCounts, submitCrawl, waitForEnd, waitUntil } from './helpers/crawl-checks.js';
import { startDedicatedRedis, type DedicatedRedis } from './helpers/dedicated-redis.js';
import { expectedOutcomes } from './helpers/sites.js';
import { KumoSystem, SERVICES } from './helpers/system.js';

let redis: DedicatedRedis;
let system: KumoSystem;
let client: CrawlClient;
let server: SiteServer;

beforeAll(async () => {
  redis = await startDedicatedRedis('sigterm-all');
  system = await KumoSystem.start({ redisUrl: redis.url, overrides: { CRAWL_CONCURRENCY: '3' } });
  client = openCrawlClient({ redisUrl: redis.url, prefix: system.prefix });
});

afterAll(async () => {
  await system?.stop();
  await client?.close();
  await server?.close();
  await redis?.close();
});

describe('SIGTERM of every process mid-crawl, then a restart of all', () => {
  it('shuts down cleanly leaving no active job, and the crawl completes after the restart', async () => {
    const site = generateSite({ pages: 40, seed: 'sigterm-all', linksPerPage: 3, bytesPerPage: 6000 });
    server = await startSiteServer({ site, faults: { slowMs: 250 } });
    const id = await submitCrawl(system, { urls: [`${server.url}/index.html`], maxDepth: 10 });
    await waitUntil(
      'active crawl and analyze jobs',
      async () => {
        const counts = await jobCounts(client.queues);
        return counts.crawl!.active! > 0 && counts.crawl!.waiting! >= 2 && counts.analyze!.active! > 0;
      },
      120_000,
    );
    const firstGeneration = [...system.history];

    // Every supervisor forwards SIGTERM to its children; each exits 0 within SHUTDOWN_TIMEOUT_MS (5 s here).
    const exits = await Promise.all(SERVICES.map((name) => system.stopService(name, 'SIGTERM')));
    expect(exits).toEqual(SERVICES.map(() => ({ code: 0, signal: null })));
    // Graceful: active jobs were finished (or handed back), none left holding a lock of a dead process.
    const counts = await jobCounts(client.queues);
    for (const queue of ['crawl', 'analyze', 'aggregate']) expect(counts[queue]!.active, queue).toBe(0);
    const crawlState = (await client.state.records.getCrawl(id))?.crawl;
    expect(crawlState?.status).toBe('running');
    expect(crawlState!.counts.fetched).toBeLessThan(site.manifest.pages.length);

    for (const name of SERVICES) await system.startService(name);
    expect((await waitForEnd(client.state, id)).status).toBe('completed');
    await expectCompleteCrawl(system, client.queues, id, expectedOutcomes(site, server));
    // Nothing had to be recovered as stalled: the shutdown left no job behind.
    const restarted = system.history.filter((app) => !firstGeneration.includes(app));
    const stalled = restarted.flatMap((app) => app.lines.filter((line) => String(line.msg).startsWith('job stalled')));
    expect(stalled).toEqual([]);
  });
});
