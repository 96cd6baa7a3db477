import { beforeAll, describe, expect, it } from 'vitest';
import { readingFromEvidence } from './homograph-readings.js';
import type { EvidenceWord, Homograph } from './homograph-readings.js';
import { loadTokenizer } from './tokenizer.js';
import type { JapaneseTokenizer } from './tokenizer.js';

let tokenizer: JapaneseTokenizer;

beforeAll(async () => {
  tokenizer = await loadTokenizer();
}, 60_000);

/** The homographs of the entry kuromoji gives `surface` in `text`. */
function homographsIn(text: string, surface: string): readonly Homograph[] {
  const token = tokenizer.tokenize(text).find((candidate) => candidate.surface_form === surface);
  if (token?.word_id === undefined) throw new Error(`${surface} is not a known word of ${text}`);
  return tokenizer.homographReadings?.(token.word_id) ?? [];
}

describe('HomographReadings (IPADIC entries no context tells apart)', () => {
  it.each([
    ['この行を消す。', '行', ['クダリ', 'ギョウ']],
    ['仮名を書く。', '仮名', ['カメイ', 'カナ']],
    ['生物を調べる。', '生物', ['セイブツ', 'ナマモノ']],
    ['今日は晴れ。', '今日', ['キョウ', 'コンニチ']],
    ['大文字を使う。', '大文字', ['ダイモンジ', 'オオモジ']],
    ['画面の上の方。', '画面', []],
    ['東京に行く。', '東京', []],
    // 上手 as 形容動詞語幹 (ジョウズ) has its own connection ids: ウワテ and カミテ are 名詞/一般 entries.
    ['彼は上手だ。', '上手', []],
  ])('%s: %s reads %j', (text, surface, readings) => {
    expect(homographsIn(text, surface).map(({ reading }) => reading)).toEqual(readings);
  });

  it('answers again from what it remembers, and nothing for an id that is no entry of the dictionary', () => {
    const first = homographsIn('行を消す。', '行');
    expect(homographsIn('この行を消す。', '行')).toBe(first);
    expect(homographsIn('東京に行く。', '東京')).toEqual([]);
    for (const id of [-10, 5, 1e12, Number.NaN]) expect(tokenizer.homographReadings?.(id)).toEqual([]);
  });

  it('lists kuromoji’s own reading first (the cheapest entry) and gives each reading its cost', () => {
    const [first, second] = homographsIn('行を消す。', '行');
    expect(first).toEqual({ reading: 'クダリ', cost: 8202 });
    expect(second).toEqual({ reading: 'ギョウ', cost: 8219 });
  });
});

const GYOU: readonly Homograph[] = [
  { reading: 'クダリ', cost: 8202 },
  { reading: 'ギョウ', cost: 8219 },
];
const KANA: readonly Homograph[] = [
  { reading: 'カメイ', cost: 5625 },
  { reading: 'カナ', cost: 6073 },
];
const UE: readonly Homograph[] = [
  { reading: 'ウエ', cost: 5964 },
  { reading: 'ジョウ', cost: 9009 },
  { reading: 'カミ', cost: 10328 },
];
const OOMOJI: readonly Homograph[] = [
  { reading: 'ダイモンジ', cost: 5622 },
  { reading: 'オオモジ', cost: 5622 },
];

describe('readingFromEvidence', () => {
  it.each<[string, string, string, readonly Homograph[], EvidenceWord[], string]>([
    [
      'longer words with 行 first or last',
      '行',
      'クダリ',
      GYOU,
      [
        ['改行', 'カイギョウ'],
        ['行頭', 'ギョウトウ'],
      ],
      'ギョウ',
    ],
    ['no longer word', '行', 'クダリ', GYOU, [['番号', 'バンゴウ']], 'クダリ'],
    ['a reading that is no candidate (実行 ジッコウ)', '行', 'クダリ', GYOU, [['実行', 'ジッコウ']], 'クダリ'],
    ['仮名 at the end (片仮名)', '仮名', 'カメイ', KANA, [['片仮名', 'カタカナ']], 'カナ'],
    ['仮名 voiced at the end (平仮名 ヒラガナ)', '仮名', 'カメイ', KANA, [['平仮名', 'ヒラガナ']], 'カナ'],
    ['仮名 at the start (仮名漢字)', '仮名', 'カメイ', KANA, [['仮名漢字', 'カナカンジ']], 'カナ'],
    [
      'evidence both ways: the dictionary decides',
      '仮名',
      'カメイ',
      KANA,
      [
        ['片仮名', 'カタカナ'],
        ['仮名人', 'カメイジン'],
      ],
      'カメイ',
    ],
    [
      'on’yomi compounds against odds of 45 (以上, 上記, 向上)',
      '上',
      'ウエ',
      UE,
      [
        ['以上', 'イジョウ'],
        ['上記', 'ジョウキ'],
        ['向上', 'コウジョウ'],
      ],
      'ウエ',
    ],
    ['a word inside the term (文字 モジ in 大文字)', '大文字', 'ダイモンジ', OOMOJI, [['文字', 'モジ']], 'オオモジ'],
    ['one-character words inside say nothing', '大文字', 'ダイモンジ', OOMOJI, [['大', 'オオ']], 'ダイモンジ'],
    ['a reading not among the candidates stays', '行', 'コウ', GYOU, [['改行', 'カイギョウ']], 'コウ'],
    ['an empty reading says nothing', '行', 'クダリ', GYOU, [['改行', '']], 'クダリ'],
  ])('%s', (_name, term, current, candidates, words, expected) => {
    expect(readingFromEvidence(term, current, candidates, words)).toBe(expected);
  });

  it('needs more distinct words than the dictionary’s odds against the reading (e^(3045 / 800) ≈ 45 for 上 ジョウ)', () => {
    const onyomi: EvidenceWord[] = Array.from({ length: 43 }, (_, i) => [
      `上${String.fromCharCode(0x4e00 + i)}`,
      `ジョウ${i}`,
    ]);
    expect(readingFromEvidence('上', 'ウエ', UE, onyomi)).toBe('ウエ');
    onyomi.push(['上位', 'ジョウイ']);
    expect(readingFromEvidence('上', 'ウエ', UE, onyomi)).toBe('ジョウ');
  });
});
