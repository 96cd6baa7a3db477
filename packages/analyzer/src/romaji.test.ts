import { describe, expect, it } from 'vitest';
import { toHepburn } from './romaji.js';

// Expected spellings from the Revised Hepburn charts (standard and extended katakana) of the Wikipedia article
// "Hepburn romanization" (ANSI Z39.11-1972, BS 4812:1972, Kenkyūsha 3rd ed.), without macrons: long vowels doubled.
const WORDS: ReadonlyArray<readonly [string, string]> = [
  // Digraphs of loanwords (small kana after a full one).
  ['ファイル', 'fairu'],
  ['フォント', 'fonto'],
  ['フィルタ', 'firuta'],
  ['フェーズ', 'feezu'],
  ['ウィンドウ', 'windou'],
  ['ウェブ', 'webu'],
  ['ウォッチ', 'wotchi'],
  ['ティー', 'tii'],
  ['パーティー', 'paatii'],
  ['ディスク', 'disuku'],
  ['ディレクトリ', 'direkutori'],
  ['デュアル', 'dyuaru'],
  ['ツァー', 'tsaa'],
  ['ヴァイオリン', 'vaiorin'],
  ['シェル', 'sheru'],
  ['ジェイソン', 'jeison'],
  ['チェック', 'chekku'],
  ['クォーク', 'kwooku'],
  ['イェール', 'yeeru'],
  ['トゥール', 'tuuru'],
  // Standard digraphs (yōon).
  ['キャッシュ', 'kyasshu'],
  ['シュウセイ', 'shuusei'],
  ['ヒョウジ', 'hyouji'],
  ['ジョウホウ', 'jouhou'],
  ['リョコウ', 'ryokou'],
  ['ギュウニュウ', 'gyuunyuu'],
  ['ビョウイン', 'byouin'],
  ['ミャク', 'myaku'],
  // Long vowels: ー repeats the vowel, kana long vowels are kept.
  ['サーバー', 'saabaa'],
  ['コンピューター', 'konpyuutaa'],
  ['メニュー', 'menyuu'],
  ['ページ', 'peeji'],
  ['キー', 'kii'],
  ['トウキョウ', 'toukyou'],
  ['オオサカ', 'oosaka'],
  ['セッテイ', 'settei'],
  // Sokuon: the next consonant doubled, t before ch.
  ['マッチ', 'matchi'],
  ['コマンド', 'komando'],
  ['ベッド', 'beddo'],
  ['ザッシ', 'zasshi'],
  ['ハッピョウ', 'happyou'],
  ['ゲッツ', 'gettsu'],
  // ン: n before consonants (b, m, p included), n' before vowels and y.
  ['シンブン', 'shinbun'],
  ['サンポ', 'sanpo'],
  ['カンイ', "kan'i"],
  ['ホンヤ', "hon'ya"],
  ['キンエン', "kin'en"],
  ['シンヨウ', "shin'you"],
  ['カニ', 'kani'],
  ['プラグイン', 'puraguin'],
  // Hepburn's own spellings: shi, chi, tsu, fu, ji (ヂ), zu (ヅ), o (ヲ).
  ['シチツフ', 'shichitsufu'],
  ['ハナヂ', 'hanaji'],
  ['ツヅク', 'tsuzuku'],
  ['ヲ', 'o'],
  ['サクラエディタ', 'sakuraedita'],
  ['セイキヒョウゲン', 'seikihyougen'],
  ['モジレツ', 'mojiretsu'],
];

describe('toHepburn: modified Hepburn without macrons', () => {
  it('has a table of at least 40 katakana words', () => {
    expect(WORDS.length).toBeGreaterThanOrEqual(40);
  });

  it.each(WORDS)('%s → %s', (katakana, romaji) => {
    expect(toHepburn(katakana)).toBe(romaji);
  });

  it('reads hiragana like katakana', () => {
    expect(toHepburn('ふぁいる')).toBe('fairu');
    expect(toHepburn('しゅうせい')).toBe('shuusei');
  });

  it('keeps what is not kana, and drops a ッ with no consonant after it', () => {
    expect(toHepburn('Cモード')).toBe('Cmoodo');
    expect(toHepburn('アッ')).toBe('a');
    expect(toHepburn('')).toBe('');
  });
});
