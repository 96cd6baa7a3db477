// The lattice tokenizer must give exactly kuromoji's tokens, every field of every token, on real and hostile text.
// kuromoji itself is built here as the reference (a second ~350 MB dictionary, in this test file only).
import { existsSync } from 'node:fs';
import kuromoji from 'kuromoji';
import type { IpadicFeatures, Tokenizer } from 'kuromoji';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  SITES_DIR,
  SKEWING_ALPHABET,
  edgeCaseTexts,
  fixtureSiteTexts,
  randomTexts,
  sampleSiteTexts,
} from './__fixtures__/tokenizer-corpus.js';
import type { CorpusText } from './__fixtures__/tokenizer-corpus.js';
import { splitIntoChunks } from './chunk-text.js';
import { loadKuromojiDictionary } from './kuromoji-dictionary.js';
import { LatticeTokenizer, toTokenizable } from './lattice-tokenizer.js';
import type { Token } from './token.js';
import { defaultDictionaryPath } from './tokenizer.js';

const hasSites = existsSync(SITES_DIR);
const sitesNote = hasSites ? '' : ` (SKIPPED: ${SITES_DIR} not found)`;

let reference: Tokenizer<IpadicFeatures>;
let engine: LatticeTokenizer;

beforeAll(async () => {
  engine = new LatticeTokenizer(await loadKuromojiDictionary(defaultDictionaryPath()));
  reference = await new Promise((resolve, reject) => {
    kuromoji.builder({ dicPath: defaultDictionaryPath() }).build((error, built) => {
      if (error) reject(error);
      else resolve(built);
    });
  });
}, 60_000);

interface Comparison {
  texts: number;
  chars: number;
  tokens: number;
  differences: string[];
}

/** The first difference between two token lists (key order, key set, every value), or undefined. */
function firstDifference(expected: readonly object[], actual: readonly Token[]): string | undefined {
  const length = Math.max(expected.length, actual.length);
  for (let i = 0; i < length; i++) {
    const want = expected[i] as Record<string, unknown> | undefined;
    const got = actual[i] as Record<string, unknown> | undefined;
    if (want === undefined || got === undefined) {
      return `token ${i}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`;
    }
    const wantKeys = Object.keys(want).join(',');
    const gotKeys = Object.keys(got).join(',');
    if (wantKeys !== gotKeys) return `token ${i}: keys ${wantKeys} ≠ ${gotKeys}`;
    for (const key of Object.keys(want)) {
      if (!Object.is(want[key], got[key])) {
        return `token ${i} (${JSON.stringify(want.surface_form)}): ${key} ${JSON.stringify(want[key])} ≠ ${JSON.stringify(got[key])}`;
      }
    }
  }
  return undefined;
}

/** Tokenises every text with both tokenizers and records where they differ. */
function compare(texts: readonly CorpusText[]): Comparison {
  const result: Comparison = { texts: 0, chars: 0, tokens: 0, differences: [] };
  for (const { name, text } of texts) {
    const expected = reference.tokenize(toTokenizable(text));
    const actual = engine.tokenize(text);
    result.texts++;
    result.chars += text.length;
    result.tokens += expected.length;
    const difference = firstDifference(expected, actual);
    if (difference !== undefined && result.differences.length < 10) {
      result.differences.push(`${name} ${JSON.stringify(text.slice(0, 80))}: ${difference}`);
    }
  }
  return result;
}

/** Each page's text tokenised line by line, and again in kumo's 2,000-character chunks (lines joined). */
function linesAndChunks(pages: readonly CorpusText[]): CorpusText[] {
  return pages.flatMap(({ name, text }) => [
    ...text.split('\n').map((line, index) => ({ name: `${name} line ${index + 1}`, text: line })),
    ...splitIntoChunks(text || ' ').map((chunk, index) => ({ name: `${name} chunk ${index + 1}`, text: chunk })),
  ]);
}

const compared = { chars: 0, tokens: 0 };
function expectIdentical(result: Comparison): void {
  compared.chars += result.chars;
  compared.tokens += result.tokens;
  expect(result.differences).toEqual([]);
  expect(result.tokens).toBeGreaterThan(0);
}

describe('LatticeTokenizer gives kuromoji 0.1.2 tokens, identical in every field', () => {
  it(`on the fixture sites' pages in every encoding, by line and by chunk${sitesNote}`, ({ skip }) => {
    if (!hasSites) skip();
    const pages = fixtureSiteTexts();
    const result = compare(linesAndChunks(pages));
    expect(result.chars).toBeGreaterThan(500_000);
    expectIdentical(result);
  }, 120_000);

  it('on a generated sample site of 60 pages (UTF-8, Shift_JIS, EUC-JP), by line and by chunk', () => {
    const result = compare(linesAndChunks(sampleSiteTexts(60)));
    expect(result.chars).toBeGreaterThan(300_000);
    expectIdentical(result);
  }, 120_000);

  it.each(edgeCaseTexts())('on $name', (text) => {
    const result = compare([text]);
    expect(result.differences).toEqual([]);
    compared.chars += result.chars;
    compared.tokens += result.tokens;
  });

  it('on 20,000 random strings of every script, with lone surrogates and NUL', () => {
    expectIdentical(compare(randomTexts(20_000)));
  }, 60_000);

  it('on 5,000 random strings of surrogate pairs and a few other characters (skewed lattices)', () => {
    expectIdentical(compare(randomTexts(5_000, 0x736b6577, SKEWING_ALPHABET)));
  }, 60_000);

  it('compared over a million characters in all', () => {
    process.stdout.write(`LatticeTokenizer = kuromoji on ${compared.chars} characters, ${compared.tokens} tokens\n`);
    expect(compared.chars).toBeGreaterThan(1_000_000);
    expect(compared.tokens).toBeGreaterThan(500_000);
  });
});
