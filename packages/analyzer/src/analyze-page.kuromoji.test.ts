// Cross-checks the analysis against kuromoji's own output: a raw kuromoji tokenizer is built here on purpose (a
// second ~350 MB dictionary in this test file only), so the expected values never go through the chunking code.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import kuromoji from 'kuromoji';
import type { IpadicFeatures, Tokenizer } from 'kuromoji';
import type { Analysis } from '@kumo/contract';
import { beforeAll, describe, expect, it } from 'vitest';
import { JAPANESE_PARAGRAPHS } from './__fixtures__/japanese-paragraphs.js';
import { analyzeText } from './analyze-page.js';
import { splitIntoChunks } from './chunk-text.js';
import { contentWordOf, rememberedContentWordOf } from './content-words.js';
import { ENGLISH_STOP_WORDS } from './english-stop-words.js';
import { defaultDictionaryPath, loadTokenizer } from './tokenizer.js';
import type { JapaneseTokenizer } from './tokenizer.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const sitesDir = path.resolve(repoRoot, '../shared/fixtures/sites');
const hasSites = existsSync(sitesDir);

/** Real pages of the shared corpus, with the encoding their bytes are in. */
const REAL_PAGES = [
  { page: 'sakura-help/HLP000001.html', encoding: 'utf-8' }, // UTF-8 with BOM (TextDecoder drops it)
  { page: 'tdiary-doc/README.html', encoding: 'euc-jp' },
  { page: 'w3m-doc-jp/MANUAL.html', encoding: 'euc-jp' },
  { page: 'mincaml/tutorial-mincaml-19.htm', encoding: 'shift_jis' },
];

