import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import {
  expectCompleteCrawl,
  expectProblem,
  jobCounts,
  submitCrawl,
  waitForEnd,
  waitUntil,
} from './helpers/crawl-checks.js';
import { useFaultRig } from './helpers/rig.js';
import { expectedOutcomes } from './helpers/sites.js';
import { SERVICES } from './helpers/system.js';

/** How long Redis stays full: longer than a job lock (4 s here, 15 s in production) and several stalled checks. */
const FULL_FOR_MS = 30_000;
/** Attempts per page (the default of `CRAWL_ATTEMPTS`): no URL may be requested more often. */
const ATTEMPTS = 3;
/**
 * Warnings and errors all processes may log while Redis is full: the flood limit keeps each (level, message, code)
 * to 5 lines per 10 s; before it, the same outage logged about 23,000 lines in 25 s.
 */
const MAX_LOG_LINES = 400;

// Redis full under noeviction for 30 s mid-crawl (`CONFIG SET maxmemory 1`: every write that may grow memory answers
// OOM), then freed: no job uses up its attempts on the refusals, so the crawl ends `completed` with every reachable
// URL recorded exactly once and no URL requested more often than its attempts allow; meanwhile /readyz answers 503,
// authenticated reads answer 200 (the rate limiter fails open), no process restarts, and the logs stay bounded.
describe('Redis full (OOM on every write) for 30 s mid-crawl, then freed', () => {
  const rig = useFaultRig('redis-full', { CRAWL_CONCURRENCY: '3' });

  it('nothing lost, nothing fetched beyond its attempts, /readyz 503 and reads 200 meanwhile, logs bounded', async ({
    annotate,
  }) => {
    const { site, server } = await rig.slowSite('redis-full', 3000);
    const id = await submitCrawl(rig.system, { urls: [`${server.url}/index.html`], maxDepth: 10 });
    await waitUntil(
      'a backlog of crawl jobs',
      async () => {
        const counts = (await jobCounts(rig.client.queues)).crawl!;
        return server.totalRequests >= 6 && counts.active! > 0 && counts.waiting! >= 2;
      },
      120_000,
    );
    const processes = () => SERVICES.map((name) => ({ name, pids: rig.system.service(name).childPids().sort() }));
    const before = processes();
    const admin = rig.redis.admin();

    const fullFrom = Date.now();
    await admin.call('CONFIG', 'SET', 'maxmemory', '1');
    let reads = 0;
    try {
      while (Date.now() - fullFrom < FULL_FOR_MS) {
        await expectProblem(await rig.system.request('/readyz', { key: null }), 503, 'KUMO_API_REDIS_UNAVAILABLE');
        for (const path of [`/v1/crawls/${id}`, `/v1/crawls/${id}/pages?limit=5`]) {
          const response = await rig.system.request(path);
          expect(response.status, `${path}: ${await response.text()}`).toBe(200);
          reads++;
        }
        await sleep(1000);
      }
    } finally {
      await admin.call('CONFIG', 'SET', 'maxmemory', '0');
    }
    const fullUntil = Date.now();
    expect(reads).toBeGreaterThan(10);
    await expect
      .poll(async () => (await rig.system.request('/readyz', { key: null })).status, { timeout: 30_000 })
      .toBe(200);

    const crawl = await waitForEnd(rig.client.state, id);
    expect(crawl.status).toBe('completed');
    await expectCompleteCrawl(rig.system, rig.client.queues, id, expectedOutcomes(site, server));
    const counts = crawl.counts;
    expect(counts.discovered).toBe(counts.fetched + counts.failed + counts.skipped);
    // robots.txt is read again while its cache cannot be written; every page at most once per attempt.
    const overFetched = [...server.requests].filter(([path, n]) => path !== '/robots.txt' && n > ATTEMPTS);
    expect(overFetched).toEqual([]);
    // Held, not crashed nor declared wedged: the same processes throughout.
    expect(processes()).toEqual(before);
    const noisy = rig.system.linesMatching((line) => {
      const at = Date.parse(String(line.time));
      return Number(line.level) >= 40 && at >= fullFrom && at <= fullUntil;
    });
    const mostRequests = Math.max(...[...server.requests].filter(([path]) => path !== '/robots.txt').map(([, n]) => n));
    await annotate(
      `counts ${JSON.stringify(counts)}; most requests of one page ${mostRequests}; ${reads} reads answered 200 ` +
        `while full; ${noisy.length} warning/error lines in the ${Math.round((fullUntil - fullFrom) / 1000)} s`,
    );
    expect(noisy.length, JSON.stringify(noisy.slice(0, 5))).toBeLessThan(MAX_LOG_LINES);
  });
});
