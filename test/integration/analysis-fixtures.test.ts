import { createRequire } from 'node:module';
import path from 'node:path';
import kuromoji, { type IpadicFeatures, type Tokenizer } from 'kuromoji';
import { pageKeyOf } from '@kumo/crawl-jobs';
import { startSiteServer, type SiteServer } from '@kumo/sample-site';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { analysesByUrl, waitForDone } from '../helpers/analysis-harness.js';
import { openCrawlClient, pagesByUrl, type CrawlClient } from '../helpers/crawl-harness.js';
import { testEnv, uniquePrefix } from '../helpers/env.js';
import { fixtureNotice, fixtureSitesDir, hasFixtureSites } from '../helpers/fixtures.js';
import { startApp, type AppProcess } from '../helpers/processes.js';

/** One real page per encoding of the corpus (EUC-JP, ISO-2022-JP, Shift_JIS, UTF-8 with BOM). */
const PAGES = [
  'tdiary-doc/INSTALL.html',
  'w3m-doc-jp/MANUAL.html',
  'namazu-doc-1999/ja/intro.html',
  'mincaml/tutorial-mincaml-18.htm',
  'sakura-help/HLP000109.html',
];
/** The noun sub-classes the contract excludes from terms. */
const EXCLUDED_NOUN_CLASSES = new Set(['非自立', '代名詞', '数', '接尾']);

const redisUrl = inject('redisUrl');
const prefix = uniquePrefix('anafix');
const apps: AppProcess[] = [];
let client: CrawlClient;
let site: SiteServer;

/** kuromoji itself, built straight from its own dictionary: the reference the analysis is checked against. */
async function referenceTokenizer(): Promise<Tokenizer<IpadicFeatures>> {
  const require = createRequire(import.meta.url);
  const dicPath = path.join(path.dirname(require.resolve('kuromoji/package.json')), 'dict');
  return new Promise((resolve, reject) =>
    kuromoji.builder({ dicPath }).build((error, tokenizer) => (error ? reject(error) : resolve(tokenizer))),
  );
}

function termOf(token: IpadicFeatures): string {
  const base = token.basic_form === '*' ? token.surface_form : token.basic_form;
  const normalized = base.normalize('NFKC');
  return /\p{Script=Latin}/u.test(normalized) ? normalized.toLowerCase() : normalized;
}

beforeAll(async () => {
  if (!hasFixtureSites) return;
  site = await startSiteServer({ dir: fixtureSitesDir });
  client = openCrawlClient({ redisUrl, prefix });
});

afterAll(async () => {
  await Promise.all(apps.map((app) => app.stop()));
  await client?.close();
  await site?.close();
});

describe('analysis of real Japanese pages', () => {
  it.skipIf(!hasFixtureSites)(
    `matches what kuromoji returns for the text the crawler decoded (token counts, term counts)${fixtureNotice}`,
    async () => {
      // Crawl first, analysis worker not yet running: the decoded texts wait in tmp, where the test reads them.
      const crawler = startApp('crawl-worker', testEnv({ redisUrl, prefix }));
      apps.push(crawler);
      await crawler.waitReady();
      const urls = PAGES.map((page) => `${site.url}/${page}`);
      const id = await client.submit({ urls, maxDepth: 0, maxPages: 10 });
      await client.waitForCrawlDrained({ timeoutMs: 90_000 });
      const pages = pagesByUrl(await client.readPages(id));
      const texts = new Map<string, string>();
      for (const url of urls) {
        expect(pages.get(url), url).toMatchObject({ status: 'fetched' });
        const text = await client.state.texts.readPageText(id, pageKeyOf(url));
        expect(text, url).not.toBeNull();
        texts.set(url, text!);
      }
      expect(new Set(PAGES.map((page) => pages.get(`${site.url}/${page}`)!.charset))).toEqual(
        new Set(['euc-jp', 'iso-2022-jp', 'shift_jis', 'utf-8']),
      );

      const analyser = startApp('analysis-worker', testEnv({ redisUrl, prefix }));
      apps.push(analyser);
      const [reference] = await Promise.all([referenceTokenizer(), analyser.waitReady(1, 90_000)]);
      const { status, events } = await waitForDone(client.state, id, { timeoutMs: 120_000 });
      expect(status).toBe('completed');
      const analyses = analysesByUrl(events);
      expect([...analyses.keys()].sort()).toEqual([...urls].sort());

      for (const [url, text] of texts) {
        const analysis = analyses.get(url)!;
        const tokens = reference.tokenize(text).filter((token) => token.surface_form.trim() !== '');
        expect(analysis.tokens, `token count of ${url}`).toBe(tokens.length);
        expect(analysis.tokens, url).toBeGreaterThan(100);
        // The page's most frequent nouns, counted again from kuromoji's own tokens.
        const nouns = analysis.terms.filter((term) => term.pos === '名詞').slice(0, 5);
        expect(nouns.length, url).toBeGreaterThan(0);
        for (const term of nouns) {
          const count = tokens.filter(
            (token) =>
              token.pos === '名詞' && !EXCLUDED_NOUN_CLASSES.has(token.pos_detail_1) && termOf(token) === term.term,
          ).length;
          expect(term.count, `count of ${term.term} in ${url}`).toBe(count);
        }
      }
    },
    300_000,
  );
});
