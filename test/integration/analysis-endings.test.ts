import { freePort } from '@kumo/local-redis';
import { sampleSite, SITE_PATHS, startSiteServer, type SiteServer } from '@kumo/sample-site';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { crawlKeysOf, waitForDone } from '../helpers/analysis-harness.js';
import { openCrawlClient, type CrawlClient } from '../helpers/crawl-harness.js';
import { testEnv, uniquePrefix } from '../helpers/env.js';
import { startApp, type AppProcess } from '../helpers/processes.js';

const redisUrl = inject('redisUrl');
const prefix = uniquePrefix('anaend');
let crawler: AppProcess;
let analyser: AppProcess;
let client: CrawlClient;
let site: SiteServer;
let slowSite: SiteServer;

beforeAll(async () => {
  const env = testEnv({ redisUrl, prefix });
  crawler = startApp('crawl-worker', env);
  analyser = startApp('analysis-worker', env);
  client = openCrawlClient({ redisUrl, prefix });
  [site, slowSite] = await Promise.all([
    startSiteServer({ site: sampleSite() }),
    startSiteServer({ site: sampleSite(), faults: { slowMs: 1500 } }),
  ]);
  await Promise.all([crawler.waitReady(), analyser.waitReady(1, 90_000)]);
});

afterAll(async () => {
  await Promise.all([crawler?.stop(), analyser?.stop()]);
  await client?.close();
  await Promise.all([site?.close(), slowSite?.close()]);
});

/** Waits for `done` and checks the crawl ended with `status`, `done` last and once, and its tmp keys gone. */
async function expectEnding(id: string, status: string) {
  const done = await waitForDone(client.state, id, { timeoutMs: 120_000 });
  const pages = await client.readPages(id);
  expect(done.status, `pages: ${JSON.stringify(pages)}`).toBe(status);
  expect(done.events.at(-1)?.type).toBe('done');
  expect(done.events.filter((event) => event.type === 'done')).toHaveLength(1);
  const crawl = (await client.state.records.getCrawl(id))!.crawl;
  expect(crawl.status).toBe(status);
  expect(crawl.finishedAt).toBeDefined();
  expect(await crawlKeysOf(redisUrl, prefix, 'tmp', id)).toEqual([]);
  return { crawl, events: done.events };
}

describe('crawls that do not complete still end', () => {
  it('ends a crawl cancelled right after submission as cancelled, with a done event', async () => {
    const id = await client.submit({ urls: [`${slowSite.url}/index.html`], maxDepth: 10, maxPages: 100 });
    expect(await client.state.lifecycle.requestCancel(id)).not.toBeNull();

    const { crawl } = await expectEnding(id, 'cancelled');
    // Nothing was fetched after the cancel: at most the seed, whose fetch may have started already.
    expect(crawl.counts.fetched).toBeLessThanOrEqual(1);
  }, 180_000);

  // An unreachable site fails its pages with the connection error (its robots.txt could not be fetched, which is
  // not a robots.txt that disallowed anything).
  const failing: [string, () => Promise<string>, { failed: number; skipped: number }][] = [
    ['a seed URL answering 404', async () => `${site.url}${SITE_PATHS.missing}`, { failed: 1, skipped: 0 }],
    [
      'a seed URL on a closed port',
      async () => `http://127.0.0.1:${await freePort()}/index.html`,
      { failed: 1, skipped: 0 },
    ],
  ];
  it.each(failing)(
    'ends a crawl whose every page fails (%s) as failed, with a done event and a report',
    async (_name, seed, counts) => {
      const id = await client.submit({ urls: [await seed()], maxDepth: 1, maxPages: 10 });

      const { crawl } = await expectEnding(id, 'failed');
      expect(crawl.counts).toMatchObject({ fetched: 0, ...counts });
      expect(await client.state.reports.getReport(id)).toMatchObject({
        id,
        pages: { fetched: 0, failed: counts.failed },
        keywords: [],
      });
    },
    180_000,
  );
});
