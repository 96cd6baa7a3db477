// Texts on which the lattice tokenizer is compared with kuromoji: the shared fixture sites (when present), a
// generated sample site, hand-made edge cases and seeded random strings.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeHtml, extractPage } from '@kumo/crawler';
import { generateSite } from '@kumo/sample-site';
import { JAPANESE_PARAGRAPHS } from './japanese-paragraphs.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
/** The shared corpus of real Japanese sites (absent on machines without it). */
export const SITES_DIR = path.resolve(repoRoot, '../shared/fixtures/sites');

export interface CorpusText {
  readonly name: string;
  readonly text: string;
}

/** Visible text of every HTML page of the fixture sites, decoded and extracted the way the crawler does. */
export function fixtureSiteTexts(sitesDir: string = SITES_DIR): CorpusText[] {
  if (!existsSync(sitesDir)) return [];
  const texts: CorpusText[] = [];
  for (const file of htmlFiles(sitesDir)) {
    const page = path.relative(sitesDir, file);
    const decoded = decodeHtml(readFileSync(file));
    texts.push({
      name: `${page} (${decoded.charset})`,
      text: extractPage(decoded.text, `http://fixture/${page}`).text,
    });
  }
  return texts;
}

function* htmlFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir).sort()) {
    const file = path.join(dir, entry);
    if (statSync(file).isDirectory()) yield* htmlFiles(file);
    else if (/\.html?$/i.test(entry)) yield file;
  }
}

/** Visible text of the HTML pages of a generated sample site (UTF-8, Shift_JIS and EUC-JP pages). */
export function sampleSiteTexts(pages: number): CorpusText[] {
  const site = generateSite({ pages, seed: 'kumo-tokenizer-exactness' });
  const texts: CorpusText[] = [];
  for (const [sitePath, file] of site.files) {
    if (!file.contentType.startsWith('text/html')) continue;
    const charset = /charset=([^;]+)/i.exec(file.contentType)?.[1];
    const decoded = decodeHtml(file.body, charset);
    texts.push({ name: `sample site ${sitePath}`, text: extractPage(decoded.text, `http://sample${sitePath}`).text });
  }
  return texts;
}

function repeatTo(text: string, length: number): string {
  return text.repeat(Math.ceil(length / Math.max(1, text.length))).slice(0, length);
}

