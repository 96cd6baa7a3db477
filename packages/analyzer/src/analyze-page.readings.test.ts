// Issue 16: readings in context. IPADIC's homographs with the same connection ids are always read by the cheapest
// entry (行 クダリ, 仮名 カメイ, 大文字 ダイモンジ); a page's own words decide instead, on real pages and hand-made
// paragraphs, while homographs the page gives no reason to change keep kuromoji's reading.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Analysis } from '@kumo/contract';
import { decodeHtml, extractPage } from '@kumo/crawler';
import { sampleSite } from '@kumo/sample-site';
import { beforeAll, describe, expect, it } from 'vitest';
import { SITES_DIR } from './__fixtures__/tokenizer-corpus.js';
import { analyzeText } from './analyze-page.js';
import { loadTokenizer } from './tokenizer.js';
import type { JapaneseTokenizer } from './tokenizer.js';

let tokenizer: JapaneseTokenizer;

beforeAll(async () => {
  tokenizer = await loadTokenizer();
}, 60_000);

function readingOf(analysis: Analysis, term: string): string | undefined {
  return analysis.terms.find((entry) => entry.term === term)?.reading;
}

function phraseReadingOf(analysis: Analysis, phrase: string): string | undefined {
  return analysis.phrases.find((entry) => entry.phrase === phrase)?.reading;
}

const PARAGRAPHS: Array<[string, string, Record<string, string>, Record<string, string>]> = [
  [
    'an editor manual: 行 is ギョウ (改行, 行頭, 行末), also inside 行番号',
    '改行コードの設定。カーソルを行頭に移動し、行末まで選択する。この行を削除すると次の行が上がる。行番号を表示する。',
    { 行: 'ギョウ', 改行: 'カイギョウ' },
    { 行番号: 'ギョウバンゴウ', 改行コード: 'カイギョウコード' },
  ],
  [
    'a text on writing: 仮名 is カナ (平仮名, 片仮名)',
    '日本語は平仮名、片仮名、漢字で書く。仮名は音を表す文字である。仮名漢字変換で仮名を漢字に直す。',
    { 仮名: 'カナ', 平仮名: 'ヒラガナ', 片仮名: 'カタカナ' },
    { 仮名漢字変換: 'カナカンジヘンカン' },
  ],
  [
    'a text on the net: 仮名 stays カメイ (a pseudonym; nothing says カナ)',
    'ネットでは実名ではなく仮名で投稿する人が多い。仮名を使うと本人が分からない。',
    { 仮名: 'カメイ' },
    {},
  ],
  [
    'letter case: 大文字 is オオモジ (文字 モジ, 小文字 コモジ)',
    '大文字と小文字を区別する。文字列の文字を数える。',
    { 大文字: 'オオモジ', 小文字: 'コモジ', 文字: 'モジ' },
    { 文字列: 'モジレツ' },
  ],
  [
    'homographs kuromoji already reads right keep their reading: 今日, 生物, 上手',
    '今日は生物の授業で上手に発表できた。生物学の先生は今日も元気だ。',
    { 今日: 'キョウ', 生物: 'セイブツ', 上手: 'ジョウズ' },
    { 生物学: 'セイブツガク' },
  ],
];

describe('readings in context, hand-made paragraphs', () => {
  it.each(PARAGRAPHS)('%s', async (_name, text, terms, phrases) => {
    const analysis = await analyzeText(text, tokenizer);
    for (const [term, reading] of Object.entries(terms)) expect(readingOf(analysis, term), term).toBe(reading);
    for (const [phrase, reading] of Object.entries(phrases)) {
      expect(phraseReadingOf(analysis, phrase), phrase).toBe(reading);
    }
  });

  it('keeps kuromoji’s readings with a tokenizer that cannot tell homographs', async () => {
    const plain: JapaneseTokenizer = {
      tokenize: (text, options) => tokenizer.tokenize(text, options),
      tokenizeAsync: (text, options) => tokenizer.tokenizeAsync(text, options),
      tokenizeChunks: (text, options) => tokenizer.tokenizeChunks(text, options),
    };
    const analysis = await analyzeText(PARAGRAPHS[0]![1], plain);
    expect(readingOf(analysis, '行')).toBe('クダリ');
  });
});

const hasSites = existsSync(SITES_DIR);
const sitesNote = hasSites ? '' : ` [SKIPPED: ${SITES_DIR} not found]`;

function fixturePage(page: string): string {
  return extractPage(decodeHtml(readFileSync(path.join(SITES_DIR, page))).text, `http://fixture/${page}`).text;
}

function samplePage(sitePath: string): string {
  const file = sampleSite().files.get(sitePath);
  if (file === undefined) throw new Error(`${sitePath} is not a page of the sample site`);
  const charset = /charset=([^;]+)/i.exec(file.contentType)?.[1];
  return extractPage(decodeHtml(file.body, charset).text, `http://sample${sitePath}`).text;
}

describe.skipIf(!hasSites)(`readings in context, fixture pages${sitesNote}`, () => {
  it.each([
    ['w3m-doc-jp/MANUAL.html', { 行: 'ギョウ' }, {}],
    ['sakura-help/HLP000075.html', { 行: 'ギョウ' }, { 行番号: 'ギョウバンゴウ' }],
    // kuromoji reads the 行 of 行番号 as the place name アルキ, of 選択行 as ユキ: the page reads 行 as ギョウ.
    ['sakura-help/HLP000063.html', { 行: 'ギョウ' }, { 行番号: 'ギョウバンゴウ', 指定行: 'シテイギョウ' }],
    ['sakura-help/HLP000031.html', { 行: 'ギョウ' }, { 選択行: 'センタクギョウ' }],
    ['sakura-help/HLP000086.html', { 大文字: 'オオモジ' }, {}],
  ])('%s', async (page, terms: Record<string, string>, phrases: Record<string, string>) => {
    const analysis = await analyzeText(fixturePage(page), tokenizer);
    for (const [term, reading] of Object.entries(terms)) expect(readingOf(analysis, term), term).toBe(reading);
    for (const [phrase, reading] of Object.entries(phrases)) {
      expect(phraseReadingOf(analysis, phrase), phrase).toBe(reading);
    }
  });
});

describe('readings in context, the sample site', () => {
  it.each(['/index.html', '/nlp/page-0003.html', '/nlp/page-0008.html'])(
    '%s reads 仮名 as カナ (送り仮名, 読み仮名 too)',
    async (sitePath) => {
      const analysis = await analyzeText(samplePage(sitePath), tokenizer);
      expect(readingOf(analysis, '仮名')).toBe('カナ');
      const okurigana = phraseReadingOf(analysis, '送り仮名');
      if (okurigana !== undefined) expect(okurigana).toBe('オクリカナ');
    },
  );
});
