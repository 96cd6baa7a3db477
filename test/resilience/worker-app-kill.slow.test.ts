import { generateSite, startSiteServer, type SiteServer } from '@kumo/sample-site';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCrawlClient, type CrawlClient } from '../helpers/crawl-harness.js';
import { expectCompleteCrawl, jobCounts, submitCrawl, waitForEnd, waitUntil } from './helpers/crawl-checks.js';
import { startDedicatedRedis, type DedicatedRedis } from './helpers/dedicated-redis.js';
import { expectedOutcomes } from './helpers/sites.js';
import { KumoSystem, type ServiceName } from './helpers/system.js';

let redis: DedicatedRedis;
let system: KumoSystem;
let client: CrawlClient;
const servers: SiteServer[] = [];

beforeAll(async () => {
  redis = await startDedicatedRedis('app-kill');
  // As in worker-child-kill: a slow site, 3 crawl jobs per process, more host slots than one process holds.
  system = await KumoSystem.start({ redisUrl: redis.url, overrides: { CRAWL_CONCURRENCY: '3' } });
  client = openCrawlClient({ redisUrl: redis.url, prefix: system.prefix });
});

afterAll(async () => {
  await system?.stop();
  await client?.close();
  await Promise.all(servers.map((server) => server.close()));
  await redis?.close();
});

const cases: Array<{ service: ServiceName; queue: 'crawl' | 'analyze' }> = [
  { service: 'crawl-worker', queue: 'crawl' },
  { service: 'analysis-worker', queue: 'analyze' },
  // The API holds no job; killing it must not disturb the crawl, and a new API serves the same results.
  { service: 'api', queue: 'crawl' },
];

describe('SIGKILL of a whole app (supervisor and children at once), then a restart', () => {
  it.each(cases)('$service: the crawl completes after the restart with every page once', async ({ service, queue }) => {
    const site = generateSite({ pages: 40, seed: `app-kill-${service}`, linksPerPage: 3, bytesPerPage: 6000 });
    const server = await startSiteServer({ site, faults: { slowMs: 250 } });
    servers.push(server);
    const id = await submitCrawl(system, { urls: [`${server.url}/index.html`], maxDepth: 10, maxPages: 1000 });

    await waitUntil(
      `a backlog of ${queue} jobs`,
      async () => {
        const counts = (await jobCounts(client.queues))[queue]!;
        return server.totalRequests >= 6 && counts.active! > 0 && counts.waiting! >= 2;
      },
      120_000,
    );
    const killed = await system.killService(service);
    expect(killed.length).toBe(system.processesOf(service) + 1);
    expect((await client.state.getCrawl(id))?.crawl.status).toBe('running');
    if (service !== 'api') {
      // Nobody serves the queue now: its jobs stay where the kill left them (active, with expiring locks).
      const counts = (await jobCounts(client.queues))[queue]!;
      expect(counts.active! + counts.waiting!, JSON.stringify(counts)).toBeGreaterThan(0);
    }

    await system.startService(service);
    const crawl = await waitForEnd(client.state, id);
    expect(crawl.status).toBe('completed');
    await expectCompleteCrawl(system, client.queues, id, expectedOutcomes(site, server));
  });
});
