import type { Job } from '@kumo/queues';
import { WebhookOptionsError } from './errors.js';

/**
 * The retry schedule of a delivery: capped exponential back-off. The wait before retry n (n = 1 after the first
 * attempt failed) is `min(baseMs × 2^(n-1), maxMs)`. With the defaults (30 s, 1 h, 31 attempts): 30 s, 1 min, 2 min,
 * 4 min, 8 min, 16 min, 32 min, then hourly; the 31st and last attempt starts about 24 h 4 min after the first
 * (`webhookRetrySchedule`), plus the time the attempts themselves took.
 */
export interface WebhookBackoff {
  /** Wait before the first retry. @defaultValue 30000 (`WEBHOOK_BACKOFF_BASE_MS`) */
  baseMs: number;
  /** Longest wait between two attempts. @defaultValue 3600000 (`WEBHOOK_BACKOFF_MAX_MS`) */
  maxMs: number;
}

function checkBackoff(backoff: WebhookBackoff): void {
  for (const [name, value] of Object.entries(backoff)) {
    if (!Number.isInteger(value) || value < 1) {
      throw new WebhookOptionsError(`${name} must be a positive integer of milliseconds, got ${String(value)}`);
    }
  }
}

/** The wait before retry `retry` (1 for the first retry). */
export function webhookRetryDelay(retry: number, backoff: WebhookBackoff): number {
  const exponent = Math.max(0, retry - 1);
  // Past 2^40 the product only overflows towards Infinity; the cap has long been reached.
  return Math.min(backoff.maxMs, exponent > 40 ? Infinity : backoff.baseMs * 2 ** exponent);
}

/** When each of `attempts` attempts starts, in ms after the first (0 first), if every attempt fails at once. */
export function webhookRetrySchedule(attempts: number, backoff: WebhookBackoff): number[] {
  checkBackoff(backoff);
  const starts = [0];
  for (let retry = 1; retry < attempts; retry++) starts.push(starts.at(-1)! + webhookRetryDelay(retry, backoff));
  return starts;
}

/**
 * BullMQ's custom back-off strategy for the webhook queue (`createKumoWorker`'s `backoffStrategy`). BullMQ passes the
 * attempts made so far, 1 after the first failure. The base is the job's own `backoff.delay` (set when it was
 * added), so a job keeps the schedule it was added with; the cap is this worker's.
 */
export function webhookBackoffStrategy(backoff: WebhookBackoff) {
  checkBackoff(backoff);
  return (attemptsMade: number, _type?: string, _error?: Error, job?: Pick<Job, 'opts'>): number => {
    const base = job?.opts.backoff;
    const baseMs = typeof base === 'object' && base.delay !== undefined && base.delay > 0 ? base.delay : backoff.baseMs;
    return webhookRetryDelay(attemptsMade, { baseMs, maxMs: backoff.maxMs });
  };
}
