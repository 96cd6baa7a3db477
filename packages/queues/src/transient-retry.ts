import { channel } from 'node:diagnostics_channel';
import { setTimeout as sleep } from 'node:timers/promises';
import { QueueUnavailableError } from './errors.js';

const retryChannel = channel('kumo:queues:retry');

/** Error replies and connection failures that a cluster failover produces and that succeed when retried. */
const TRANSIENT =
  /^(MOVED|ASK|CLUSTERDOWN|TRYAGAIN|LOADING|READONLY|MASTERDOWN)\b|Connection is closed|ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|Too many Cluster redirections/;

/** True for an error worth retrying after a pause (a failover in progress, a dropped connection). */
export function isTransientRedisError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'MaxRetriesPerRequestError' || error.name === 'ConnectionClosedError') return true;
  return TRANSIENT.test(error.message);
}

export interface RetryOptions {
  /** Tries in all. Default 5. */
  attempts?: number;
  /** Pause before the 2nd try; doubles each time. Default 200 ms (5 tries span about 3 s). */
  baseDelayMs?: number;
  /** Named in diagnostics and in the final error. */
  operation: string;
}

/**
 * Runs `fn`, retrying transient Redis errors with exponential backoff; other errors pass through at once. Only for
 * idempotent work (adds with deterministic job ids). Exhausted retries throw `QueueUnavailableError`.
 */
export async function retryTransient<T>(fn: () => Promise<T>, options: RetryOptions): Promise<T> {
  const attempts = options.attempts ?? 5;
  const base = options.baseDelayMs ?? 200;
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (!isTransientRedisError(error)) throw error;
      lastError = error;
      if (retryChannel.hasSubscribers) retryChannel.publish({ operation: options.operation, attempt, error });
      if (attempt < attempts) await sleep(base * 2 ** (attempt - 1));
    }
  }
  throw new QueueUnavailableError(`${options.operation} failed after ${attempts} tries`, lastError);
}
