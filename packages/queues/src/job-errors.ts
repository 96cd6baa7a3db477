// kumo's error policy for jobs: what a worker does with the error a processor threw (`translateJobError`), and how
// adding jobs rides out a Redis that is briefly unavailable (`retryTransient`).
import { channel } from 'node:diagnostics_channel';
import { setTimeout as sleep } from 'node:timers/promises';
import { DelayedError, UnrecoverableError, WaitingChildrenError, WaitingError, type Job } from 'bullmq';
import { isKumoError, type ErrorKind } from '@kumo/errors';
import { QueueUnavailableError } from './errors.js';
import { isRedisUnavailable } from './redis-failure.js';

/** How a processed job ended, from the processor's point of view. */
export type JobOutcome = 'completed' | 'retrying' | 'failed' | 'delayed' | 'waiting-children';

/** Which run of a job this is: the one place that reads BullMQ's attempt counters. */
export interface JobAttempt {
  /** 1 for the first run, 2 for the first retry… */
  number: number;
  /** No retry follows a transient failure of this run: the job's `attempts` are used up. */
  final: boolean;
  /** The job ran before: a retried attempt, or a run whose process died (stalled) and was given back. */
  rerun: boolean;
}

/** The attempt a job is on (processors decide "retry or record the failure" with `final`, never by counting). */
export function jobAttempt(job: Pick<Job, 'attemptsMade' | 'stalledCounter' | 'opts'>): JobAttempt {
  const number = job.attemptsMade + 1;
  return { number, final: number >= (job.opts.attempts ?? 1), rerun: job.attemptsMade > 0 || job.stalledCounter > 0 };
}

/** What the worker does with an error a processor threw. */
export interface JobErrorVerdict {
  /** What to hand BullMQ: the error itself, or a real `UnrecoverableError` whose `cause` is the error. */
  error: Error;
  /** The kind the error was taken for (control-flow errors of BullMQ count as transient). */
  kind: ErrorKind;
  /** What BullMQ will do with `error`: the figure `kumo_jobs_total{outcome}` counts. */
  outcome: JobOutcome;
}

/** An error BullMQ's worker recognises by class or by name (it checks both, `worker.js`'s `handleFailed`). */
function isBullError(error: unknown, type: abstract new (...args: never[]) => Error, name: string): boolean {
  return error instanceof type || (error instanceof Error && error.name === name);
}

/**
 * A permanent error as BullMQ's `UnrecoverableError` (its own class, so BullMQ fails the job at once whatever
 * attempts are left), keeping the message (the job's `failedReason`), the kumo code and the original as `cause`.
 */
function unrecoverable(error: Error & { code: string }): UnrecoverableError {
  const wrapped = new UnrecoverableError(error.message);
  Object.defineProperties(wrapped, {
    cause: { value: error, enumerable: false, writable: true, configurable: true },
    code: { value: error.code, enumerable: true, writable: true, configurable: true },
  });
  return wrapped;
}

/**
 * kumo's job error policy in one place (Crawlee's runner role), used by every worker `createKumoWorker` builds:
 * - BullMQ's own control flow (`DelayedError`, `WaitingChildrenError`, `WaitingError`) passes through;
 * - an error of kind `permanent` (a bad page, malformed job data, a crawl that is gone) becomes BullMQ's real
 *   `UnrecoverableError` with the error as `cause`: the job fails at once, never retried;
 * - `transient` errors (and anything without a kind: an unknown error is retried a bounded number of times) are
 *   rethrown as they are, and BullMQ retries them with the job's backoff while attempts are left;
 * - `critical` errors (the process cannot work: a broken dictionary, a misconfiguration) are rethrown so the job is
 *   retried elsewhere, and the worker stops its process (see `createKumoWorker`'s `onCritical`).
 * `outcome` mirrors BullMQ's own decision (`Job.shouldRetryJob`): failed for good, or retrying.
 */
export function translateJobError(
  error: unknown,
  job: Pick<Job, 'attemptsMade' | 'stalledCounter' | 'opts'>,
): JobErrorVerdict {
  const thrown = error instanceof Error ? error : new Error(String(error));
  if (isBullError(thrown, DelayedError, 'DelayedError') || isBullError(thrown, WaitingError, 'WaitingError')) {
    return { error: thrown, kind: 'transient', outcome: 'delayed' };
  }
  if (isBullError(thrown, WaitingChildrenError, 'WaitingChildrenError')) {
    return { error: thrown, kind: 'transient', outcome: 'waiting-children' };
  }
  if (isBullError(thrown, UnrecoverableError, 'UnrecoverableError')) {
    return { error: thrown, kind: 'permanent', outcome: 'failed' };
  }
  const kind: ErrorKind = isKumoError(thrown) ? (thrown.kind ?? 'transient') : 'transient';
  if (kind === 'permanent' && isKumoError(thrown)) {
    return { error: unrecoverable(thrown), kind, outcome: 'failed' };
  }
  const outcome: JobOutcome = jobAttempt(job).final ? 'failed' : 'retrying';
  return { error: thrown, kind, outcome };
}

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
