import { loadTokenizer } from '@kumo/analyzer';
import { createMetrics } from '@kumo/observability';
import { describe, expect, it } from 'vitest';
import { bridgeAnalyzerMetrics } from './analyzer-metrics.js';
import { TimedTokenizer } from './timed-tokenizer.js';

async function value(metrics: ReturnType<typeof createMetrics>, name: string): Promise<number> {
  return (await metrics.registry.getSingleMetric(name)?.get())?.values[0]?.value ?? 0;
}

describe('bridgeAnalyzerMetrics', () => {
  it('counts what kuromoji tokenises until unsubscribed', async () => {
    const metrics = createMetrics({ app: 'test', defaultMetrics: false });
    const tokenizer = await loadTokenizer();
    const stop = bridgeAnalyzerMetrics(metrics);
    const tokens = tokenizer.tokenize('今日は良い天気です。');
    expect(await value(metrics, 'kumo_tokenized_chars_total')).toBe(10);
    expect(await value(metrics, 'kumo_tokens_total')).toBe(tokens.length);
    stop();
    tokenizer.tokenize('明日も晴れ。');
    expect(await value(metrics, 'kumo_tokenized_chars_total')).toBe(10);
  });
});

describe('TimedTokenizer', () => {
  it('returns the same tokens as the tokenizer it wraps, in every mode, and accumulates the time spent', async () => {
    const inner = await loadTokenizer();
    const text = '東京の天気は晴れです。'.repeat(50);
    const timed = new TimedTokenizer(inner);
    const expected = inner.tokenize(text, { maxChunkChars: 200 });
    expect(timed.tokenize(text, { maxChunkChars: 200 })).toEqual(expected);
    expect(await timed.tokenizeAsync(text, { maxChunkChars: 200 })).toEqual(expected);
    const chunks: number[] = [];
    for await (const chunk of timed.tokenizeChunks(text, { maxChunkChars: 200 })) chunks.push(chunk.length);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.reduce((sum, n) => sum + n, 0)).toBe(expected.length);
    expect(timed.ms).toBeGreaterThan(0);
  });
});
