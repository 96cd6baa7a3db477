import type { Analysis, Report } from '@kumo/contract';
import { startConditionalSite, type ConditionalPage, type ConditionalSite } from '@kumo/sample-site';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { analysesByUrl, analyzeJobLines, waitForDone } from '../helpers/analysis-harness.js';
import { openCrawlClient, pagesByUrl, type CrawlClient } from '../helpers/crawl-harness.js';
import { testEnv, uniquePrefix } from '../helpers/env.js';
import { startApp, type AppProcess } from '../helpers/processes.js';

// Conditional re-fetch end to end (#17), real worker processes and a real site on 127.0.0.1: a second crawl of the
// same site with a `previousId` sends If-None-Match / If-Modified-Since for the pages the first fetched with
// validators, the site answers 304 for the unchanged ones, those are not analysed again (no analyze job: the crawl
// worker records the previous analysis in its `reuse` stage), their links are still followed, counts.notModified
// counts them, and the report's diff holds the keywords of the page that changed and only those.

const redisUrl = inject('redisUrl');
const prefix = uniquePrefix('reval');

/** The site: a home page, a page reached only through another one (/tokyo/tower), a page without validators. */
const PAGES: Record<string, ConditionalPage> = {
  '/': {
    links: ['/tokyo', '/kyoto', '/osaka', '/plain'],
    validation: 'etag',
    text: '日本の旅行案内です。東京と京都と大阪の名所を紹介します。旅行の計画に役立ててください。',
  },
  '/tokyo': {
    links: ['/tokyo/tower'],
    validation: 'etag',
    text: '東京の天気は晴れです。東京タワーから富士山が見えました。東京の夜景は美しいです。',
  },
  '/tokyo/tower': {
    links: [],
    validation: 'last-modified',
    text: '東京タワーの展望台に登りました。展望台からの眺めは素晴らしく、富士山まで見えました。',
  },
  '/kyoto': {
    links: [],
    validation: 'last-modified',
    text: '京都の寺院を訪ねました。京都の紅葉は美しく、寺院の庭園は静かでした。',
  },
  '/osaka': {
    links: [],
    validation: 'etag',
    text: '大阪の料理は美味しい。大阪城の近くで料理教室に参加しました。たこ焼きの料理が人気です。',
  },
  '/plain': { links: [], validation: 'none', text: '案内の問い合わせは窓口までお願いします。窓口は毎日開いています。' },
};
/** What /osaka says in the second run. */
const OSAKA_AFTER = '北海道の雪祭りに行きました。札幌の雪像は大きく、雪祭りの夜は寒かったです。';

let crawler: AppProcess;
let analyser: AppProcess;
let client: CrawlClient;
let site: ConditionalSite;

beforeAll(async () => {
  const env = testEnv({ redisUrl, prefix });
  crawler = startApp('crawl-worker', env);
  analyser = startApp('analysis-worker', env);
  client = openCrawlClient({ redisUrl, prefix });
  site = await startConditionalSite(PAGES);
  await Promise.all([crawler.waitReady(), analyser.waitReady(1, 90_000)]);
});

afterAll(async () => {
  await Promise.all([crawler?.stop(), analyser?.stop()]);
  await client?.close();
  await site?.close();
});

/** Terms and phrases of an analysis: what a keyword of the report can be. */
function wordsOf(analysis: Analysis | undefined): string[] {
  return [...(analysis?.terms.map((t) => t.term) ?? []), ...(analysis?.phrases.map((p) => p.phrase) ?? [])];
}

