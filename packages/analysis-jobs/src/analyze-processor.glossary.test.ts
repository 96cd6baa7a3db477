import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Glossary, analyzeText, loadTokenizer, type JapaneseTokenizer } from '@kumo/analyzer';
import { startEmbeddedRedis, type RedisHandle } from '@kumo/local-redis';
import type { AnalyzeJobData } from '@kumo/queues';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Harness, fetchedPage, jobOf } from './__fixtures__/harness.js';
import { AnalysisCache } from './analysis-cache.js';
import { createAnalyzeProcessor, type AnalyzeResult } from './analyze-processor.js';
import { loadUserDictionary } from './user-dictionary.js';

const TEXT = 'サクラエディタの正規表現で検索する。サクラエディタは便利だ。';

let redis: RedisHandle;
let dir: string;
let tokenizer: JapaneseTokenizer;
const harnesses: Harness[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'kumo-analyze-glossary-'));
  [redis, tokenizer] = await Promise.all([startEmbeddedRedis({ dir }), loadTokenizer()]);
});

afterEach(async () => {
  for (const harness of harnesses.splice(0)) await harness.close();
});

afterAll(async () => {
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function setup(glossary?: Glossary) {
  const harness = new Harness(redis.url);
  harnesses.push(harness);
  const processor = createAnalyzeProcessor({
    tokenizer,
    glossary,
    state: harness.state,
    cache: new AnalysisCache(harness.store, { cacheTtlMs: 60_000 }),
    timer: harness.timer,
    logger: harness.logger,
  });
  const run = (data: AnalyzeJobData) => processor(jobOf(data)) as Promise<AnalyzeResult>;
  return { harness, run };
}

async function analyseIn(harness: Harness, run: (data: AnalyzeJobData) => Promise<AnalyzeResult>, crawlId: string) {
  const url = 'http://127.0.0.1/a.html';
  await harness.state.results.appendPage(crawlId, fetchedPage(url));
  await harness.state.texts.putPageText(crawlId, 'pk-a', TEXT);
  const result = await run({ crawlId, url, pageKey: 'pk-a' });
  const events = await harness.state.results.readEvents(crawlId, { count: 100 });
  const analysis = events.filter((event) => event.type === 'analysis').map((event) => JSON.parse(event.data))[0];
  return { result, terms: (analysis.analysis.terms as Array<{ term: string }>).map(({ term }) => term) };
}

describe('analysis with a glossary', () => {
  it("keeps a crawl's glossary terms whole, read from its record, and caches apart from the plain analysis", async () => {
    const { harness, run } = setup();
    const plain = await analyseIn(harness, run, await harness.createCrawl());
    expect(plain.terms).toContain('サクラ');
    const withGlossary = await harness.createCrawl({ glossary: [{ term: 'サクラエディタ' }] });
    const glossed = await analyseIn(harness, run, withGlossary);
    // Same text, other glossary: analysed again, not served from the plain text's cache entry.
    expect(glossed.result.cached).toBe(false);
    expect(glossed.terms).toContain('サクラエディタ');
    expect(glossed.terms).not.toContain('サクラ');
    // A second crawl with the same glossary shares its cache entry.
    const again = await analyseIn(harness, run, await harness.createCrawl({ glossary: [{ term: 'サクラエディタ' }] }));
    expect(again.result.cached).toBe(true);
  });

  it("merges the deployment's user dictionary (CSV or JSON file) with the crawl's glossary", async () => {
    const csv = path.join(dir, 'terms.csv');
    writeFileSync(csv, '# domain terms\nサクラエディタ,サクラエディタ,名詞\n');
    const json = path.join(dir, 'terms.json');
    writeFileSync(json, JSON.stringify([{ term: '正規表現', reading: 'セイキヒョウゲン' }]));
    const deployment = Glossary.merge([
      await loadUserDictionary(csv, tokenizer),
      await loadUserDictionary(json, tokenizer),
    ]);
    const { harness, run } = setup(deployment);
    const { terms } = await analyseIn(harness, run, await harness.createCrawl({ glossary: [{ term: '検索する' }] }));
    expect(terms).toEqual(expect.arrayContaining(['サクラエディタ', '正規表現', '検索する']));
    expect(terms).not.toContain('正規');
    expect(await loadUserDictionary(undefined, tokenizer)).toBeUndefined();
  });

  it('refuses a user dictionary it cannot read, naming the variable', async () => {
    await expect(loadUserDictionary(path.join(dir, 'missing.csv'), tokenizer)).rejects.toMatchObject({
      code: 'KUMO_ANALYSIS_JOBS_INVALID_OPTIONS',
      message: expect.stringContaining('ANALYZER_USER_DICTIONARY'),
    });
  });

  it('analyses as before without any glossary', async () => {
    const { harness, run } = setup();
    const { terms } = await analyseIn(harness, run, await harness.createCrawl());
    expect(terms).toEqual((await analyzeText(TEXT, tokenizer)).terms.map(({ term }) => term));
  });
});
