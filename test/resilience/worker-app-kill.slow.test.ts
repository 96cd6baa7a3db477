import { describe, expect, it } from 'vitest';
import { expectCompleteCrawl, jobCounts, submitCrawl, waitForEnd, waitUntil } from './helpers/crawl-checks.js';
import { expectedOutcomes } from './helpers/sites.js';
import type { ServiceName } from './helpers/system.js';
import { useFaultRig } from './helpers/rig.js';

// As in worker-child-kill: a slow site, 3 crawl jobs per process, more host slots than one process holds.
const rig = useFaultRig('app-kill', { CRAWL_CONCURRENCY: '3' });

const cases: Array<{ service: ServiceName; queue: 'crawl' | 'analyze' }> = [
  { service: 'crawl-worker', queue: 'crawl' },
  { service: 'analysis-worker', queue: 'analyze' },
  // The API holds no job; killing it must not disturb the crawl, and a new API serves the same results.
  { service: 'api', queue: 'crawl' },
];

describe('SIGKILL of a whole app (supervisor and children at once), then a restart', () => {
  it.each(cases)('$service: the crawl completes after the restart with every page once', async ({ service, queue }) => {
    const { site, server } = await rig.slowSite(`app-kill-${service}`);
    const id = await submitCrawl(rig.system, { urls: [`${server.url}/index.html`], maxDepth: 10, maxPages: 1000 });

    await waitUntil(
      `a backlog of ${queue} jobs`,
      async () => {
        const counts = (await jobCounts(rig.client.queues))[queue]!;
        return server.totalRequests >= 6 && counts.active! > 0 && counts.waiting! >= 2;
      },
      120_000,
    );
    const killed = await rig.system.killService(service);
    expect(killed.length).toBe(rig.system.processesOf(service) + 1);
    expect((await rig.client.state.records.getCrawl(id))?.crawl.status).toBe('running');
    if (service !== 'api') {
      // Nobody serves the queue now: its jobs stay where the kill left them (active, with expiring locks).
      const counts = (await jobCounts(rig.client.queues))[queue]!;
      expect(counts.active! + counts.waiting!, JSON.stringify(counts)).toBeGreaterThan(0);
    }

    await rig.system.startService(service);
    const crawl = await waitForEnd(rig.client.state, id);
    expect(crawl.status).toBe('completed');
    await expectCompleteCrawl(rig.system, rig.client.queues, id, expectedOutcomes(site, server));
  });
});