describe('conditional re-fetch and the report diff (two crawls of one site)', () => {
  it('asks again conditionally, reuses the analyses of 304 pages, follows their links, and diffs the report', async () => {
    const request = { urls: [`${site.url}/`], maxDepth: 3, maxPages: 50 };
    const previousId = await client.submit(request);
    const first = await waitForDone(client.state, previousId);
    expect(first.status).toBe('completed');
    expect(site.requests.some((r) => r.ifNoneMatch !== undefined || r.ifModifiedSince !== undefined)).toBe(false);
    const firstAnalyses = analysesByUrl(first.events);
    expect(firstAnalyses.size).toBe(6);

    site.change('/osaka', OSAKA_AFTER);
    site.requests.length = 0;
    const id = await client.submit(request, { previousId });
    const second = await waitForDone(client.state, id);
    expect(second.status).toBe('completed');

    // The site saw conditional requests for every page the first crawl fetched with validators.
    const byPath = new Map(site.requests.map((r) => [r.path, r]));
    expect([...byPath.keys()].sort()).toEqual(Object.keys(PAGES).sort());
    expect(byPath.get('/')).toMatchObject({ ifNoneMatch: '"/-v1"', status: 304 });
    expect(byPath.get('/tokyo')).toMatchObject({ ifNoneMatch: '"/tokyo-v1"', status: 304 });
    expect(byPath.get('/tokyo/tower')).toMatchObject({
      ifModifiedSince: site.lastModifiedOf('/tokyo/tower'),
      status: 304,
    });
    expect(byPath.get('/kyoto')).toMatchObject({ ifModifiedSince: site.lastModifiedOf('/kyoto'), status: 304 });
    expect(byPath.get('/osaka')).toMatchObject({ ifNoneMatch: '"/osaka-v1"', status: 200 });
    expect(byPath.get('/plain')).toEqual({ path: '/plain', status: 200 });
    const unchanged = ['/', '/tokyo', '/tokyo/tower', '/kyoto'].map((path) => `${site.url}${path}`);

    // 304 pages: fetched, notModified, the first crawl's analysis; /tokyo/tower was reached through a 304 page.
    const pages = pagesByUrl(await client.readPages(id));
    expect(pages.size).toBe(6);
    for (const url of unchanged) {
      expect(pages.get(url), url).toMatchObject({ status: 'fetched', notModified: true, httpStatus: 304 });
      expect(pages.get(url)?.analysis, url).toEqual(firstAnalyses.get(url));
    }
    expect(pages.get(`${site.url}/osaka`)?.notModified).toBeUndefined();
    const crawl = (await client.state.records.getCrawl(id))!.crawl;
    expect(crawl.counts).toMatchObject({ fetched: 6, failed: 0, analyzed: 6, notModified: 4 });

    // Not tokenised again: the analysis worker ran an analyze job only for the two pages read in full, and the crawl
    // worker recorded the four others in its `reuse` stage.
    const analyzed = analyzeJobLines(analyser, id).map((line) => line.url as string);
    expect(analyzed.sort()).toEqual([`${site.url}/osaka`, `${site.url}/plain`]);
    const reused = crawler.lines.filter(
      (line) =>
        line.msg === 'job finished' && line.crawlId === id && (line.stages as { reuse?: number })?.reuse !== undefined,
    );
    expect(reused.map((line) => line.url as string).sort()).toEqual([...unchanged].sort());

    // The diff: keywords of /osaka before and after, nothing of the pages that did not change.
    const report = (await client.state.reports.getReport(id)) as Report;
    const diff = report.diff!;
    expect(diff.previousId).toBe(previousId);
    const osaka = new Set([
      ...wordsOf(firstAnalyses.get(`${site.url}/osaka`)),
      ...wordsOf(pages.get(`${site.url}/osaka`)?.analysis),
    ]);
    const entries = [...diff.added, ...diff.removed, ...diff.rising, ...diff.falling].map((entry) => entry.term);
    expect(entries.length).toBeGreaterThan(0);
    for (const term of entries) expect(osaka.has(term), term).toBe(true);
    expect(diff.added.map((e) => e.term)).toEqual(expect.arrayContaining(['北海道', '札幌']));
    expect(diff.removed.map((e) => e.term)).toContain('料理');
    // 大阪 is on the home page too: it stays a keyword, with a lower score.
    expect(entries).toContain('大阪');
    expect(entries).not.toContain('京都');
    expect(entries).not.toContain('東京');
    // The first crawl's report has no previous run to compare with.
    expect(await client.state.reports.getReport(previousId)).not.toHaveProperty('diff');
  });
});
