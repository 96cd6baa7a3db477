import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { StageTimer, createLogger, createMetrics } from './index.js';

function capture() {
  const stream = new PassThrough();
  const lines: Record<string, unknown>[] = [];
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
  });
  return { stream, lines };
}

describe('StageTimer', () => {
  it('observes every stage in the histogram and logs one line with the job ids', async () => {
    const { stream, lines } = capture();
    const logger = createLogger({ name: 'test', destination: stream });
    const metrics = createMetrics({ app: 'test', defaultMetrics: false });
    const timer = new StageTimer(metrics, logger).job({ crawlId: 'c1', jobId: 'j1', url: 'http://x/' });
    await timer.stage('fetch', () => new Promise((resolve) => setTimeout(resolve, 5)));
    await expect(timer.stage('parse', () => Promise.reject(new Error('bad')))).rejects.toThrow('bad');
    timer.record('enqueue', 2);
    timer.finish('fetched');
    await new Promise((resolve) => setImmediate(resolve));

    const text = await metrics.registry.metrics();
    expect(text).toMatch(/kumo_stage_duration_seconds_count\{app="test",stage="fetch",outcome="ok"\} 1/);
    expect(text).toMatch(/kumo_stage_duration_seconds_count\{app="test",stage="parse",outcome="error"\} 1/);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ crawlId: 'c1', jobId: 'j1', url: 'http://x/', outcome: 'fetched' });
    const stages = lines[0]?.stages as Record<string, number>;
    expect(stages.fetch).toBeGreaterThan(0);
    expect(Object.keys(stages).sort()).toEqual(['enqueue', 'fetch', 'parse']);
  });

  it('redacts credentials from log lines', async () => {
    const { stream, lines } = capture();
    const logger = createLogger({ name: 'test', destination: stream });
    logger.info({ req: { headers: { authorization: 'Bearer secret-key-123' } }, password: 'hunter22' }, 'request');
    await new Promise((resolve) => setImmediate(resolve));
    const text = JSON.stringify(lines);
    expect(text).not.toContain('secret-key-123');
    expect(text).not.toContain('hunter22');
  });
});
