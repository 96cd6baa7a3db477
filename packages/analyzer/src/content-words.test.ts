import { describe, expect, it } from 'vitest';
import { contentWordOf, rememberedContentWordOf } from './content-words.js';
import type { Token } from './tokenizer.js';

function token(fields: Partial<Token> & Pick<Token, 'surface_form'>): Token {
  return {
    pos: '名詞',
    pos_detail_1: '一般',
    pos_detail_2: '*',
    pos_detail_3: '*',
    conjugated_type: '*',
    conjugated_form: '*',
    basic_form: fields.surface_form,
    word_type: 'KNOWN',
    ...fields,
  };
}

describe('rememberedContentWordOf', () => {
  it('answers like contentWordOf, and the second time from memory for the same dictionary entry', () => {
    const tokyo = token({ surface_form: '東京', reading: 'トウキョウ', pos_detail_1: '固有名詞', word_id: 3029410 });
    const first = rememberedContentWordOf(tokyo);
    expect(first).toEqual(contentWordOf(tokyo));
    expect(first).toEqual({ term: '東京', reading: 'トウキョウ', pos: '名詞' });
    expect(rememberedContentWordOf({ ...tokyo })).toBe(first);
  });

  it('remembers entries that are not content words too', () => {
    const particle = token({ surface_form: 'に', pos: '助詞', pos_detail_1: '格助詞', reading: 'ニ', word_id: 92030 });
    expect(rememberedContentWordOf(particle)).toBeUndefined();
    expect(rememberedContentWordOf(particle)).toBeUndefined();
  });

  it('never remembers unknown words: they share their character class id across surfaces', () => {
    const a = token({ surface_form: 'クモジ', word_type: 'UNKNOWN', word_id: 7 });
    const b = token({ surface_form: 'ブルエム', word_type: 'UNKNOWN', word_id: 7 });
    expect(rememberedContentWordOf(a)?.term).toBe('クモジ');
    expect(rememberedContentWordOf(b)?.term).toBe('ブルエム');
    expect(rememberedContentWordOf(b)?.reading).toBe('ブルエム');
  });

  it('works without a word_id (tokens from elsewhere)', () => {
    expect(rememberedContentWordOf(token({ surface_form: '雲', reading: 'クモ' }))?.term).toBe('雲');
  });
});
