import { analysisSchema } from '@kumo/contract';
import type { Analysis } from '@kumo/contract';
import { beforeAll, describe, expect, it } from 'vitest';
import { JAPANESE_PARAGRAPHS } from './__fixtures__/japanese-paragraphs.js';
import { analyzeText } from './analyze-page.js';
import { loadTokenizer } from './tokenizer.js';
import type { JapaneseTokenizer } from './tokenizer.js';

let tokenizer: JapaneseTokenizer;

beforeAll(async () => {
  tokenizer = await loadTokenizer();
}, 60_000);

async function analyze(text: string): Promise<Analysis> {
  const analysis = await analyzeText(text, tokenizer);
  return analysisSchema.parse(analysis);
}

function termsOf(analysis: Analysis): string[] {
  return analysis.terms.map((term) => term.term);
}

describe('analyzeText on Japanese', () => {
  it.each([
    { name: 'keeps nouns, not pronouns or particles', text: 'これは東京の大学です', terms: ['大学', '東京'] },
    { name: 'drops numbers and counters', text: '2024年に3つの100円玉を買った', terms: ['買う'] },
    { name: 'drops 非自立 nouns (こと, もの)', text: 'そういうことがあるものだ', terms: [] },
    { name: 'drops symbols, even those kuromoji calls nouns', text: '★☆★ ＃＃ @@@ ※ 東京', terms: ['東京'] },
    { name: 'drops the light verbs する, いる, なる', text: '勉強している。雨になる。', terms: ['勉強', '雨'] },
    {
      name: 'lower-cases Latin words',
      text: 'JavaScriptとTypeScriptの違い',
      terms: ['javascript', 'typescript', '違い'],
    },
    { name: 'normalises half-width katakana', text: 'ｷｬﾝﾌﾟに行く', terms: ['キャンプ', '行く'] },
    { name: 'drops English stop words inside Japanese', text: 'The 東京', terms: ['東京'] },
  ])('$name', async ({ text, terms }) => {
    expect(termsOf(await analyze(text)).sort()).toEqual([...terms].sort());
  });

  it('drops lone hiragana nouns', async () => {
    const text = 'ぺーじを見る';
    // Guard: kuromoji does produce a one-hiragana noun here, so the assertion below means something.
    expect(tokenizer.tokenize(text).some((token) => token.pos === '名詞' && token.surface_form === 'ぺ')).toBe(true);
    expect(termsOf(await analyze(text))).toEqual(['見る']);
  });

  it.each([
    { name: 'a noun', text: '東京に行った', term: { term: '東京', reading: 'トウキョウ', pos: '名詞', count: 1 } },
    {
      name: 'a verb in base form',
      text: '彼は走った。',
      term: { term: '走る', reading: 'ハシル', pos: '動詞', count: 1 },
    },
    {
      name: 'an adjective in base form',
      text: '花がすごく美しかった',
      term: { term: '美しい', reading: 'ウツクシイ', pos: '形容詞', count: 1 },
    },
    {
      name: 'the irregular 来る',
      text: '友達が来ない',
      term: { term: '来る', reading: 'クル', pos: '動詞', count: 1 },
    },
    {
      name: 'a Latin word (no reading)',
      text: 'HTMLの文書',
      term: { term: 'html', reading: '', pos: '名詞', count: 1, display: 'HTML' },
    },
    {
      name: 'an unknown kana word (reading from its surface)',
      text: 'ｷｬﾝﾌﾟ',
      term: { term: 'キャンプ', reading: 'キャンプ', pos: '名詞', count: 1 },
    },
  ])('reads $name', async ({ text, term }) => {
    expect((await analyze(text)).terms).toContainEqual(term);
  });

  it('counts base forms together and ranks by count, then by term', async () => {
    const analysis = await analyze('猫が好き。猫と犬。犬と猫。走った。走る。りんご。みかん。');
    expect(analysis.terms).toEqual([
      { term: '猫', reading: 'ネコ', pos: '名詞', count: 3 },
      { term: '犬', reading: 'イヌ', pos: '名詞', count: 2 },
      { term: '走る', reading: 'ハシル', pos: '動詞', count: 2 },
      { term: 'みかん', reading: 'ミカン', pos: '名詞', count: 1 },
      { term: 'りんご', reading: 'リンゴ', pos: '名詞', count: 1 },
      { term: '好き', reading: 'スキ', pos: '名詞', count: 1 },
    ]);
  });

  it('counts tokens without whitespace tokens', async () => {
    // これ / は / 東京 / です, with two whitespace tokens between them.
    expect((await analyze('これは  東京\n\nです')).tokens).toBe(4);
  });

  it.each([
    {
      name: 'a run of content nouns',
      text: '自然言語処理の研究',
      phrases: [{ phrase: '自然言語処理', count: 1, reading: 'シゼンゲンゴショリ' }],
    },
    {
      name: 'a run extended by 接尾 nouns',
      text: '田中さん達',
      phrases: [{ phrase: '田中さん達', count: 1, reading: 'タナカサンタチ' }],
    },
    { name: 'a run extended by a number', text: 'バージョン3の新機能', phrases: [{ phrase: 'バージョン3', count: 1 }] },
    { name: 'no run started by a number', text: '100円玉', phrases: [] },
    { name: 'a Latin and a Japanese noun', text: 'HTML文書', phrases: [{ phrase: 'html文書', count: 1 }] },
    { name: 'no run across whitespace', text: 'HTML 文書', phrases: [] },
    { name: 'no run of a single noun', text: '東京の大学', phrases: [] },
    {
      name: 'repeated compounds, counted',
      text: '自然言語処理の研究。自然言語処理は楽しい。機械学習も。',
      phrases: [
        { phrase: '自然言語処理', count: 2, reading: 'シゼンゲンゴショリ' },
        { phrase: '機械学習', count: 1, reading: 'キカイガクシュウ' },
      ],
    },
  ])('finds compound nouns: $name', async ({ text, phrases }) => {
    expect((await analyze(text)).phrases).toEqual(phrases);
  });

  it('keeps the top maxTerms terms and maxPhrases phrases', async () => {
    const full = await analyze(JAPANESE_PARAGRAPHS);
    const limited = await analyzeText(JAPANESE_PARAGRAPHS, tokenizer, { maxTerms: 5, maxPhrases: 2 });
    expect(full.terms.length).toBe(50);
    expect(limited.terms).toEqual(full.terms.slice(0, 5));
    expect(limited.phrases).toEqual(full.phrases.slice(0, 2));
    expect(limited.tokens).toBe(full.tokens);
  });

  it('gives the same analysis whatever the chunk size', async () => {
    const analysis = await analyze(JAPANESE_PARAGRAPHS);
    expect(await analyzeText(JAPANESE_PARAGRAPHS, tokenizer, { maxChunkChars: 64 })).toEqual(analysis);
  });
});

