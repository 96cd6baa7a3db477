import { describe, expect, it } from 'vitest';
import { expectCompleteCrawl, jobCounts, submitCrawl, waitForEnd, waitUntil } from './helpers/crawl-checks.js';
import { expectedOutcomes } from './helpers/sites.js';
import type { ServiceName } from './helpers/system.js';
import { useFaultRig } from './helpers/rig.js';

// BullMQ stalled-job recovery with the test settings (testEnv): WORKER_LOCK_DURATION_MS=4000,
// WORKER_STALLED_INTERVAL_MS=1000, so a job of a killed process runs again after about 5 s, not minutes.
// The host allows more requests in flight (16) than one process runs (3), so the slots a killed process held (freed
// after CRAWL_HOST_LEASE_MS) do not hold the crawl up meanwhile.
const rig = useFaultRig('child-kill', { CRAWL_CONCURRENCY: '3' });

// kumo's tokenizer analyses a 6 KB page in a few milliseconds, faster than the slow site serves pages, so analyze
// jobs only back up (and a kill only lands mid-job) when the pages are large: ~600 KB is ~0.1 s of analysis each.
const cases: Array<{ service: ServiceName; queue: 'crawl' | 'analyze'; bytesPerPage?: number }> = [
  { service: 'crawl-worker', queue: 'crawl' },
  { service: 'analysis-worker', queue: 'analyze', bytesPerPage: 600_000 },
];

describe('SIGKILL of a worker child mid-crawl', () => {
  it.each(cases)(
    '$service: the supervisor forks a new child, stalled jobs run again, nothing is lost',
    async ({ service, queue, bytesPerPage }) => {
      const { site, server } = await rig.slowSite(`child-kill-${service}`, bytesPerPage);
      const id = await submitCrawl(rig.system, { urls: [`${server.url}/index.html`], maxDepth: 10, maxPages: 1000 });

      // Mid-crawl, with a backlog: the child to be killed is busy with jobs of its queue (a worker with waiting jobs
      // takes the next one as it finishes the last, so some job of it is active whenever the kill lands).
      await waitUntil(
        `a backlog of ${queue} jobs`,
        async () => {
          const counts = (await jobCounts(rig.client.queues))[queue]!;
          return server.totalRequests >= 6 && counts.active! > 0 && counts.waiting! >= 2;
        },
        120_000,
      );
      const stalledBefore = rig.system.linesMatching((line) => line.msg?.toString().startsWith('job stalled') === true);
      const killed = await rig.system.killChild(service);
      expect((await rig.client.state.records.getCrawl(id))?.crawl.status).toBe('running');

      const crawl = await waitForEnd(rig.client.state, id);
      expect(crawl.status).toBe('completed');
      await expectCompleteCrawl(rig.system, rig.client.queues, id, expectedOutcomes(site, server));

      // The kill really interrupted jobs: the new child found them stalled and ran them again.
      const stalled = rig.system
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
