// Issue 16's known answers on real text: the report of a crawl of the bundled fixture sites (all of them) and of the
// sample site, built by the real workers, is one a Japanese reader would accept.
import type { PageResult, Report } from '@kumo/contract';
import { sampleSite, startSiteServer, type SiteServer } from '@kumo/sample-site';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { waitForDone } from '../helpers/analysis-harness.js';
import { openCrawlClient, type CrawlClient } from '../helpers/crawl-harness.js';
import { testEnv, uniquePrefix } from '../helpers/env.js';
import { fixtureNotice, fixtureSitesDir, hasFixtureSites } from '../helpers/fixtures.js';
import { startApp, type AppProcess } from '../helpers/processes.js';

const redisUrl = inject('redisUrl');
const prefix = uniquePrefix('repq');
let crawler: AppProcess;
let analyser: AppProcess;
let client: CrawlClient;
const servers: SiteServer[] = [];

beforeAll(async () => {
  const env = testEnv({ redisUrl, prefix });
  crawler = startApp('crawl-worker', env);
  analyser = startApp('analysis-worker', env);
  client = openCrawlClient({ redisUrl, prefix });
  await Promise.all([crawler.waitReady(), analyser.waitReady(1, 90_000)]);
});

afterAll(async () => {
  await Promise.all([crawler?.stop(), analyser?.stop()]);
  await client?.close();
  await Promise.all(servers.map((server) => server.close()));
});

/** The whole site from `/index.html`: its report and pages. */
async function reportOf(options: Parameters<typeof startSiteServer>[0]) {
  const server = await startSiteServer(options);
  servers.push(server);
  const id = await client.submit({ urls: [`${server.url}/index.html`], maxDepth: 10, maxPages: 1000 });
  const { status } = await waitForDone(client.state, id, { timeoutMs: 240_000 });
  expect(status).toBe('completed');
  return { report: (await client.state.reports.getReport(id)) as Report, pages: await client.readPages(id) };
}

/** The part of speech the pages gave each term (their most frequent one). */
function posOf(pages: PageResult[]): Map<string, string> {
  const counts = new Map<string, Map<string, number>>();
  for (const page of pages) {
    for (const { term, pos, count } of page.analysis?.terms ?? []) {
      const byPos = counts.get(term) ?? new Map<string, number>();
      byPos.set(pos, (byPos.get(pos) ?? 0) + count);
      counts.set(term, byPos);
    }
  }
  return new Map([...counts].map(([term, byPos]) => [term, [...byPos].sort((a, b) => b[1] - a[1])[0]![0]]));
}

/** Keywords among the first `n` that are verbs or adjectives. */
function predicatesIn(report: Report, pages: PageResult[], n: number): string[] {
  const pos = posOf(pages);
  return report.keywords
    .slice(0, n)
    .map(({ term }) => term)
    .filter((term) => ['動詞', '形容詞'].includes(pos.get(term.toLowerCase()) ?? '名詞'));
}

function expectLatinVariationsFilled(report: Report) {
  for (const { term, forms } of report.variations) {
    if ('katakana' in forms) continue;
    for (const [name, form] of Object.entries(forms)) expect(form, `${term}.${name}`).not.toBe('');
  }
}

describe('report quality on real text', () => {
  it.skipIf(!hasFixtureSites)(
    `keeps code tokens out, compounds whole and verbs down on the fixture sites${fixtureNotice}`,
    async () => {
      const { report, pages } = await reportOf({ dir: fixtureSitesDir });
      expect(report.pages.fetched).toBeGreaterThan(300);
      const top50 = report.keywords.slice(0, 50).map(({ term }) => term);
      // No single letter (x, e, f) and no identifier (int1, str1, e1) among the top 50.
      for (const term of top50) {
        expect(term, 'a single Latin letter').not.toMatch(/^\p{Script=Latin}$/u);
        expect(term, 'an identifier').not.toMatch(/^\p{Script=Latin}{1,3}\d+$|_|^\p{Ll}+\p{Lu}/u);
      }
      expect(predicatesIn(report, pages, 20).length).toBeLessThanOrEqual(2);
      // Compounds are keywords; a part found inside one compound most of the time is not.
      const keywords = new Set(report.keywords.map(({ term }) => term));
      for (const compound of ['プラグイン', '正規表現', '文字列']) expect(keywords.has(compound), compound).toBe(true);
      for (const part of ['プラグ', 'イン', '正規', '表現', '列']) expect(keywords.has(part), part).toBe(false);
      expect(report.keywords.find(({ term }) => term === 'プラグイン')?.reading).toBe('プラグイン');
      expect(report.keywords.find(({ term }) => term === '正規表現')?.reading).toBe('セイキヒョウゲン');
      // No pair of a compound with its own part, and no phrase that is code.
      for (const { a, b } of report.cooccurrence) expect(a.includes(b) || b.includes(a), `${a} × ${b}`).toBe(false);
      for (const { phrase } of report.phrases) expect(phrase, 'a code phrase').not.toMatch(/^[a-z]{1,3}\d+$/);
      expect(report.variations.find(({ term }) => term === 'ファイル')?.forms.romaji).toBe('fairu');
      expectLatinVariationsFilled(report);
      // Readings in context: the manuals' 行 is a line (改行, 行頭, 行末), not kuromoji's クダリ.
      expect(report.keywords.find(({ term }) => term === '行')?.reading).toBe('ギョウ');
    },
    300_000,
  );

  it('keeps generic verbs and adjectives out of the top of the sample site', async () => {
    const { report, pages } = await reportOf({ site: sampleSite() });
    expect(predicatesIn(report, pages, 20).length).toBeLessThanOrEqual(2);
    // 思う is on every page: not among the top 20, and in no pair.
    expect(report.keywords.slice(0, 20).map(({ term }) => term)).not.toContain('思う');
    for (const { a, b } of report.cooccurrence) expect([a, b]).not.toContain('思う');
    expectLatinVariationsFilled(report);
    // Readings in context: the NLP pages' 仮名 is kana (平仮名, 片仮名, 送り仮名), not kuromoji's カメイ.
    expect(report.keywords.find(({ term }) => term === '仮名')?.reading).toBe('カナ');
  }, 300_000);
});
