import type { PageResult, Report } from '@kumo/contract';
import { generateSite, sampleSite, startSiteServer, type SiteServer } from '@kumo/sample-site';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { toHepburn } from '@kumo/analyzer';
import { toHiragana } from 'wanakana';
import { analysesByUrl, analyzeJobLines, auditPrefix, crawlKeysOf, waitForDone } from '../helpers/analysis-harness.js';
import { openCrawlClient, type CrawlClient } from '../helpers/crawl-harness.js';
import { testEnv, uniquePrefix } from '../helpers/env.js';
import { fixtureNotice, fixtureSitesDir, hasFixtureSites } from '../helpers/fixtures.js';
import { startApp, type AppProcess } from '../helpers/processes.js';

const redisUrl = inject('redisUrl');
const prefix = uniquePrefix('anarep');
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

async function serve(options: Parameters<typeof startSiteServer>[0]): Promise<SiteServer> {
  const server = await startSiteServer(options);
  servers.push(server);
  return server;
}

/** Submits a crawl from `/index.html` and waits for its `done` event. */
async function crawlToTheEnd(server: SiteServer, maxPages = 1000) {
  const id = await client.submit({ urls: [`${server.url}/index.html`], maxDepth: 10, maxPages });
  const { status, events } = await waitForDone(client.state, id, { timeoutMs: 240_000 });
  return { id, status, events, pages: await client.readPages(id) };
}

/** The report agrees with the pages it was built from, and its written forms derive from the readings. */
function expectConsistentReport(report: Report, pages: PageResult[]) {
  const fetched = pages.filter((page) => page.status === 'fetched').length;
  expect(report.pages).toEqual({ fetched, failed: pages.filter((page) => page.status === 'failed').length });
  for (const list of ['keywords', 'phrases', 'cooccurrence', 'variations'] as const) {
    expect(report[list].length, list).toBeGreaterThan(0);
  }
  const pageTerms = new Set(pages.flatMap((page) => page.analysis?.terms.map((term) => term.term) ?? []));
  // Compound nouns are keywords too (プラグイン, where the pages' terms have プラグ and イン).
  const pagePhrases = new Set(pages.flatMap((page) => page.analysis?.phrases.map((phrase) => phrase.phrase) ?? []));
  const keywords = new Map(report.keywords.map((keyword) => [keyword.term, keyword]));
  for (const keyword of report.keywords) {
    // Latin keywords are shown as written (SSH), counted lower-cased.
    const counted = keyword.term.toLowerCase();
    expect(
      pageTerms.has(counted) || pagePhrases.has(counted),
      `keyword ${keyword.term} is in some page's terms or phrases`,
    ).toBe(true);
    expect(keyword.df, keyword.term).toBeGreaterThanOrEqual(1);
    expect(keyword.df, keyword.term).toBeLessThanOrEqual(fetched);
    expect(keyword.tf, keyword.term).toBeGreaterThanOrEqual(keyword.df);
  }
  for (const phrase of report.phrases) expect(phrase.df, phrase.phrase).toBeLessThanOrEqual(fetched);
  for (const pair of report.cooccurrence) {
    expect(keywords.has(pair.a) && keywords.has(pair.b), `${pair.a} × ${pair.b} are keywords`).toBe(true);
    expect(pair.weight).toBeGreaterThan(0);
    expect(pair.weight).toBeLessThanOrEqual(1);
  }
  for (const variation of report.variations) {
    const reading = keywords.get(variation.term)?.reading;
    expect(reading, `${variation.term} is a keyword`).toBeDefined();
    const { forms } = variation;
    expect(forms.base).toBe(variation.term);
    if (!('katakana' in forms)) {
      // A Latin term: its case forms, never empty, no kana.
      expect(reading, variation.term).toBe('');
      expect(forms.romaji).toBe(variation.term.toLowerCase());
      for (const form of Object.values(forms)) expect(form, variation.term).not.toBe('');
      continue;
    }
    expect(forms.katakana).toBe(reading);
    if (reading) {
      expect(forms.hiragana, variation.term).toBe(toHiragana(reading, { convertLongVowelMark: false }));
      expect(forms.romaji, variation.term).toBe(toHepburn(reading));
    }
  }
}

