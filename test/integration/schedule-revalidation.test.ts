import {
  crawlSchema,
  pagesPageSchema,
  reportSchema,
  scheduleSchema,
  type Crawl,
  type PageResult,
} from '@kumo/contract';
import { startConditionalSite, type ConditionalSite } from '@kumo/sample-site';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { analyzeJobLines } from '../helpers/analysis-harness.js';
import { startInProcessApi, type InProcessApi } from '../helpers/api-harness.js';
import { testEnv, uniquePrefix } from '../helpers/env.js';
import { startApp, type AppProcess } from '../helpers/processes.js';
import {
  CHANGED_PATH,
  CHANGED_TEXT,
  expectRevalidatedRun,
  REVALIDATION_PAGES,
  reusedUrls,
} from '../helpers/revalidation-site.js';

// Issue #17's "Done when", through the public API: a schedule with a short test interval runs twice; its second run
// (previousId = the first) sends conditional headers, the site answers 304 for the unchanged pages, those are not
// tokenised again, and the second run's report has a diff whose entries come from the page that changed.

const redis = inject('redisEnv');
const prefix = uniquePrefix('schrev');
/** Long enough for the first run to end (a few seconds here) before the second starts; short enough for a test. */
const EVERY = 'PT15S';
const overrides = { SCHEDULE_MIN_INTERVAL_MS: '1000' };
let api: InProcessApi;
let crawler: AppProcess;
let analyser: AppProcess;
let site: ConditionalSite;

beforeAll(async () => {
  site = await startConditionalSite(REVALIDATION_PAGES);
  api = await startInProcessApi({ redis, prefix, overrides });
  crawler = startApp('crawl-worker', testEnv({ redis, prefix, overrides }));
  analyser = startApp('analysis-worker', testEnv({ redis, prefix, overrides }));
  await Promise.all([crawler.waitReady(1, 90_000), analyser.waitReady(1, 90_000)]);
});

afterAll(async () => {
  await Promise.all([crawler?.stop(), analyser?.stop()]);
  await api?.close();
  await site?.close();
});

async function json(path: string): Promise<unknown> {
  const response = await api.request(path);
  expect(response.status, `${path}: ${await response.clone().text()}`).toBe(200);
  return response.json();
}

/** The schedule's runs (crawls with its scheduleId), oldest first. */
async function runsOf(scheduleId: string): Promise<Crawl[]> {
  const page = (await json('/v1/crawls?limit=100')) as { items: unknown[] };
  return page.items
    .map((item) => crawlSchema.parse(item))
    .filter((crawl) => crawl.scheduleId === scheduleId)
    .reverse();
}

async function finished(id: string): Promise<Crawl> {
  let crawl: Crawl | undefined;
  await vi.waitFor(
    async () => {
      crawl = crawlSchema.parse(await json(`/v1/crawls/${id}`));
      expect(['completed', 'failed', 'cancelled']).toContain(crawl.status);
    },
    { timeout: 120_000, interval: 250 },
  );
  return crawl!;
}

async function pagesOf(id: string): Promise<PageResult[]> {
  return pagesPageSchema.parse(await json(`/v1/crawls/${id}/pages?limit=500`)).items;
}

describe('a schedule re-fetches conditionally and diffs its reports (#17)', () => {
  it('runs twice; the second run gets 304s, does not tokenise those pages, and reports the diff', async () => {
    const response = await api.request('/v1/schedules', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ crawl: { urls: [`${site.url}/`], maxDepth: 3, maxPages: 50 }, every: EVERY }),
    });
    expect(response.status, await response.clone().text()).toBe(201);
    const schedule = scheduleSchema.parse(await response.json());

    await vi.waitFor(async () => expect((await runsOf(schedule.id)).length).toBeGreaterThanOrEqual(1), {
      timeout: 60_000,
      interval: 250,
    });
    const [firstRun] = await runsOf(schedule.id);
    expect((await finished(firstRun!.id)).status).toBe('completed');
    // The second run must start after the first ended, or "previous run" would mean a crawl still in progress.
    expect(await runsOf(schedule.id), 'the first run ended before the second started').toHaveLength(1);
    expect(firstRun!.previousId).toBeUndefined();
    const firstPages = await pagesOf(firstRun!.id);
    expect(firstPages.every((page) => page.notModified === undefined)).toBe(true);

    site.change(CHANGED_PATH, CHANGED_TEXT);
    site.requests.length = 0;
    await vi.waitFor(async () => expect((await runsOf(schedule.id)).length).toBeGreaterThanOrEqual(2), {
      timeout: 60_000,
      interval: 250,
    });
    const secondRun = (await runsOf(schedule.id))[1]!;
    // No third run while the test reads the second: the schedule is deleted at once.
    expect((await api.request(`/v1/schedules/${schedule.id}`, { method: 'DELETE' })).status).toBe(204);
    expect(secondRun.previousId).toBe(firstRun!.id);
    const second = await finished(secondRun.id);
    expect(second.status).toBe('completed');

    expectRevalidatedRun(site, {
      previousId: firstRun!.id,
      pages: await pagesOf(secondRun.id),
      counts: second.counts,
      report: reportSchema.parse(await json(`/v1/crawls/${secondRun.id}/report`)),
      analyzedUrls: analyzeJobLines(analyser, secondRun.id).map((line) => line.url as string),
      reusedUrls: reusedUrls(crawler, secondRun.id),
      firstAnalyses: new Map(firstPages.map((page) => [page.url, page.analysis!])),
    });
  });
});
