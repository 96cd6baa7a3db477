import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCrawlClient, type CrawlClient } from '../helpers/crawl-harness.js';
import { jobCounts, submitCrawl, waitForEnd, waitUntil } from './helpers/crawl-checks.js';
import { startDedicatedRedis, type DedicatedRedis } from './helpers/dedicated-redis.js';
import { html, linkPage, startRouteServer, type RouteServer } from './helpers/route-server.js';
import { KumoSystem } from './helpers/system.js';

// Regression: when a crawl job runs again after its process died (stalled) or after a failed attempt, the re-run
// looks for links it admitted earlier without adding their jobs (crawl-processor.ts's `unqueuedLinks`). Links outside
// the crawl's seen-set were never admitted (here: the page budget, maxPages 50, was spent) and need no check: the
// seen-set is asked with one SMISMEMBER per 1,000 links, and only the admitted links get a page-index and job lookup.
// A page with 100,000 links must not cost ~100,000 sequential HGETALL round trips (about a minute) per re-run.
let redis: DedicatedRedis;
let system: KumoSystem;
let client: CrawlClient;
let server: RouteServer;

beforeAll(async () => {
  redis = await startDedicatedRedis('rerun-links');
  system = await KumoSystem.start({
    redisUrl: redis.url,
    overrides: { WORKER_LOCK_DURATION_MS: '15000', WORKER_STALLED_INTERVAL_MS: '5000' },
  });
  client = openCrawlClient({ redisUrl: redis.url, prefix: system.prefix });
  const links = Array.from({ length: 100_000 }, (_, i) => `/l/${i}.html`);
  server = await startRouteServer(
    { '/links.html': html(linkPage('リンクだらけ', links)) },
    { fallback: html(linkPage('葉', [])) },
  );
});

afterAll(async () => {
  await system?.stop();
  await client?.close();
  await server?.close();
  await redis?.close();
});

async function hgetallCalls(): Promise<number> {
  const info = String(await redis.admin().info('commandstats'));
  return Number(/cmdstat_hgetall:calls=(\d+)/.exec(info)?.[1] ?? 0);
}

describe('a crawl job of a page with 100,000 links runs again after its process was killed', () => {
  it('the re-run checks the links that were admitted, not all 100,000 one round trip at a time', async () => {
    const id = await submitCrawl(system, {
      urls: [`${server.url}/links.html`],
      maxDepth: 1,
      maxPages: 50,
      analyze: false,
    });
    // Kill the process while it holds the page's job (fetched, being parsed): the job stalls and runs again.
    await waitUntil(
      'the links page being processed',
      async () => (server.requests.get('/links.html') ?? 0) >= 1 && (await jobCounts(client.queues)).crawl!.active! > 0,
    );
    const before = await hgetallCalls();
    await system.killChild('crawl-worker');
    expect((await waitForEnd(client.state, id, 400_000)).status).toBe('completed');
    expect(system.linesMatching((line) => String(line.msg).startsWith('job stalled')).length).toBeGreaterThan(0);
    const calls = (await hgetallCalls()) - before;
    expect(calls, `HGETALL calls during the re-run: ${calls}`).toBeLessThan(5_000);
  }, 600_000);
});
