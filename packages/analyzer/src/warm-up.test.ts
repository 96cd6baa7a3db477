import { describe, expect, it } from 'vitest';
import { analyzeText } from './analyze-page.js';
import { loadTokenizer } from './tokenizer.js';
import { warmUp } from './warm-up.js';

describe('warmUp', () => {
  it('analyses its built-in text, ~100,000 characters or a second at most, and leaves the analysis as it was', async () => {
    const tokenizer = await loadTokenizer();
    const text = '形態素解析器の開発者が東京で会議をした。ＦｏｎｔＦｏｒｇｅ と ｶﾀｶﾅ。';
    const before = await analyzeText(text, tokenizer);
    const result = await warmUp(tokenizer);
    expect(result.chars).toBeGreaterThan(0);
    expect(result.chars).toBeLessThan(105_000);
    // The wall-time bound (1 s) can stop it early on a slow machine; it never runs on for long past it.
    expect(result.ms).toBeLessThan(5_000);
    expect(await analyzeText(text, tokenizer)).toStrictEqual(before);
  }, 60_000);
});