function textOfPage(page: string, encoding: string): string {
  const html = new TextDecoder(encoding).decode(readFileSync(path.join(sitesDir, page)));
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

const texts: Array<{ name: string; text: string }> = [{ name: 'our own paragraphs', text: JAPANESE_PARAGRAPHS }];
if (hasSites) {
  for (const { page, encoding } of REAL_PAGES) texts.push({ name: page, text: textOfPage(page, encoding) });
}
const realPagesNote = hasSites ? '' : ` (real pages SKIPPED: ${sitesDir} not found)`;

let raw: Tokenizer<IpadicFeatures>;
let tokenizer: JapaneseTokenizer;

beforeAll(async () => {
  tokenizer = await loadTokenizer();
  raw = await new Promise((resolve, reject) => {
    kuromoji.builder({ dicPath: defaultDictionaryPath() }).build((error, built) => {
      if (error) reject(error);
      else resolve(built);
    });
  });
  for (const { text } of texts) {
    rawTokens.set(text, raw.tokenize(text));
    analyses.set(text, await analyzeText(text, tokenizer));
  }
}, 300_000);

// Each text is tokenised by raw kuromoji and analysed once, before the tests (raw kuromoji needs seconds for the
// longest page), then checked by several tests.
const rawTokens = new Map<string, IpadicFeatures[]>();
const analyses = new Map<string, Analysis>();
function rawTokensOf(text: string): IpadicFeatures[] {
  const tokens = rawTokens.get(text);
  if (tokens === undefined) throw new Error('text not prepared in beforeAll');
  return tokens;
}
function analysisOf(text: string): Analysis {
  const analysis = analyses.get(text);
  if (analysis === undefined) throw new Error('text not prepared in beforeAll');
  return analysis;
}

function nonWhitespace(tokens: IpadicFeatures[]): IpadicFeatures[] {
  return tokens.filter((token) => token.surface_form.trim() !== '');
}

// The content-word rules of CONTRACT.md, written out again from scratch.
const LIGHT = new Set([
  'する',
  'ある',
  'いる',
  'なる',
  'できる',
  'れる',
  'られる',
  '為る',
  '有る',
  '居る',
  '成る',
  '出来る',
]);
function expectedTermCounts(tokens: IpadicFeatures[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const token of tokens) {
    const detail = token.pos_detail_1;
    let term = (token.basic_form === '*' ? token.surface_form : token.basic_form).normalize('NFKC');
    if (/[A-Za-z]/.test(term)) term = term.toLowerCase();
    if (!/\p{L}/u.test(term)) continue;
    const isNoun =
      token.pos === '名詞' &&
      !['非自立', '代名詞', '数', '接尾'].includes(detail) &&
      !/^[\p{sc=Hiragana}ー]$/u.test(term);
    const isVerb = token.pos === '動詞' && !['非自立', '接尾'].includes(detail) && !LIGHT.has(term);
    const isAdjective =
      token.pos === '形容詞' && !['非自立', '接尾'].includes(detail) && !['ない', '無い'].includes(term);
    if (!isNoun && !isVerb && !isAdjective) continue;
    if (ENGLISH_STOP_WORDS.has(term)) continue;
    counts.set(term, (counts.get(term) ?? 0) + 1);
  }
  return counts;
}

describe(`analyzeText against kuromoji${realPagesNote}`, () => {
  it.each(texts)('$name: tokens equal kuromoji’s non-whitespace tokens', ({ text }) => {
    const analysis = analysisOf(text);
    expect(analysis.tokens).toBe(nonWhitespace(rawTokensOf(text)).length);
  });

  it.each(texts)('$name: top terms and their counts equal counts taken from kuromoji', ({ text }) => {
    const analysis = analysisOf(text);
    const expected = expectedTermCounts(rawTokensOf(text));
    expect(analysis.terms.length).toBe(Math.min(50, expected.size));
    for (const { term, count } of analysis.terms) expect([term, count]).toEqual([term, expected.get(term)]);
    // Nothing left out counts more than the last term kept.
    const lowest = analysis.terms.at(-1)?.count ?? 0;
    const kept = new Set(analysis.terms.map(({ term }) => term));
    for (const [term, count] of expected) if (!kept.has(term)) expect(count).toBeLessThanOrEqual(lowest);
  });

  // Issue 16: a homograph's reading may be another entry's of the same written form and connection ids, chosen from
  // the page's evidence (行 クダリ → ギョウ in a manual with 改行 and 行頭), never a reading from elsewhere.
  it.each(texts)('$name: noun readings are readings kuromoji gave that noun or its homographs', ({ text }) => {
    const readings = new Map<string, Set<string | undefined>>();
    for (const token of rawTokensOf(text)) {
      if (token.pos !== '名詞' || token.basic_form === '*') continue;
      const seen = readings.get(token.basic_form) ?? new Set();
      seen.add(token.reading);
      for (const { reading } of tokenizer.homographReadings?.(token.word_id) ?? []) seen.add(reading);
      readings.set(token.basic_form, seen);
    }
    const analysis = analysisOf(text);
    let checked = 0;
    for (const { term, reading, pos } of analysis.terms) {
      const known = readings.get(term);
      if (pos !== '名詞' || known === undefined) continue;
      expect(known).toContain(reading);
      checked++;
    }
    expect(checked).toBeGreaterThan(10);
  });
});

describe('content words remembered per dictionary entry', () => {
  it('match what contentWordOf makes of every token, on every text, first and second time', () => {
    for (const { text } of texts) {
      for (let pass = 0; pass < 2; pass++) {
        for (const token of rawTokensOf(text)) expect(rememberedContentWordOf(token)).toEqual(contentWordOf(token));
      }
    }
  });
});

describe('chunked tokenisation', () => {
  it('tokenises a 200,000-character text into as many tokens as its chunks and as the whole text', async () => {
    // Our paragraphs only: kuromoji alone is quadratic in the length of a stretch without 。 or 、 (it slices the rest
    // of the sentence at every position), and some real pages have long ones; chunks are what bound that.
    const text = JAPANESE_PARAGRAPHS.repeat(Math.ceil(200_000 / JAPANESE_PARAGRAPHS.length)).slice(0, 200_000);
    const chunks = splitIntoChunks(text);
    expect(chunks.length).toBeGreaterThan(99);
    const mine = await tokenizer.tokenizeAsync(text);
    const byChunk = chunks.reduce((sum, chunk) => sum + raw.tokenize(chunk).length, 0);
    expect(mine.length).toBe(byChunk);
    expect(nonWhitespace(mine as IpadicFeatures[]).length).toBe(nonWhitespace(raw.tokenize(text)).length);
  }, 120_000);
});
