import { describe, expect, it } from 'vitest';
import { toKatakana } from 'wanakana';
import { katakanaOf } from './kana.js';

const KANA: string[] = [];
for (let code = 0x3041; code <= 0x3096; code++) KANA.push(String.fromCharCode(code));
for (let code = 0x30a1; code <= 0x30fc; code++) KANA.push(String.fromCharCode(code));

describe('katakanaOf', () => {
  it('is wanakana’s toKatakana on every kana alone and on 2,000 random runs of kana', () => {
    for (const kana of KANA) expect(katakanaOf(kana)).toBe(toKatakana(kana));
    let state = 7;
    for (let n = 0; n < 2_000; n++) {
      let run = '';
      for (let k = 0; k <= n % 9; k++) {
        state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
        run += KANA[state % KANA.length];
      }
      expect(katakanaOf(run)).toBe(toKatakana(run));
    }
  });

  it('is empty for text that is not all kana, and for empty text', () => {
    for (const text of ['', '漢字', 'かな漢字', 'abc', 'カナ1', 'ゝ', 'ヽ', 'ｶﾅ']) expect(katakanaOf(text)).toBe('');
  });
});
