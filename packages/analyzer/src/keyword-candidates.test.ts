import { describe, expect, it } from 'vitest';
import {
  CompoundParts,
  compoundReading,
  genericWeight,
  isCodeToken,
  isReadablePhrase,
  isStopWord,
  scriptWeight,
} from './keyword-candidates.js';

describe('isCodeToken', () => {
  it.each([
    ['x', 'x', true],
    ['e', 'E', true],
    ['int1', 'int1', true],
    ['str2', 'str2', true],
    ['v10', 'v10', true],
    ['getvalue', 'getValue', true],
    ['max_len', 'max_len', true],
    ['fontforge', 'FontForge', false],
    ['ssh', 'SSH', false],
    ['w3m', 'w3m', false],
    ['html5', 'HTML5', false],
    ['行', '行', false],
    ['html文書', 'html文書', false],
  ])('%s written %s: %s', (term, display, code) => {
    expect(isCodeToken(term, display)).toBe(code);
  });
});

describe('stop words and phrases', () => {
  it('uses the stopwords-iso Japanese list', () => {
    expect(isStopWord('こと')).toBe(true);
    expect(isStopWord('ため')).toBe(true);
    expect(isStopWord('ファイル')).toBe(false);
  });

  it('lists no code as a phrase', () => {
    expect(isReadablePhrase('int1')).toBe(false);
    expect(isReadablePhrase('let x')).toBe(false);
    expect(isReadablePhrase('natural language')).toBe(true);
    expect(isReadablePhrase('文字列')).toBe(true);
  });
});

describe('weights', () => {
  it('weighs down a term on nearly every page of a crawl of ≥ 5 pages, verbs and adjectives', () => {
    expect(genericWeight({ pos: '名詞', df: 9, pages: 9 })).toBeCloseTo(0.1);
    expect(genericWeight({ pos: '名詞', df: 4, pages: 4 })).toBe(1); // too few pages to tell
    expect(genericWeight({ pos: '名詞', df: 5, pages: 10 })).toBe(1);
    expect(genericWeight({ pos: '名詞', df: 8, pages: 10 })).toBeCloseTo(0.46);
    expect(genericWeight({ pos: '動詞', df: 1, pages: 10 })).toBeCloseTo(0.4);
    expect(genericWeight({ pos: '形容詞', df: 1, pages: 10 })).toBeCloseTo(0.4);
  });

  it('weighs Latin terms by how they are written', () => {
    expect(scriptWeight('ファイル', 'ファイル')).toBe(1);
    expect(scriptWeight('ssh', 'SSH')).toBe(0.5);
    expect(scriptWeight('int', 'int')).toBe(0.25);
  });
});

describe('CompoundParts', () => {
  const parts = new CompoundParts();
  // Page 1: プラグ 10 times, all inside プラグイン (8) and プラグイン名 (2); 文字 20 times, 5 inside 文字列.
  parts.addPage(
    [{ term: 'プラグ' }, { term: 'イン' }, { term: '文字' }, { term: '列' }],
    [
      ['プラグイン', 8],
      ['プラグイン名', 2],
      ['文字列', 5],
    ],
  );
  const compounds = new Set(['プラグイン', '文字列']);

  it('finds the compound a part mostly falls inside, counting longer runs', () => {
    expect(parts.compoundOf('プラグ', 10, 1, compounds)).toEqual({ compound: 'プラグイン', count: 10, pages: 1 });
    expect(parts.compoundOf('列', 6, 1, compounds)).toEqual({ compound: '文字列', count: 5, pages: 1 });
  });

  it('leaves a word that mostly stands alone', () => {
    expect(parts.compoundOf('文字', 20, 1, compounds)).toBeUndefined();
    expect(parts.compoundOf('プラグ', 10, 1, new Set())).toBeUndefined();
  });
});

describe('compoundReading', () => {
  const readings = new Map([
    ['正規', 'セイキ'],
    ['表現', 'ヒョウゲン'],
    ['プラグ', 'プラグ'],
  ]);
  it('joins the readings of the known terms, longest first, kana as written', () => {
    expect(compoundReading('正規表現', (term) => readings.get(term))).toBe('セイキヒョウゲン');
    expect(compoundReading('プラグイン', (term) => readings.get(term))).toBe('プラグイン');
    expect(compoundReading('正規化', (term) => readings.get(term))).toBe('');
  });
});
