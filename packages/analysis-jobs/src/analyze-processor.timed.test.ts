import { analyzeText, loadTokenizer, type JapaneseTokenizer, type Token } from '@kumo/analyzer';
import { describe, expect, it } from 'vitest';
import { TimedTokenizer } from './analyze-processor.js';

async function collect(chunks: AsyncGenerator<readonly Token[]>): Promise<Token[]> {
  const tokens: Token[] = [];
  for await (const chunk of chunks) tokens.push(...chunk);
  return tokens;
}

describe('TimedTokenizer.tokenizeChunksShared', () => {
  it("forwards the inner tokenizer's shared tokens (what analyzeText counts over) and times them", async () => {
    const inner = await loadTokenizer();
    const text = '東京の天気は晴れです。'.repeat(50);
    const timed = new TimedTokenizer(inner);
    const tokens = await collect(timed.tokenizeChunksShared(text, { maxChunkChars: 200 }));
    expect(tokens).toEqual(await collect(inner.tokenizeChunksShared!(text, { maxChunkChars: 200 })));
    expect(tokens[0]).toBe(tokens[7]); // 東京, one shared token
    expect(timed.ms).toBeGreaterThan(0);
  });

  it('falls back to tokenizeChunks when the inner tokenizer has no shared tokens', async () => {
    const inner = await loadTokenizer();
    const plain: JapaneseTokenizer = {
      tokenize: (text, options) => inner.tokenize(text, options),
      tokenizeAsync: (text, options) => inner.tokenizeAsync(text, options),
      tokenizeChunks: (text, options) => inner.tokenizeChunks(text, options),
    };
    const tokens = await collect(new TimedTokenizer(plain).tokenizeChunksShared('東京の天気'));
    expect(tokens).toEqual(inner.tokenize('東京の天気'));
  });
});

describe('TimedTokenizer.tokenizeChunksPath', () => {
  it("forwards the inner tokenizer's word paths, timed: analyzeText through it counts them", async () => {
    const inner = await loadTokenizer();
    const text = '形態素解析器の開発者が東京で会議をした。'.repeat(100);
    const timed = new TimedTokenizer(inner);
    expect(timed.tokenizeChunksPath).toBeTypeOf('function');
    let paths = 0;
    for await (const path of timed.tokenizeChunksPath!(text, { maxChunkChars: 300 })) paths += path.length > 0 ? 1 : 0;
    expect(paths).toBeGreaterThan(1);
    expect(timed.ms).toBeGreaterThan(0);
    const before = timed.ms;
    expect(await analyzeText(text, timed)).toStrictEqual(await analyzeText(text, inner));
    expect(timed.ms).toBeGreaterThan(before);
  });

  it('is absent when the inner tokenizer has no word paths (the analysis then takes tokens)', async () => {
    const inner = await loadTokenizer();
    const plain: JapaneseTokenizer = {
      tokenize: (text, options) => inner.tokenize(text, options),
      tokenizeAsync: (text, options) => inner.tokenizeAsync(text, options),
      tokenizeChunks: (text, options) => inner.tokenizeChunks(text, options),
    };
    expect(new TimedTokenizer(plain).tokenizeChunksPath).toBeUndefined();
  });
});
