import { channel } from 'node:diagnostics_channel';
import { setTimeout as sleep } from 'node:timers/promises';
import { QueueUnavailableError } from './errors.js';
import { isRedisUnavailable } from './redis-failure.js';

const retryChannel = channel('kumo:queues:retry');

/** Default of `REDIS_RETRY_BUDGET_MS`: a failover with `cluster-node-timeout 5000` (7.6–9.5 s measured) fits. */
export const DEFAULT_RETRY_BUDGET_MS = 15_000;

export interface RetryOptions {
  /** Named in diagnostics and in the final error. */
  operation: string;
  /**
   * How long to keep retrying, counted from the first try; the last try starts at the latest when it runs out.
   * Keep it above the cluster's `cluster-node-timeout` + 5 s so that a failover fits. Default 15 000 ms.
   */
  budgetMs?: number;
  /** Pause before the 2nd try; doubles each time up to `maxDelayMs`. Default 200 ms. */
  baseDelayMs?: number;
  /** Longest pause between two tries. Default 2000 ms. */
  maxDelayMs?: number;
  /** Tries in all, at most (within the budget). Default: as many as the budget allows. */
  attempts?: number;
}

/**
 * Runs `fn`, retrying while Redis is unavailable ({@link isRedisUnavailable}: `MOVED`, `CLUSTERDOWN`, closed connections…) with
 * exponential backoff for up to `budgetMs`; other errors pass through at once. Only for idempotent work (adds with
 * deterministic job ids). When the budget or the attempts run out it throws `QueueUnavailableError`.
 */
export async function retryTransient<T>(fn: () => Promise<T>, options: RetryOptions): Promise<T> {
  const budget = options.budgetMs ?? DEFAULT_RETRY_BUDGET_MS;
  const base = options.baseDelayMs ?? 200;
  const maxDelay = options.maxDelayMs ?? 2000;
  const attempts = options.attempts ?? Infinity;
  const startedAt = performance.now();
  let lastError: unknown;
  let attempt = 0;
  for (;;) {
    attempt++;
    try {
      return await fn();
    } catch (error) {
      // A give-up of an inner retry is final: retrying it would only multiply the budget.
      if (error instanceof QueueUnavailableError || !isRedisUnavailable(error)) throw error;
      lastError = error;
      if (retryChannel.hasSubscribers) retryChannel.publish({ operation: options.operation, attempt, error });
      const left = budget - (performance.now() - startedAt);
      if (attempt >= attempts || left <= 0) break;
      await sleep(Math.min(base * 2 ** (attempt - 1), maxDelay, left));
    }
  }
  const spent = Math.round(performance.now() - startedAt);
  throw new QueueUnavailableError(`${options.operation} failed after ${attempt} tries in ${spent} ms`, lastError);
}
