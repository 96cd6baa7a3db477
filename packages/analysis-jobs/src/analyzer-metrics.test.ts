import { loadTokenizer } from '@kumo/analyzer';
import { createMetrics } from '@kumo/observability';
import { describe, expect, it } from 'vitest';
import { bridgeAnalyzerMetrics } from './analyzer-metrics.js';

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
