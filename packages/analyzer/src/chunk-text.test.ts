import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_CHUNK_CHARS, splitIntoChunks } from './chunk-text.js';

describe('splitIntoChunks', () => {
  it.each([
    { name: 'empty text gives no chunk', text: '', max: 16, chunks: [] },
    { name: 'a short text is one chunk', text: '東京の大学。', max: 16, chunks: ['東京の大学。'] },
    {
      name: 'sentences are packed up to the limit, cut after 。 and ！？',
      text: 'あいうえおかきく。さしすせそたちつ。なにぬねの！？',
      max: 16,
      chunks: ['あいうえおかきく。', 'さしすせそたちつ。なにぬねの！？'],
    },
    {
      name: 'closing brackets stay with their sentence',
      text: '「あいうえおかきくけこ。」さしすせそたちつ',
      max: 16,
      chunks: ['「あいうえおかきくけこ。」', 'さしすせそたちつ'],
    },
    {
      name: 'line breaks end a segment',
      text: 'abcdefghij\nklmnopqrst\n',
      max: 16,
      chunks: ['abcdefghij\n', 'klmnopqrst\n'],
    },
    {
      name: 'a long line is cut after whitespace',
      text: 'aaaa bbbb cccc dddd eeee',
      max: 16,
      chunks: ['aaaa bbbb cccc ', 'dddd eeee'],
    },
    {
      name: 'a long line without whitespace is cut after a comma',
      text: 'あいうえおかきく、けこさしすせそたちつてと',
      max: 16,
      chunks: ['あいうえおかきく、', 'けこさしすせそたちつてと'],
    },
    {
      name: 'a long line without commas is cut where kanji follow hiragana, never before okurigana',
      text: 'あいうえおかきくけこ漢字さしすせそたち',
      max: 16,
      chunks: ['あいうえおかきくけこ', '漢字さしすせそたち'],
    },
    {
      name: 'a long line is cut between Japanese and Latin',
      text: 'ああああああああああabcdefghijkl',
      max: 16,
      chunks: ['ああああああああああ', 'abcdefghijkl'],
    },
    {
      name: 'a line with no boundary at all is cut at the limit',
      text: 'あ'.repeat(40),
      max: 16,
      chunks: ['あ'.repeat(16), 'あ'.repeat(16), 'あ'.repeat(8)],
    },
    {
      name: 'a hard cut never splits a surrogate pair',
      text: 'あ' + '𠮷'.repeat(20),
      max: 16,
      chunks: ['あ' + '𠮷'.repeat(7), '𠮷'.repeat(8), '𠮷'.repeat(5)],
    },
  ])('$name', ({ text, max, chunks }) => {
    expect(splitIntoChunks(text, max)).toEqual(chunks);
  });

  it('defaults to 2,000-character chunks', () => {
    const text = 'これは文です。'.repeat(1_000);
    const chunks = splitIntoChunks(text);
    expect(DEFAULT_MAX_CHUNK_CHARS).toBe(2_000);
    expect(chunks.length).toBe(4);
    expect(chunks.every((chunk) => chunk.length <= 2_000 && chunk.endsWith('。'))).toBe(true);
  });

  it('always gives back the text, in chunks within the limit, with every surrogate pair whole', () => {
    const pieces = [
      '東京',
      'は',
      '。',
      '\n',
      ' ',
      'abc',
      '、',
      '𠮷',
      '！？',
      '」',
      'ー',
      'カタカナ',
      '漢字',
      'ひらがな',
    ];
    let seed = 12_345;
    const random = (n: number): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return Math.floor((seed / 2_147_483_648) * n);
    };
    for (let round = 0; round < 500; round++) {
      const text = Array.from({ length: random(120) }, () => pieces[random(pieces.length)]).join('');
      const max = 16 + random(48);
      const chunks = splitIntoChunks(text, max);
      expect(chunks.join('')).toBe(text);
      for (const chunk of chunks) {
        expect(chunk.length).toBeGreaterThan(0);
        expect(chunk.length).toBeLessThanOrEqual(max);
        expect(chunk).not.toMatch(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/);
      }
    }
  });

  it.each([15, 0, -1, 2.5, Number.NaN])('rejects maxChars %s with KUMO_ANALYZER_INVALID_OPTION', (max) => {
    expect(() => splitIntoChunks('text', max)).toThrow(
      expect.objectContaining({ code: 'KUMO_ANALYZER_INVALID_OPTION' }),
    );
  });
});
