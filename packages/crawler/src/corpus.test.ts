import { existsSync, readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reply, startServer, type TestServer } from './__fixtures__/http-server.js';
import { createCrawler, type Crawler } from './crawler.js';

// The shared corpus of real Japanese sites (see its SOURCE.md); optional, so a clone without it still tests green.
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SITES = path.resolve(REPO_ROOT, '../shared/fixtures/sites');
const HAVE_SITES = existsSync(path.join(SITES, 'PAGES.tsv'));

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.htm': 'text/html',
  '.txt': 'text/plain',
  '.css': 'text/css',
};

/** A tiny static file server: like `python3 -m http.server`, it sends `text/html` without a charset. */
async function serveSites(): Promise<TestServer> {
  return startServer((request, response) => {
    void (async () => {
      const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
      let file = path.join(SITES, path.normalize(pathname));
      if (!file.startsWith(SITES)) return reply(response, 403);
      const info = await stat(file).catch(() => undefined);
      if (info?.isDirectory()) file = path.join(file, 'index.html');
      const body = await readFile(file).catch(() => undefined);
      if (body === undefined) return reply(response, 404, 'not found', { 'content-type': 'text/plain' });
      const type = TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
      return reply(response, 200, body, { 'content-type': type, 'content-length': body.length });
    })();
  });
}

/** PAGES.tsv's `actual` column → the WHATWG name we must report (`ascii` pages: whatever they declare). */
function expectedCharset(declared: string, actual: string): string | undefined {
  if (actual.startsWith('shift_jis')) return 'shift_jis';
  if (actual.startsWith('utf-8')) return 'utf-8';
  if (actual === 'euc-jp' || actual === 'iso-2022-jp') return actual;
  if (declared === 'ascii') return 'windows-1252';
  if (declared === 'euc-jp' || declared === 'utf-8') return declared;
  if (declared === 'shift_jis') return 'shift_jis';
  return undefined;
}

function readPages(): { page: string; declared: string; actual: string }[] {
  return readFileSync(path.join(SITES, 'PAGES.tsv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [page = '', declared = '', , actual = ''] = line.split('\t');
      return { page, declared, actual };
    });
}

describe.skipIf(!HAVE_SITES)('real corpus (../shared/fixtures/sites)', () => {
  let site: TestServer;
  let crawler: Crawler;
  beforeAll(async () => {
    site = await serveSites();
    crawler = createCrawler({ allowHosts: ['127.0.0.1'] });
  });
  afterAll(async () => {
    await crawler.close();
    await site.close();
  });

  const crawl = (page: string) =>
    crawler.crawlPage({ url: `${site.origin}/${page}`, depth: 0, scope: 'same-host', respectRobots: false });

  it('w3m-doc-jp/MANUAL.html: undeclared EUC-JP', async () => {
    const { page, text } = await crawl('w3m-doc-jp/MANUAL.html');
    expect(page).toMatchObject({ status: 'fetched', charset: 'euc-jp', title: 'w3m manual' });
    expect(text).toContain('w3m マニュアル');
    expect(text).not.toContain('\uFFFD');
  });

  it('namazu-doc-1999/ja/ml.html: undeclared ISO-2022-JP', async () => {
    const { page, text } = await crawl('namazu-doc-1999/ja/ml.html');
    expect(page).toMatchObject({ status: 'fetched', charset: 'iso-2022-jp', title: 'Namazu Mailing List' });
    expect(text).toContain('Namazu メイリングリスト');
    expect(text).not.toContain('\uFFFD');
  });

  it('mincaml/tutorial-mincaml-1.htm: Shift_JIS MS Word HTML', async () => {
    const { page, text } = await crawl('mincaml/tutorial-mincaml-1.htm');
    expect(page).toMatchObject({ status: 'fetched', charset: 'shift_jis' });
    expect(text).toMatch(/MinCaml/);
    expect(text).toMatch(/[\u3040-\u30ff]/);
    expect(text).not.toContain('\uFFFD');
    // Word's <xml> island lives in a conditional comment: none of its metadata leaks into the text.
    expect(text).not.toContain('DocumentProperties');
  });

  it('sakura-help/HLP000001.html: UTF-8 with a BOM, <noscript> navigation', async () => {
    const { page, text, links } = await crawl('sakura-help/HLP000001.html');
    expect(page).toMatchObject({ status: 'fetched', charset: 'utf-8', title: 'サクラエディタ ヘルプ目次', lang: 'ja' });
    expect(text).toContain('サクラエディタ');
    expect(text).not.toContain('\uFFFD');
    expect(links.length).toBeGreaterThan(50);
  });

  it('mincaml/index.html: a frameset, reachable only through <frame src>', async () => {
    const { page, links, text } = await crawl('mincaml/index.html');
    expect(page).toMatchObject({ status: 'fetched', charset: 'euc-jp', title: '速攻MinCamlコンパイラ概説' });
    expect(links).toEqual([
      `${site.origin}/mincaml/navi.html`,
      `${site.origin}/mincaml/tutorial-mincaml-1.htm`,
      `${site.origin}/mincaml/min-caml.html`,
    ]);
    expect(text).toBe('');
  });

  it('skips the plain-text EUC-JP files as content-type', async () => {
    const { page } = await crawl('w3m-doc-jp/README.func');
    expect(page).toMatchObject({ status: 'skipped', reason: 'content-type' });
  });

  it('decodes every page of PAGES.tsv with the expected charset and no U+FFFD', async () => {
    const pages = readPages();
    expect(pages.length).toBeGreaterThan(300);
    const mismatches: string[] = [];
    for (const { page, declared, actual } of pages) {
      const outcome = await crawl(page);
      const want = expectedCharset(declared, actual);
      if (outcome.page.status !== 'fetched') mismatches.push(`${page}: ${outcome.page.status}`);
      else if (want !== undefined && outcome.page.charset !== want) {
        mismatches.push(`${page}: ${outcome.page.charset} (want ${want})`);
      } else if (outcome.text.includes('\uFFFD')) mismatches.push(`${page}: U+FFFD in text`);
    }
    expect(mismatches).toEqual([]);
  }, 120_000);
});

if (!HAVE_SITES) {
  describe('real corpus', () => {
    it.skip(`skipped: ../shared/fixtures/sites not found (looked in ${SITES})`, () => undefined);
  });
}