describe('analyzeText on text without Japanese', () => {
  it('counts English words, without stop words, and their bigrams', async () => {
    const analysis = await analyze('Natural language processing is fun. Natural language processing, again!');
    expect(analysis).toEqual({
      tokens: 12,
      terms: [
        { term: 'language', reading: '', pos: '名詞', count: 2 },
        { term: 'natural', reading: '', pos: '名詞', count: 2 },
        { term: 'processing', reading: '', pos: '名詞', count: 2 },
        { term: 'fun', reading: '', pos: '名詞', count: 1 },
      ],
      phrases: [
        { phrase: 'language processing', count: 2 },
        { phrase: 'natural language', count: 2 },
      ],
    });
  });

  it('drops numbers and keeps contractions whole', async () => {
    expect(termsOf(await analyze("Don't panic: it's 2024 and 3.14 is pi"))).toEqual(['panic', 'pi']);
  });
});

describe('analyzeText on any input', () => {
  it.each([
    { name: 'empty text', text: '' },
    { name: 'whitespace only', text: ' \n\t\u3000 ' },
    { name: 'symbols only', text: '!!!???...' },
  ])('gives an empty analysis for $name', async ({ text }) => {
    const analysis = await analyze(text);
    expect(analysis.terms).toEqual([]);
    expect(analysis.phrases).toEqual([]);
    if (text.trim() === '') expect(analysis.tokens).toBe(0);
  });

  it('resolves with a valid analysis for random and garbage strings', async () => {
    const ranges: Array<[number, number]> = [
      [0x00, 0x7f],
      [0x3000, 0x30ff],
      [0x4e00, 0x9fff],
      [0xd800, 0xdfff], // lone surrogates
      [0xff00, 0xffef],
      [0x0000, 0xffff],
      [0x1f300, 0x1f6ff],
      [0x20000, 0x2a6df],
      [0x0300, 0x036f],
    ];
    let seed = 2024;
    const random = (n: number): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return Math.floor((seed / 2_147_483_648) * n);
    };
    for (let round = 0; round < 1_000; round++) {
      let text = '';
      const length = random(150);
      for (let i = 0; i < length; i++) {
        const [low, high] = ranges[random(ranges.length)] as [number, number];
        text += String.fromCodePoint(low + random(high - low + 1));
      }
      const analysis = analysisSchema.parse(await analyzeText(text, tokenizer, { maxChunkChars: 16 + random(64) }));
      expect(analysis.terms.every((term) => term.count > 0 && /\p{L}/u.test(term.term))).toBe(true);
    }
  }, 60_000);

  it.each([
    { options: { maxTerms: 0 }, option: 'maxTerms' },
    { options: { maxPhrases: 1.5 }, option: 'maxPhrases' },
    { options: { maxChunkChars: 4 }, option: 'maxChunkChars' },
  ])('rejects $option out of range with KUMO_ANALYZER_INVALID_OPTION', async ({ options, option }) => {
    await expect(analyzeText('東京', tokenizer, options)).rejects.toMatchObject({
      code: 'KUMO_ANALYZER_INVALID_OPTION',
      option,
    });
  });
});
