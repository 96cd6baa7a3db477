import { loadConfig } from '@kumo/config';
import { describe, expect, it } from 'vitest';
import { webhookBackoffStrategy, webhookRetryDelay, webhookRetrySchedule } from './webhook-backoff.js';

const HOUR = 3_600_000;

describe('the webhook retry schedule', () => {
  it('doubles from the base up to the cap', () => {
    const backoff = { baseMs: 30_000, maxMs: HOUR };
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 30].map((retry) => webhookRetryDelay(retry, backoff))).toEqual([
      30_000,
      60_000,
      120_000,
      240_000,
      480_000,
      960_000,
      1_920_000,
      HOUR,
      HOUR,
      HOUR,
    ]);
    expect(webhookRetryDelay(10_000, backoff)).toBe(HOUR);
  });

  it('with the default configuration, keeps retrying for at least 24 h (and not much longer)', () => {
    const config = loadConfig({});
    const starts = webhookRetrySchedule(config.WEBHOOK_ATTEMPTS, {
      baseMs: config.WEBHOOK_BACKOFF_BASE_MS,
      maxMs: config.WEBHOOK_BACKOFF_MAX_MS,
    });
    expect(starts).toHaveLength(config.WEBHOOK_ATTEMPTS);
    expect(starts.at(-1)!).toBeGreaterThanOrEqual(24 * HOUR);
    expect(starts.at(-1)!).toBeLessThan(25 * HOUR);
  });

  it("as BullMQ's strategy takes the job's own base delay and the worker's cap", () => {
    const strategy = webhookBackoffStrategy({ baseMs: 30_000, maxMs: 250 });
    expect(strategy(1)).toBe(250);
    expect(strategy(1, 'kumo-webhook', undefined, { opts: { backoff: { type: 'kumo-webhook', delay: 100 } } })).toBe(
      100,
    );
    expect(strategy(3, 'kumo-webhook', undefined, { opts: { backoff: { type: 'kumo-webhook', delay: 100 } } })).toBe(
      250,
    );
  });

  it('refuses a base or cap that is not a positive integer, naming it', () => {
    expect(() => webhookBackoffStrategy({ baseMs: 0, maxMs: 1 })).toThrow(/baseMs/);
    expect(() => webhookRetrySchedule(3, { baseMs: 1, maxMs: 1.5 })).toThrow(/maxMs/);
  });
});
