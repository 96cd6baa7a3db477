import { expectedReachable, generateSite, startSiteServer, type SiteServer } from '@kumo/sample-site';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openCrawlClient, pagesByUrl, type CrawlClient } from '../helpers/crawl-harness.js';
import { testEnv, uniquePrefix } from '../helpers/env.js';
import { startApp, type AppProcess } from '../helpers/processes.js';

const CONCURRENCY = 3;
const redisUrl = inject('redisUrl');
const prefix = uniquePrefix('kill');
const site = generateSite({ pages: 60, seed: 'worker-kill', bytesPerPage: 2000 });
let app: AppProcess;
let client: CrawlClient;
let server: SiteServer;

beforeAll(async () => {
  app = startApp(
    'crawl-worker',
    testEnv({ redisUrl, prefix, overrides: { WORKER_PROCESSES: '2', CRAWL_CONCURRENCY: String(CONCURRENCY) } }),
  );
  client = openCrawlClient({ redisUrl, prefix });
  // Slow pages: the crawl takes a few seconds, so the kill lands mid-crawl with fetches in flight.
  server = await startSiteServer({ site, faults: { slowMs: 250 } });
  await app.waitReady(2);
});

afterAll(async () => {
  await app?.stop();
  await client?.close();
  await server?.close();
});

describe('a crawl-worker process killed mid-crawl', () => {
  it('is restarted by the supervisor, its jobs are retried, and the results hold every page exactly once', async () => {
    const id = await client.submit({
      urls: [`${server.url}/index.html`],
      maxDepth: 10,
      maxPages: 1000,
      analyze: false,
    });
    const finished = await app.waitForLog((line) => line.msg === 'job finished' && line.crawlId === id, { count: 8 });
    const victim = Number(finished.at(-1)!.pid);
    expect(app.childPids()).toContain(victim);
    process.kill(victim, 'SIGKILL');

    // The supervisor forks a replacement, which comes up ready.
    await app.waitForLog((line) => line.restart === true && line.slot !== undefined);
    await app.waitReady(3);
    await client.waitForCrawlDrained({ timeoutMs: 90_000 });
    // The killed process held jobs: BullMQ's stalled check gave them back to the queue.
    expect(
      app.lines.filter((line) => typeof line.msg === 'string' && line.msg.startsWith('job stalled')).length,
    ).toBeGreaterThan(0);
    expect(app.childPids()).not.toContain(victim);
    expect(app.childPids()).toHaveLength(2);

    const expected = expectedReachable(site.manifest, { maxDepth: 10, baseUrl: server.url });
    // pagesByUrl fails on any URL recorded twice.
    const pages = pagesByUrl(await client.readPages(id));
    expect([...pages.keys()].sort()).toEqual([...expected.pages.keys()].sort());
    for (const [url, want] of expected.pages) expect(pages.get(url)?.status, url).toBe(want.status);
    // Only fetches in flight in the killed process may have happened twice at the server.
    let twice = 0;
    for (const page of expected.pages.values()) {
      const requests = server.requests.get(page.path) ?? 0;
      if (page.reason === 'robots') expect(requests, page.path).toBe(0);
      else expect(requests, page.path).toBeGreaterThanOrEqual(1);
      if (requests > 1) twice++;
    }
    expect(twice).toBeLessThanOrEqual(CONCURRENCY);
    expect(await client.state.records.counts(id)).toMatchObject({
      fetched: expected.fetched.size,
      failed: expected.failed.size,
      skipped: expected.skipped.size,
    });
    expect(await client.rootState(id)).toBe('waiting');
  });
});
