// Issue 16's glossary end to end: a crawl's `glossary` (POST /v1/crawls) and the deployment's user dictionary
// (ANALYZER_USER_DICTIONARY, a CSV file) keep domain terms whole, with the reading given, in the page analyses and
// in the report, through the real API and both workers. kuromoji alone reads ふわりん as the adverb ふわり + んで,
// and splits 雲海エディタ and 星霜堂 (星霜 + the suffix 堂); 月読 is in IPADIC as ツキヨミ.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { PageResult, Report } from '@kumo/contract';
import { startSiteServer, type SiteServer } from '@kumo/sample-site';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { postCrawl, startAcceptedCrawl } from '../helpers/api-harness.js';
import { startSystem, type RunningSystem } from '../helpers/api-processes.js';
import { uniquePrefix } from '../helpers/env.js';

const redisUrl = inject('redisUrl');
let system: RunningSystem;
let site: SiteServer;
let dir: string;

const PAGES: Record<string, string> = {
  'index.html':
    'ふわりんで書く日記。ふわりんは星霜堂の新しい日記帳です。月読の画面で雲海エディタと比べました。' +
    '星霜堂によると、ふわりんは月読より軽い。',
  'a.html':
    '雲海エディタの設定を開きます。雲海エディタは星霜堂の製品ではありません。ふわりんで書いた文章を月読で読みます。' +
    'ふわりんの辞書も月読の辞書も更新しました。',
  'b.html':
    '月読の使い方。月読で開いた文書をふわりんで直します。星霜堂の雲海エディタ対応は来月です。' +
    '星霜堂のふわりんは月読とよく合います。',
};

function html(name: string, text: string): string {
  const links = Object.keys(PAGES)
    .filter((other) => other !== name)
    .map((other) => `<a href="${other}">${other}</a>`)
    .join(' ');
  return `<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>${name}</title></head><body><p>${text}</p><p>${links}</p></body></html>`;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'kumo-glossary-'));
  const siteDir = path.join(dir, 'site');
  mkdirSync(siteDir);
  for (const [name, text] of Object.entries(PAGES)) writeFileSync(path.join(siteDir, name), html(name, text));
  // The deployment's user dictionary: CSV lines term,reading,pos (a comment and a line without reading or pos too).
  const dictionary = path.join(dir, 'user-dictionary.csv');
  writeFileSync(dictionary, '# domain terms of the whole deployment\n星霜堂,セイソウドウ,名詞\n月読,ゲツドク\n');
  site = await startSiteServer({ dir: siteDir });
  system = await startSystem({
    redisUrl,
    prefix: uniquePrefix('glos'),
    overrides: { ANALYZER_USER_DICTIONARY: dictionary },
  });
}, 240_000);

afterAll(async () => {
  await system?.stop();
  await site?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Crawls the three pages with `extra` in the body; the completed crawl's report and analysed pages. */
async function crawl(extra: Record<string, unknown>): Promise<{ report: Report; pages: PageResult[] }> {
  const id = await startAcceptedCrawl(system, { urls: [`${site.url}/index.html`], maxDepth: 2, ...extra });
  await vi.waitFor(
    async () => {
      const crawlNow = (await (await system.request(`/v1/crawls/${id}`)).json()) as { status: string };
      expect(crawlNow.status).toBe('completed');
    },
    { timeout: 120_000, interval: 250 },
  );
  const report = (await (await system.request(`/v1/crawls/${id}/report`)).json()) as Report;
  const pages = (await (await system.request(`/v1/crawls/${id}/pages?limit=500`)).json()) as { items: PageResult[] };
  return { report, pages: pages.items.filter((page) => page.analysis !== undefined) };
}

function keyword(report: Report, term: string) {
  return report.keywords.find((entry) => entry.term === term);
}

describe('glossary through POST /v1/crawls', () => {
  it('keeps the crawl’s and the deployment’s terms whole, with their readings, in pages and report', async () => {
    const { report, pages } = await crawl({
      glossary: [
        { term: 'ふわりん', reading: 'フワリン' },
        { term: '月読', reading: 'ツクヨミ', pos: '名詞' },
        { term: '雲海エディタ' },
      ],
    });
    expect(pages.length).toBe(3);
    for (const page of pages) {
      const terms = new Map(page.analysis!.terms.map((term) => [term.term, term]));
      expect(terms.get('ふわりん'), page.url).toMatchObject({ reading: 'フワリン', pos: '名詞' });
      expect(terms.get('月読'), page.url).toMatchObject({ reading: 'ツクヨミ' });
      expect(terms.has('ふわり'), page.url).toBe(false);
    }
    // The crawl's own terms, the one without a reading read from its parts, and the deployment's.
    const written = Object.values(PAGES).join('').split('ふわりん').length - 1;
    expect(keyword(report, 'ふわりん')).toMatchObject({ reading: 'フワリン', tf: written, df: 3 });
    expect(keyword(report, '月読')?.reading, 'the crawl’s entry wins over the deployment’s').toBe('ツクヨミ');
    expect(keyword(report, '雲海エディタ')?.reading).toBe('ウンカイエディタ');
    expect(keyword(report, '星霜堂')?.reading).toBe('セイソウドウ');
    const terms = new Set(report.keywords.map(({ term }) => term));
    for (const part of ['ふわり', '雲海', '星霜', 'エディタ']) expect(terms.has(part), part).toBe(false);
    const variation = report.variations.find(({ term }) => term === 'ふわりん');
    expect(variation?.forms).toMatchObject({ katakana: 'フワリン', hiragana: 'ふわりん', romaji: 'fuwarin' });
  });

  it('keeps only the deployment’s terms whole for a crawl without a glossary', async () => {
    const { report } = await crawl({});
    expect(keyword(report, '星霜堂')?.reading).toBe('セイソウドウ');
    expect(keyword(report, '月読')?.reading).toBe('ゲツドク');
    expect(keyword(report, 'ふわりん')).toBeUndefined();
  });

  it.each([
    ['a reading not in katakana', [{ term: 'ふわりん', reading: 'ふわりん' }], 'glossary.0.reading'],
    ['a part of speech outside 名詞, 動詞, 形容詞', [{ term: 'ふわりん', pos: '副詞' }], 'glossary.0.pos'],
    ['an empty term', [{ term: ' ' }], 'glossary.0.term'],
    ['201 terms', Array.from({ length: 201 }, (_, i) => ({ term: `用語${i}` })), 'glossary'],
  ])('answers 400 naming the field for %s', async (_name, glossary, field) => {
    const response = await postCrawl(system, { urls: [`${site.url}/index.html`], glossary });
    const problem = (await response.json()) as { code: string; errors?: Array<{ path: string }> };
    expect(response.status).toBe(400);
    expect(problem.code).toBe('KUMO_API_VALIDATION');
    expect(problem.errors?.map(({ path: at }) => at)).toContain(field);
  });
});