/** Hand-made texts for what real pages rarely have: very long lines, rare scripts, broken UTF-16. */
export function edgeCaseTexts(): CorpusText[] {
  const prose = JAPANESE_PARAGRAPHS.replace(/[、。\n]/g, '');
  return [
    { name: 'empty input', text: '' },
    { name: 'a single character', text: 'あ' },
    { name: 'only punctuation', text: '、。、、。。' },
    { name: 'a 12,000-character Japanese line without 、 or 。', text: repeatTo(prose, 12_000) },
    { name: 'a 4,000-character Latin word', text: repeatTo('kuromojiLatticeTokenizer', 4_000) },
    { name: 'a 10,000-character line of kana and kanji', text: repeatTo('ひらがなカタカナ漢字まじり', 10_000) },
    { name: 'a 10,000-character line of half-width kana', text: repeatTo('ｶﾀｶﾅﾃﾞｶｲﾀﾌﾞﾝｼｮｳﾃﾞｽ ｱｲｳｴｵ', 10_000) },
    {
      name: 'a 10,000-character line of digits and symbols',
      text: repeatTo('2026-12-03 17:40 ¥1,234.56 (+81) #$%&*', 10_000),
    },
    { name: 'half-width kana', text: 'ｺﾝﾋﾟｭｰﾀｰで日本語をﾃｷｽﾄ処理する。ﾊﾟｿｺﾝとｽﾏﾎ、ｶﾞｷﾞｸﾞｹﾞｺﾞ！' },
    {
      name: 'full-width Latin and digits',
      text: 'ＡＢＣ社のＸｙｚ製品は２０２６年に１２３，４５６台売れた。ＵＲＬはｈｔｔｐｓ：／／ｅｘａｍｐｌｅ．ｊｐ',
    },
    {
      name: 'emoji and surrogate pairs',
      text: '今日は晴れ😀😀です🎉。𠮷野家の𠮷と𩸽（ほっけ）を食べた👍🏽👨‍👩‍👧。😀😀あ、𠮷𠮷𠮷',
    },
    { name: 'a run of surrogate pairs', text: repeatTo('😀🎉𠮷𩸽', 400) + 'の後に日本語' },
    // Surrogate pairs skew kuromoji's lattice (a run is as long as its UTF-16 units); in these, every node at the
    // furthest end is unreachable, so kuromoji's stale-predecessor path decides the tokens.
    { name: 'a sentence whose end kuromoji cannot reach (1)', text: '😀𠮷😀ああ𠮷😀' },
    { name: 'a sentence whose end kuromoji cannot reach (2)', text: '😀a😀😀1𠮷𠮷' },
    { name: 'a sentence whose end kuromoji cannot reach (3)', text: '𠮷😀𠮷a😀𠮷、東京😀😀あ' },
    { name: 'numbers', text: '1,234,567円と3.14159、二〇二六年十二月三日、一万二千三百四十五人、1e10、0x1F、½と⅓' },
    { name: 'symbols', text: '※★☆■□◆◇→←↑↓〒§¶†‡©®™℃¥$€£%‰@#&*+=<>≦≧≠∞∴∵∀∃∈∋⊆⊇∪∩' },
    {
      name: 'unknown words',
      text: 'ブラブラピョンピョン星人がモフモフしたギュルルンな食べ物をズゴゴゴと飲んだ。鬱鬱鬱𪚲龘靐',
    },
    { name: 'whitespace of every kind', text: '東京\t大阪\u3000名古屋\u00a0福岡\r\n札幌  仙台\n\n\n広島' },
    { name: 'lone surrogates and NUL', text: '漢字\uD800です\uDC00、\u0000あ\u0001\u0000。\uDBFF' },
    { name: 'a byte-order mark and zero-width characters', text: '\uFEFFはじめに\u200Bこんにちは\u200D世界\uFEFF' },
    { name: 'Greek, Cyrillic, Hangul and Arabic', text: 'αβγδ ΑΒΓΔ абвгд АБВГД 한국어 텍스트 العربية と日本語' },
    {
      name: 'a mixed-script product line',
      text: 'iPhone15Proは256GBで159,800円（税込）、Galaxy S24 Ultraは189,700円。',
    },
  ];
}

/** Characters the random strings are drawn from: every script and category kuromoji treats differently. */
const ALPHABET = [
  ...'あいうえおかきくけこがぎっゃゅょーアイウエオカキクケコヴッャｱｲｳｶﾞﾟｰ漢字東京都大学日本語学校一二三十百千万',
  ...'０１２３ＡＢＣａｂｃabcXYZ0123456789 　\t\n、。！？!?.,-_/()（）「」・〜…※★',
  ...'αβΩяЖé∀😀𠮷🎉',
  '\uD800',
  '\uDC00',
  '\u0000',
  '\uFEFF',
];

/** Few characters, many surrogate pairs: strings that make kuromoji's lattice skewed and partly unreachable. */
export const SKEWING_ALPHABET = ['😀', '𠮷', 'あ', 'a', '1', '漢', 'カ', ' ', '東京', '、'];

/** `count` strings of 0–39 characters from `alphabet`, from a seeded PRNG (the same strings every run). */
export function randomTexts(count: number, seed = 0x6b756d6f, alphabet: readonly string[] = ALPHABET): CorpusText[] {
  let state = seed >>> 0;
  const next = (): number => {
    // mulberry32
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const texts: CorpusText[] = [];
  for (let i = 0; i < count; i++) {
    let text = '';
    const length = Math.floor(next() * 40);
    for (let j = 0; j < length; j++) text += alphabet[Math.floor(next() * alphabet.length)] as string;
    texts.push({ name: `random string ${i}`, text });
  }
  return texts;
}
