import { generateSite, startSiteServer, type SiteServer } from '@kumo/sample-site';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCrawlClient, type CrawlClient } from '../helpers/crawl-harness.js';
import { expectCompleteCrawl, jobCounts, submitCrawl, waitForEnd, waitUntil } from './helpers/crawl-checks.js';
import { startDedicatedRedis, type DedicatedRedis } from './helpers/dedicated-redis.js';
import { expectedOutcomes } from './helpers/sites.js';
import { KumoSystem, type ServiceName } from './helpers/system.js';

// BullMQ stalled-job recovery with the test settings (testEnv): WORKER_LOCK_DURATION_MS=4000,
// WORKER_STALLED_INTERVAL_MS=1000, so a job of a killed process runs again after about 5 s, not minutes.
let redis: DedicatedRedis;
let system: KumoSystem;
let client: CrawlClient;
const servers: SiteServer[] = [];

beforeAll(async () => {
  redis = await startDedicatedRedis('child-kill');
  // Few jobs per process and a slow site: the crawl lasts several seconds, so the kill lands mid-crawl. The host
  // allows more requests in flight (16) than one process runs (3): the host-limiter leases a killed process held
  // only free themselves after 60 s (HostLimiter leaseMs), and the other slots keep the crawl going meanwhile.
  system = await KumoSystem.start({ redisUrl: redis.url, overrides: { CRAWL_CONCURRENCY: '3' } });
  client = openCrawlClient({ redisUrl: redis.url, prefix: system.prefix });
});

afterAll(async () => {
  await system?.stop();
  await client?.close();
  await Promise.all(servers.map((server) => server.close()));
  await redis?.close();
});

async function slowSite(seed: string) {
  const site = generateSite({ pages: 40, seed, linksPerPage: 3, bytesPerPage: 6000 });
  const server = await startSiteServer({ site, faults: { slowMs: 250 } });
  servers.push(server);
  return { site, server };
}

const cases: Array<{ service: ServiceName; queue: 'crawl' | 'analyze' }> = [
  { service: 'crawl-worker', queue: 'crawl' },
  { service: 'analysis-worker', queue: 'analyze' },
];

describe('SIGKILL of a worker child mid-crawl', () => {
  it.each(cases)(
    '$service: the supervisor forks a new child, stalled jobs run again, nothing is lost',
    async ({ service, queue }) => {
      const { site, server } = await slowSite(`child-kill-${service}`);
      const id = await submitCrawl(system, { urls: [`${server.url}/index.html`], maxDepth: 10, maxPages: 1000 });

      // Mid-crawl, with a backlog: the child to be killed is busy with jobs of its queue (a worker with waiting jobs
      // takes the next one as it finishes the last, so some job of it is active whenever the kill lands).
      await waitUntil(
        `a backlog of ${queue} jobs`,
        async () => {
          const counts = (await jobCounts(client.queues))[queue]!;
          return server.totalRequests >= 6 && counts.active! > 0 && counts.waiting! >= 2;
        },
        120_000,
      );
      const stalledBefore = system.linesMatching((line) => line.msg?.toString().startsWith('job stalled') === true);
      const killed = await system.killChild(service);
      expect((await client.state.getCrawl(id))?.crawl.status).toBe('running');

      const crawl = await waitForEnd(client.state, id);
      expect(crawl.status).toBe('completed');
      await expectCompleteCrawl(system, client.queues, id, expectedOutcomes(site, server));

      // The kill really interrupted jobs: the new child found them stalled and ran them again.
      const stalled = system
        .linesMatching((line) => line.msg?.toString().startsWith('job stalled') === true)
        .filter((line) => !stalledBefore.includes(line));
      expect(stalled.length, `stalled-job lines after killing ${killed}`).toBeGreaterThan(0);
      expect(
        stalled.every((line) => line.queue === queue),
        JSON.stringify(stalled),
      ).toBe(true);
    },
  );
});
