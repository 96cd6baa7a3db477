import { expectedReachable, generateSite, startSiteServer, type SiteServer } from '@kumo/sample-site';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openCrawlClient, pagesByUrl, type CrawlClient } from '../helpers/crawl-harness.js';
import { testEnv, uniquePrefix } from '../helpers/env.js';
import { startApp, type AppProcess } from '../helpers/processes.js';

const redisUrl = inject('redisUrl');
const prefix = uniquePrefix('two');
const site = generateSite({ pages: 250, seed: 'two-apps', bytesPerPage: 3000 });
let apps: AppProcess[] = [];
let client: CrawlClient;
let server: SiteServer;

beforeAll(async () => {
  const env = testEnv({ redisUrl, prefix, overrides: { WORKER_PROCESSES: '1', CRAWL_CONCURRENCY: '10' } });
  apps = [startApp('crawl-worker', env), startApp('crawl-worker', env)];
  client = openCrawlClient({ redisUrl, prefix });
  // A little latency per page, so both apps have jobs in flight at the same time.
  server = await startSiteServer({ site, faults: { slowMs: 20 } });
  await Promise.all(apps.map((app) => app.waitReady()));
});

afterAll(async () => {
  await Promise.all(apps.map((app) => app.stop()));
  await client?.close();
  await server?.close();
});

describe('two crawl-worker apps against one Redis', () => {
  it('never fetch the same URL twice in one crawl', async () => {
    const id = await client.submit({
      urls: [`${server.url}/index.html`],
      maxDepth: 10,
      maxPages: 1000,
      analyze: false,
    });
    await client.waitForCrawlDrained();

    const expected = expectedReachable(site.manifest, { maxDepth: 10, baseUrl: server.url });
    const pages = pagesByUrl(await client.readPages(id));
    expect([...pages.keys()].sort()).toEqual([...expected.pages.keys()].sort());
    for (const page of expected.pages.values()) {
      expect(server.requests.get(page.path) ?? 0, page.path).toBe(page.reason === 'robots' ? 0 : 1);
    }
    // Both apps took part (otherwise this proves nothing about sharing the work).
    const jobsPerApp = apps.map((app) => app.lines.filter((line) => line.msg === 'job finished').length);
    for (const jobs of jobsPerApp) expect(jobs).toBeGreaterThan(10);
    expect(jobsPerApp.reduce((sum, n) => sum + n, 0)).toBe(expected.pages.size);
    expect(await client.rootState(id)).toBe('waiting');
  });
});
