// `analyzeText` counts a `WordPath` (entries and spans, no tokens) when the tokenizer offers one. On every text of
// the tokenizer corpus (the fixture sites, the sample site, edge cases, random strings) the analysis must be the one
// made from ordinary tokens, field for field, with every term and phrase kept.
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  SITES_DIR,
  edgeCaseTexts,
  fixtureSiteTexts,
  randomTexts,
  sampleSiteTexts,
} from './__fixtures__/tokenizer-corpus.js';
import type { CorpusText } from './__fixtures__/tokenizer-corpus.js';
import { withRoutes } from './__fixtures__/tokenizer-routes.js';
import { analyzeText } from './analyze-page.js';
import type { AnalyzeOptions } from './analyze-page.js';
import { loadTokenizer } from './tokenizer.js';
import type { JapaneseTokenizer } from './tokenizer.js';

const hasSites = existsSync(SITES_DIR);
const sitesNote = hasSites ? '' : ` (SKIPPED: ${SITES_DIR} not found)`;

let tokenizer: JapaneseTokenizer;
/** The same tokenizer with ordinary tokens only (as a tokenizer from elsewhere would be). */
let plain: JapaneseTokenizer;

beforeAll(async () => {
  tokenizer = await loadTokenizer();
  plain = withRoutes(tokenizer);
}, 60_000);

/** Everything kept, and small chunks, so that compounds and readings cross chunk ends too. */
const ALL: AnalyzeOptions = { maxTerms: 100_000, maxPhrases: 100_000 };
const SMALL_CHUNKS: AnalyzeOptions = { ...ALL, maxChunkChars: 64 };

async function differences(texts: readonly CorpusText[], options: AnalyzeOptions): Promise<string[]> {
  const found: string[] = [];
  for (const { name, text } of texts) {
    const fromPath = await analyzeText(text, tokenizer, options);
    const fromTokens = await analyzeText(text, plain, options);
    try {
      expect(fromPath).toStrictEqual(fromTokens);
    } catch {
      found.push(name);
    }
  }
  return found;
}

describe('analyzeText over word paths', () => {
  it('the tokenizer offers word paths', () => {
    expect(tokenizer.tokenizeChunksPath).toBeTypeOf('function');
    expect(plain.tokenizeChunksPath).toBeUndefined();
  });

  it.skipIf(!hasSites)(
    `the fixture sites: the analysis of the tokens, on every page${sitesNote}`,
    async () => {
      const texts = fixtureSiteTexts();
      expect(texts.length).toBeGreaterThan(100);
      expect(await differences(texts, ALL)).toEqual([]);
      expect(await differences(texts.slice(0, 40), SMALL_CHUNKS)).toEqual([]);
    },
    120_000,
  );

  it('the sample site, edge cases and 5,000 random strings: the analysis of the tokens', async () => {
    const texts = [...sampleSiteTexts(30), ...edgeCaseTexts(), ...randomTexts(5_000)];
    expect(await differences(texts, ALL)).toEqual([]);
    expect(await differences(texts, SMALL_CHUNKS)).toEqual([]);
    expect(await differences(texts.slice(0, 60), {})).toEqual([]);
  }, 120_000);

  it('a word path is refilled by the next chunk: a compound across chunk ends keeps its words', async () => {
    // 64-character chunks cut this line of nouns inside runs; the phrases must still be read from the right words.
    const text = '形態素解析器開発者会議東京大会'.repeat(12);
    const options = { ...ALL, maxChunkChars: 64 };
    expect(await analyzeText(text, tokenizer, options)).toStrictEqual(await analyzeText(text, plain, options));
  });

  it('a page’s nouns read as its own words say, whatever pages came before (accumulators hand their arrays on)', async () => {
    // Homographs read from the page's evidence, the terms in other orders on each page.
    const pages = [
      '改行と行頭で行を数える。行番号も見る。',
      '行を消す。仮名と平仮名と片仮名を書く。',
      '平仮名の仮名。改行の後の行末。生物の本。',
      '生物学と生物。今日は晴れ。大文字と小文字。',
    ];
    /** Per noun of `text`, the readings its tokens have, homographs' included. */
    const readingsOf = (text: string): Map<string, Set<string>> => {
      const readings = new Map<string, Set<string>>();
      for (const token of tokenizer.tokenize(text)) {
        if (token.pos !== '名詞' || token.word_id === undefined) continue;
        const own = readings.get(token.surface_form) ?? new Set<string>();
        if (token.reading !== undefined) own.add(token.reading);
        for (const { reading } of tokenizer.homographReadings?.(token.word_id) ?? []) own.add(reading);
        readings.set(token.surface_form, own);
      }
      return readings;
    };
    for (const before of pages) {
      for (const text of pages) {
        await analyzeText(before, tokenizer);
        const allowed = readingsOf(text);
        for (const { term, reading, pos } of (await analyzeText(text, tokenizer)).terms) {
          if (pos === '名詞') expect([term, allowed.get(term)?.has(reading)]).toEqual([term, true]);
        }
      }
    }
  });

  it('concurrent analyses each read their own path: the same results as one after another', async () => {
    // Several chunks each, interleaved at every await (as an analysis worker's concurrent jobs are).
    const texts = [...sampleSiteTexts(8), ...edgeCaseTexts()].map(({ text }) => text);
    const options = { ...ALL, maxChunkChars: 64 };
    const oneByOne = [];
    for (const text of texts) oneByOne.push(await analyzeText(text, plain, options));
    expect(await Promise.all(texts.map((text) => analyzeText(text, tokenizer, options)))).toStrictEqual(oneByOne);
  });
});