/** What must hold once any crawl is done: `done` last, no tmp key of the crawl, a TTL on every kumo key. */
async function expectCleanEnd(id: string, events: { type: string }[]) {
  expect(events.at(-1)?.type).toBe('done');
  expect(events.filter((event) => event.type === 'done')).toHaveLength(1);
  expect(await crawlKeysOf(redisUrl, prefix, 'tmp', id)).toEqual([]);
  const audit = await auditPrefix(redisUrl, prefix);
  for (const purpose of audit.purposes)
    expect(purpose.withoutTtl, `${purpose.purpose} keys without TTL`).toEqual({ count: 0, keys: [] });
  expect(audit.unknown.count, `keys of unknown purposes: ${audit.unknown.keys.join(', ')}`).toBe(0);
}

describe('crawl and analysis end to end', () => {
  it('builds a consistent report for the sample site', async () => {
    const server = await serve({ site: sampleSite() });
    const { id, status, events, pages } = await crawlToTheEnd(server);

    expect(status).toBe('completed');
    const crawl = (await client.state.records.getCrawl(id))!.crawl;
    expect(crawl.status).toBe('completed');
    const fetched = pages.filter((page) => page.status === 'fetched');
    expect(fetched.length).toBeGreaterThan(5);
    // Every fetched page with text is analysed (a frameset page has none, and gets no analyze job).
    const withText = fetched.filter((page) => (page.textLength ?? 0) > 0);
    expect(withText.filter((page) => page.analysis === undefined).map((page) => page.url)).toEqual([]);
    expect(withText.length).toBeGreaterThan(5);
    expect(crawl.counts.analyzed).toBe(withText.length);
    expectConsistentReport((await client.state.reports.getReport(id))!, pages);
    await expectCleanEnd(id, events);
  }, 300_000);

  it.skipIf(!hasFixtureSites)(
    `builds a consistent report for the real fixture sites${fixtureNotice}`,
    async () => {
      const server = await serve({ dir: fixtureSitesDir });
      const { id, status, events, pages } = await crawlToTheEnd(server, 60);

      expect(status).toBe('completed');
      expect(pages.filter((page) => page.status === 'fetched').length).toBeGreaterThan(20);
      expectConsistentReport((await client.state.reports.getReport(id))!, pages);
      await expectCleanEnd(id, events);
    },
    300_000,
  );

  it('tokenises identical pages once: a second crawl of the same site is served from the content-hash cache', async () => {
    // A site of its own, so that no other test has cached its texts before.
    const server = await serve({ site: generateSite({ pages: 8, seed: uniquePrefix('cache'), linksPerPage: 3 }) });
    const first = await crawlToTheEnd(server);
    const second = await crawlToTheEnd(server);
    expect([first.status, second.status]).toEqual(['completed', 'completed']);

    // Log lines are written asynchronously: wait for one per analysis event.
    const linesOf = async (crawl: typeof first) => {
      const count = analysesByUrl(crawl.events).size;
      await analyser.waitForLog((line) => analyzeJobLines(analyser, crawl.id).includes(line), { count });
      return analyzeJobLines(analyser, crawl.id);
    };
    const firstLines = await linesOf(first);
    const secondLines = await linesOf(second);
    expect(firstLines.length).toBeGreaterThan(3);
    expect(secondLines).toHaveLength(firstLines.length);
    // The first crawl tokenised every page; the second none.
    expect(firstLines.map((line) => line.cached)).toEqual(firstLines.map(() => false));
    expect(secondLines.map((line) => line.cached)).toEqual(secondLines.map(() => true));
    expect(secondLines.filter((line) => 'tokenize' in (line.stages as object))).toEqual([]);
    // Same analyses, page by page.
    const firstAnalyses = analysesByUrl(first.events);
    const secondAnalyses = analysesByUrl(second.events);
    expect(secondAnalyses.size).toBe(firstAnalyses.size);
    for (const [url, analysis] of firstAnalyses) expect(secondAnalyses.get(url), url).toEqual(analysis);
  }, 300_000);
});
