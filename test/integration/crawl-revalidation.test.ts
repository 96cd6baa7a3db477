import { startConditionalSite, type ConditionalSite } from '@kumo/sample-site';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { analysesByUrl, analyzeJobLines, waitForDone } from '../helpers/analysis-harness.js';
import { openCrawlClient, type CrawlClient } from '../helpers/crawl-harness.js';
import { testEnv, uniquePrefix } from '../helpers/env.js';
import { startApp, type AppProcess } from '../helpers/processes.js';
import {
  CHANGED_PATH,
  CHANGED_TEXT,
  expectRevalidatedRun,
  reusedUrls,
  REVALIDATION_PAGES,
} from '../helpers/revalidation-site.js';

// Conditional re-fetch end to end (#17), real worker processes and a real site on 127.0.0.1: a second crawl of the
// same site with a `previousId` sends If-None-Match / If-Modified-Since for the pages the first fetched with
// validators, the site answers 304 for the unchanged ones, those are not analysed again (no analyze job: the crawl
// worker records the previous analysis in its `reuse` stage), their links are still followed, counts.notModified
// counts them, and the report's diff holds the keywords of the page that changed and only those. The same through
// a schedule's runs: schedule-revalidation.test.ts.

const redis = inject('redisEnv');
const prefix = uniquePrefix('reval');

let crawler: AppProcess;
let analyser: AppProcess;
let client: CrawlClient;
let site: ConditionalSite;

beforeAll(async () => {
  const env = testEnv({ redis, prefix });
  crawler = startApp('crawl-worker', env);
  analyser = startApp('analysis-worker', env);
  client = openCrawlClient({ redis, prefix });
  site = await startConditionalSite(REVALIDATION_PAGES);
  await Promise.all([crawler.waitReady(), analyser.waitReady(1, 90_000)]);
});

afterAll(async () => {
  await Promise.all([crawler?.stop(), analyser?.stop()]);
  await client?.close();
  await site?.close();
});

describe('conditional re-fetch and the report diff (two crawls of one site)', () => {
  it('asks again conditionally, reuses the analyses of 304 pages, follows their links, and diffs the report', async () => {
    const request = { urls: [`${site.url}/`], maxDepth: 3, maxPages: 50 };
    const previousId = await client.submit(request);
    const first = await waitForDone(client.state, previousId);
    expect(first.status).toBe('completed');
    expect(site.requests.some((r) => r.ifNoneMatch !== undefined || r.ifModifiedSince !== undefined)).toBe(false);
    const firstAnalyses = analysesByUrl(first.events);
    expect(firstAnalyses.size).toBe(Object.keys(REVALIDATION_PAGES).length);
    // The first crawl has no previous run: no diff, and no notModified count.
    expect(await client.state.reports.getReport(previousId)).not.toHaveProperty('diff');
    expect((await client.state.records.getCrawl(previousId))?.crawl.counts).not.toHaveProperty('notModified');

    site.change(CHANGED_PATH, CHANGED_TEXT);
    site.requests.length = 0;
    const id = await client.submit(request, { previousId });
    expect((await waitForDone(client.state, id)).status).toBe('completed');

    expectRevalidatedRun(site, {
      previousId,
      pages: await client.readPages(id),
      counts: (await client.state.records.getCrawl(id))!.crawl.counts,
      report: (await client.state.reports.getReport(id))!,
      analyzedUrls: analyzeJobLines(analyser, id).map((line) => line.url as string),
      reusedUrls: reusedUrls(crawler, id),
      firstAnalyses,
    });
  });
});
