import type { Analysis, CrawlCounts, PageResult, Report } from '@kumo/contract';
import type { ConditionalPage, ConditionalSite } from '@kumo/sample-site';
import { expect } from 'vitest';
import type { AppProcess } from './processes.js';

// The site and the expectations of the conditional re-fetch tests (#17): a first crawl reads every page, then
// /osaka changes, and a second crawl with the first as its `previousId` must ask again conditionally.

/** A home page, a page reached only through another one (/tokyo/tower), a page without validators. */
export const REVALIDATION_PAGES: Record<string, ConditionalPage> = {
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

/** The page that changes between the two crawls, and what it says the second time. */
export const CHANGED_PATH = '/osaka';
export const CHANGED_TEXT = '北海道の雪祭りに行きました。札幌の雪像は大きく、雪祭りの夜は寒かったです。';

/** The pages with validators that do not change: the second crawl gets a 304 for each. */
export const UNCHANGED_PATHS = ['/', '/tokyo', '/tokyo/tower', '/kyoto'];

/** What the second crawl left behind, as the test read it (through the API or the crawl state). */
export interface SecondRun {
  previousId: string;
  /** The second crawl's pages, with their analyses. */
  pages: readonly PageResult[];
  counts: CrawlCounts;
  report: Report;
  /** URLs the analysis worker ran an analyze job for, in this crawl. */
  analyzedUrls: readonly string[];
  /** URLs whose crawl job recorded a `reuse` stage, in this crawl. */
  reusedUrls: readonly string[];
  /** The first crawl's analyses by URL. */
  firstAnalyses: ReadonlyMap<string, Analysis>;
}

/** URLs whose crawl job recorded a `reuse` stage (a 304 page's previous analysis) in crawl `id`: the crawl-worker's lines. */
export function reusedUrls(app: AppProcess, id: string): string[] {
  return app.lines
    .filter((line) => line.msg === 'job finished' && line.crawlId === id)
    .filter((line) => (line.stages as { reuse?: number } | undefined)?.reuse !== undefined)
    .map((line) => line.url as string);
}

function wordsOf(analysis: Analysis | undefined): string[] {
  return [...(analysis?.terms.map((t) => t.term) ?? []), ...(analysis?.phrases.map((p) => p.phrase) ?? [])];
}

/**
 * The "Done when" for the second crawl: conditional requests for the pages fetched with validators, 304s for
 * the unchanged ones, those recorded `notModified` with the first crawl's analysis and not analysed again, their links
 * followed, counts.notModified, and a report diff made of the changed page's keywords only.
 */
export function expectRevalidatedRun(site: ConditionalSite, run: SecondRun): void {
  const url = (path: string) => `${site.url}${path}`;
  const byPath = new Map(site.requests.map((r) => [r.path, r]));
  expect([...byPath.keys()].sort()).toEqual(Object.keys(REVALIDATION_PAGES).sort());
  expect(site.requests).toHaveLength(Object.keys(REVALIDATION_PAGES).length);
  for (const path of UNCHANGED_PATHS) {
    const validation = REVALIDATION_PAGES[path]!.validation;
    const expected =
      validation === 'etag' ? { ifNoneMatch: site.etagOf(path) } : { ifModifiedSince: site.lastModifiedOf(path) };
    expect(byPath.get(path), path).toMatchObject({ ...expected, status: 304 });
  }
  // The changed page was asked for with its old ETag, and read in full; the page without validators unconditionally.
  expect(byPath.get(CHANGED_PATH)).toMatchObject({ ifNoneMatch: '"/osaka-v1"', status: 200 });
  expect(byPath.get('/plain')).toEqual({ path: '/plain', status: 200 });

  const pages = new Map(run.pages.map((page) => [page.url, page]));
  expect(pages.size).toBe(Object.keys(REVALIDATION_PAGES).length);
  for (const path of UNCHANGED_PATHS) {
    // /tokyo/tower is reached only through /tokyo, a 304 page: its links were followed.
    expect(pages.get(url(path)), path).toMatchObject({ status: 'fetched', notModified: true, httpStatus: 304 });
    expect(pages.get(url(path))?.analysis, path).toEqual(run.firstAnalyses.get(url(path)));
  }
  expect(pages.get(url(CHANGED_PATH))).toMatchObject({ status: 'fetched', httpStatus: 200 });
  expect(pages.get(url(CHANGED_PATH))?.notModified).toBeUndefined();
  expect(run.counts).toMatchObject({ fetched: 6, failed: 0, analyzed: 6, notModified: UNCHANGED_PATHS.length });

  // Not tokenised again: analyze jobs only for the pages read in full; the 304 pages went through `reuse`.
  expect([...run.analyzedUrls].sort()).toEqual([url(CHANGED_PATH), url('/plain')].sort());
  expect([...run.reusedUrls].sort()).toEqual(UNCHANGED_PATHS.map(url).sort());

  // The diff: keywords of the changed page (before or after), nothing of the pages that did not change.
  const diff = run.report.diff;
  expect(diff?.previousId).toBe(run.previousId);
  const changed = new Set([
    ...wordsOf(run.firstAnalyses.get(url(CHANGED_PATH))),
    ...wordsOf(pages.get(url(CHANGED_PATH))?.analysis),
  ]);
  const entries = [...diff!.added, ...diff!.removed, ...diff!.rising, ...diff!.falling].map((entry) => entry.term);
  expect(entries.length).toBeGreaterThan(0);
  for (const term of entries) expect(changed.has(term), term).toBe(true);
  expect(diff!.added.map((e) => e.term)).toEqual(expect.arrayContaining(['北海道', '札幌']));
  expect(diff!.removed.map((e) => e.term)).toContain('料理');
  // 大阪 is on the home page too: it stays a keyword, with a lower score.
  expect(entries).toContain('大阪');
  expect(entries).not.toContain('京都');
  expect(entries).not.toContain('東京');
}
