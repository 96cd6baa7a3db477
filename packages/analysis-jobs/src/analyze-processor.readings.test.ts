import { analyzeText, loadTokenizer, type JapaneseTokenizer } from '@kumo/analyzer';
import { beforeAll, describe, expect, it } from 'vitest';
import { TimedTokenizer } from './analyze-processor.js';

let tokenizer: JapaneseTokenizer;
beforeAll(async () => {
  tokenizer = await loadTokenizer();
}, 60_000);

describe('TimedTokenizer', () => {
  it('passes homograph readings through, so analyze jobs read 行 as the page does (改行, 行頭: ギョウ)', async () => {
    const timed = new TimedTokenizer(tokenizer);
    const [token] = tokenizer.tokenize('行');
    expect(timed.homographReadings(token!.word_id!)).toEqual(tokenizer.homographReadings?.(token!.word_id!));
    const analysis = await analyzeText('改行する。行頭から行末まで、この行を選ぶ。', timed);
    expect(analysis.terms).toContainEqual({ term: '行', reading: 'ギョウ', pos: '名詞', count: 1 });
  });
});
