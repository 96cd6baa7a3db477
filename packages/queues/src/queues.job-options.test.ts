import { loadConfig } from '@kumo/config';
import { describe, expect, it } from 'vitest';
import {
  aggregateJobId,
  aggregateJobOptions,
  analyzeJobId,
  analyzeJobOptions,
  crawlJobId,
  crawlJobOptions,
  defaultJobOptions,
} from './queues.js';

const config = loadConfig({
  QUEUE_KEEP_COMPLETED_S: '100',
  QUEUE_KEEP_COMPLETED_COUNT: '200',
  QUEUE_KEEP_FAILED_S: '300',
  QUEUE_KEEP_FAILED_COUNT: '400',
  CRAWL_ATTEMPTS: '4',
  CRAWL_RETRY_BACKOFF_MS: '500',
});
const retention = { removeOnComplete: { age: 100, count: 200 }, removeOnFail: { age: 300, count: 400 } };

describe('job options', () => {
  it.each([
    ['default', defaultJobOptions(config), retention],
    [
      'crawl',
      crawlJobOptions(config),
      { ...retention, attempts: 4, backoff: { type: 'exponential', delay: 500 }, ignoreDependencyOnFailure: true },
    ],
    [
      'analyze',
      analyzeJobOptions(config),
      { ...retention, attempts: 2, backoff: { type: 'exponential', delay: 500 }, ignoreDependencyOnFailure: true },
    ],
    [
      'aggregate',
      aggregateJobOptions(config),
      { ...retention, attempts: 3, backoff: { type: 'exponential', delay: 500 } },
    ],
  ])('%s jobs', (_kind, options, expected) => {
    expect(options).toEqual(expected);
  });
});

describe('job ids', () => {
  it('are deterministic, distinct per kind and URL, and free of colons', () => {
    const url = 'http://example.com:8080/a?b=c';
    expect(crawlJobId('cabc', url)).toBe(crawlJobId('cabc', url));
    expect(crawlJobId('cabc', url)).toMatch(/^cabc-[0-9a-f]{16}$/);
    expect(analyzeJobId('cabc', url)).toMatch(/^cabc-a-[0-9a-f]{16}$/);
    expect(crawlJobId('cabc', url)).not.toBe(crawlJobId('cabc', `${url}x`));
    expect(crawlJobId('cabc', url)).not.toBe(crawlJobId('cabd', url));
    expect(aggregateJobId('cabc')).toBe('cabc');
  });
});
