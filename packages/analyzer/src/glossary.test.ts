import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeText } from './analyze-page.js';
import { Glossary, parseUserDictionary } from './glossary.js';
import { loadTokenizer, type JapaneseTokenizer } from './tokenizer.js';

let tokenizer: JapaneseTokenizer;
beforeAll(async () => {
  tokenizer = await loadTokenizer();
}, 60_000);

const TEXT = 'サクラエディタの正規表現で検索する。サクラエディタは便利だ。';

describe('Glossary', () => {
  it('keeps a domain term whole, with the reading and part of speech given', async () => {
    const without = await analyzeText(TEXT, tokenizer);
    expect(without.terms.map(({ term }) => term)).toContain('サクラ');
    const glossary = Glossary.compile([{ term: 'サクラエディタ', reading: 'さくらえでぃた' }], tokenizer);
    const analysis = await analyzeText(TEXT, tokenizer, { glossary });
    expect(analysis.terms).toContainEqual({ term: 'サクラエディタ', reading: 'サクラエディタ', pos: '名詞', count: 2 });
    expect(analysis.terms.map(({ term }) => term)).not.toContain('サクラ');
    expect(analysis.terms.map(({ term }) => term)).toContain('検索'); // the text around it as before
  });

  it('reads a term without a reading as the dictionary reads its parts, and matches the longest term', async () => {
    const glossary = Glossary.compile([{ term: '正規' }, { term: '正規表現' }], tokenizer);
    const analysis = await analyzeText(TEXT, tokenizer, { glossary });
    expect(analysis.terms).toContainEqual({ term: '正規表現', reading: 'セイキヒョウゲン', pos: '名詞', count: 1 });
    expect(analysis.terms.map(({ term }) => term)).not.toContain('正規');
  });

  it('tells homographs apart around its terms as the tokenizer does (行 ギョウ next to 改行 and 行頭)', async () => {
    const glossary = Glossary.compile([{ term: 'サクラエディタ' }], tokenizer);
    const [token] = tokenizer.tokenize('行');
    expect(glossary.wrap(tokenizer).homographReadings?.(token!.word_id!)).toEqual(
      tokenizer.homographReadings?.(token!.word_id!),
    );
    const text = 'サクラエディタで改行する。行頭から行末まで、この行を選ぶ。';
    const analysis = await analyzeText(text, tokenizer, { glossary });
    expect(analysis.terms).toContainEqual({ term: '行', reading: 'ギョウ', pos: '名詞', count: 1 });
  });

  it('gives the same fingerprint to the same entries, whatever their order', () => {
    const a = Glossary.compile([{ term: 'A社' }, { term: '製品X', reading: 'セイヒンエックス' }], tokenizer);
    const b = Glossary.compile([{ term: '製品X', reading: 'セイヒンエックス' }, { term: 'A社' }], tokenizer);
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(Glossary.compile([{ term: 'A社' }], tokenizer).fingerprint).not.toBe(a.fingerprint);
  });

  it('merges the deployment dictionary and a crawl glossary, the crawl winning for a term', () => {
    const deployment = Glossary.compile([{ term: '行', reading: 'ギョウ' }], tokenizer);
    const crawl = Glossary.compile([{ term: 'かな漢字変換' }, { term: '行', reading: 'コウ' }], tokenizer);
    const merged = Glossary.merge([deployment, crawl])!;
    expect(merged.size).toBe(2);
    expect([...merged.split('行')]).toEqual([{ term: '行', reading: 'コウ', pos: '名詞' }]);
    expect(Glossary.merge([undefined, undefined])).toBeUndefined();
  });

  it.each([
    { name: 'an empty term', entries: [{ term: ' ' }] },
    { name: 'another part of speech', entries: [{ term: '速く', pos: '副詞' }] },
  ])('rejects $name with KUMO_ANALYZER_INVALID_OPTION', ({ entries }) => {
    expect(() => Glossary.compile(entries, tokenizer)).toThrow(
      expect.objectContaining({ code: 'KUMO_ANALYZER_INVALID_OPTION' }),
    );
  });
});

describe('parseUserDictionary', () => {
  it('reads CSV lines term,reading,pos with comments and blank lines', () => {
    expect(
      parseUserDictionary('\uFEFF# 製品\nサクラエディタ,サクラエディタ,名詞\n\n正規表現\n走る,ハシル,動詞\n', 'csv'),
    ).toEqual([
      { term: 'サクラエディタ', reading: 'サクラエディタ', pos: '名詞' },
      { term: '正規表現', reading: undefined, pos: undefined },
      { term: '走る', reading: 'ハシル', pos: '動詞' },
    ]);
  });

  it('reads a JSON array', () => {
    expect(parseUserDictionary('[{"term":"kumo","reading":"クモ"}]', 'json')).toEqual([
      { term: 'kumo', reading: 'クモ', pos: undefined },
    ]);
  });

  it.each([
    ['json', '{"term":"x"}'],
    ['json', 'not json'],
    ['json', '[{"reading":"ア"}]'],
    ['csv', ',ア,名詞'],
  ] as const)('rejects a malformed %s file: %s', (format, text) => {
    expect(() => parseUserDictionary(text, format)).toThrow(
      expect.objectContaining({ code: 'KUMO_ANALYZER_INVALID_OPTION' }),
    );
  });
});
