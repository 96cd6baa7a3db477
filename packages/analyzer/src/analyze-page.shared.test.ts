// The analysis counts over shared tokens (`tokenizeChunksShared`) when the tokenizer has them but no word paths (a
// glossary's wrapper): it must be the analysis made from the ordinary tokens, with and without a glossary.
import { beforeAll, describe, expect, it } from 'vitest';
import { JAPANESE_PARAGRAPHS } from './__fixtures__/japanese-paragraphs.js';
import { withRoutes } from './__fixtures__/tokenizer-routes.js';
import { analyzeText } from './analyze-page.js';
import { isBlank } from './word-roles.js';
import { Glossary } from './glossary.js';
import { loadTokenizer } from './tokenizer.js';
import type { JapaneseTokenizer } from './tokenizer.js';

/** The process's tokenizer with shared tokens but no word paths. */
let tokenizer: JapaneseTokenizer;
/** The same tokenizer with ordinary tokens only (as a tokenizer from elsewhere would be). */
let plain: JapaneseTokenizer;

beforeAll(async () => {
  const loaded = await loadTokenizer();
  tokenizer = withRoutes(loaded, { shared: true });
  plain = withRoutes(loaded);
}, 60_000);

const TEXTS = [
  JAPANESE_PARAGRAPHS,
  'ＦｏｎｔＦｏｒｇｅでフォントを作る。FontForge は fontforge とも書く。ﾌｫﾝﾄ　の 形態素解析 と 形態素解析器。',
  '東京都の東京タワー、東京駅、東京大学。行った、行こう、行きます。来ない、来ます、来る。',
];

describe('analyzeText over shared tokens', () => {
  it.each(TEXTS.map((text, i) => [i, text] as const))(
    'text %i: the analysis of the ordinary tokens',
    async (_, text) => {
      expect(tokenizer.tokenizeChunksShared).toBeTypeOf('function');
      expect(tokenizer.tokenizeChunksPath).toBeUndefined();
      for (const options of [
        {},
        { maxTerms: 3, maxPhrases: 2 },
        { maxTerms: 500, maxPhrases: 500, maxChunkChars: 64 },
      ]) {
        expect(await analyzeText(text, tokenizer, options)).toEqual(await analyzeText(text, plain, options));
      }
      const entries = [{ term: '東京タワー' }, { term: 'FontForge', reading: 'フォントフォージ' }];
      const shared = await analyzeText(text, tokenizer, { glossary: Glossary.compile(entries, tokenizer) });
      const fresh = await analyzeText(text, plain, { glossary: Glossary.compile(entries, plain) });
      expect(shared).toEqual(fresh);
    },
  );
});

describe('isBlank', () => {
  it("is text.trim() === '' for every UTF-16 code unit alone, first or followed by others", () => {
    const wrong: string[] = [];
    for (let code = 0; code <= 0xffff; code++) {
      const char = String.fromCharCode(code);
      for (const text of [char, `${char}x`, `${char} `, `${char}\u3000`]) {
        if (isBlank(text) !== (text.trim() === '')) wrong.push(JSON.stringify(text));
      }
    }
    expect(wrong).toEqual([]);
    expect(isBlank('')).toBe(true);
  });
});
