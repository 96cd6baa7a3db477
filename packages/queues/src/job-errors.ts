import { DelayedError, UnrecoverableError, WaitingChildrenError, WaitingError, type Job } from 'bullmq';
import { isKumoError, type ErrorKind } from '@kumo/errors';

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
