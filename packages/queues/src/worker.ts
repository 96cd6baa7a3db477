import { DelayedError, type BackoffStrategy, type Job, type Telemetry, type Worker } from 'bullmq';
import type { Config } from '@kumo/config';
import type { KumoError } from '@kumo/errors';
import { KeySpace, type RedisClient } from '@kumo/keyspace';
import { activeTracing, beginWork } from '@kumo/observability';
import type { WorkerStuckError } from './errors.js';
import { translateJobError, type JobOutcome } from './job-errors.js';
import { KumoBullWorker } from './kumo-bull-worker.js';
import { FetchWatch } from './fetch-watch.js';
import { DEFAULT_HOLD_MS, holdWhileRedisRefuses, keepJobLock, runInHoldScope } from './job-hold.js';
import { DEFAULT_LIVENESS_CHECK_MS, stopThisProcess, watchLiveness } from './liveness-watchdog.js';
import type { QueueName } from './names.js';
import { isRedisUnavailable } from './redis-failure.js';

/** The settings a worker needs (`WORKER_LIVENESS_CHECK_MS` may be left out: default 20 s). */
export type WorkerConfig = Pick<Config, 'KUMO_PREFIX' | 'WORKER_LOCK_DURATION_MS' | 'WORKER_STALLED_INTERVAL_MS'> &
  Partial<Pick<Config, 'WORKER_LIVENESS_CHECK_MS'>>;

/**
 * How long BullMQ blocks in one BZPOPMIN while the queue is empty, in seconds (its `drainDelay`). BullMQ races
 * each blocking call against a timer of this + 1 s and then resets the connection, so no blocking call waits
 * forever on a dead socket. 10 s is BullMQ's own ceiling for a block until a delayed job (`maximumBlockTimeout`):
 * each return costs an idle process a wake-up and a `moveToActive` round trip (about 1 ms of CPU in cold code), so
 * 5 s kept idle workers at 0.1–0.3 % of a core (decision 0018).
 */
export const BLOCK_TIMEOUT_S = 10;

/** One processed job: what `onJobDone` and the duration observer receive. */
export interface JobDone {
  queue: QueueName;
  name: string;
  jobId: string | undefined;
  ms: number;
  outcome: JobOutcome;
}

/**
 * Where each job's duration goes, as stage `<queue>` with label `outcome` (a histogram-like sink; the `StageTimer`
 * class of @kumo/observability fits).
 */
export interface JobDurationObserver {
  observe(stage: string, ms: number, labels?: Record<string, string>): void;
}

/** The pino subset the worker logs to. */
export interface WorkerLogger {
  warn(object: object, message?: string): void;
  error(object: object, message?: string): void;
}

/** Worker events worth a log line or a metric. */
export type WorkerEvent =
  | { type: 'error'; queue: QueueName; error: Error }
  | { type: 'failed'; queue: QueueName; jobId: string | undefined; error: Error }
  | { type: 'stalled'; queue: QueueName; jobId: string }
  | { type: 'critical'; queue: QueueName; jobId: string | undefined; error: Error }
  | { type: 'stuck'; queue: QueueName; error: WorkerStuckError };

export type KumoProcessor<D, R> = (job: Job<D, R>, token?: string, signal?: AbortSignal) => Promise<R>;

export interface KumoWorkerOptions {
  /** A connection with `maxRetriesPerRequest: null` (role `worker`); BullMQ duplicates it for blocking. */
  connection: RedisClient;
  config: WorkerConfig;
  /** Jobs in flight in this process. */
  concurrency: number;
  /** Start taking jobs at once. Default true. */
  autorun?: boolean;
  /** Logs worker errors, stalled jobs and critical errors. Default: none (use `onEvent`). */
  logger?: WorkerLogger;
  /** Receives each job's duration as stage `<queue>` with label `outcome`. Default: none. */
  stageTimer?: JobDurationObserver;
  /** Called after each job with its duration and outcome. Default: none. */
  onJobDone?: (done: JobDone) => void;
  /** Worker errors, failed and stalled jobs, critical errors, a wedged worker. Default: none. */
  onEvent?: (event: WorkerEvent) => void;
  /**
   * Called once when a job fails with a `critical` error (the process cannot work), after the worker stopped taking
   * jobs. Default: SIGTERM to this process, so that it shuts down gracefully and its supervisor starts a fresh one.
   */
  onCritical?: (error: Error) => void;
  /**
   * Called once when the liveness check finds the worker wedged (see `watchLiveness`), after the worker has been
   * force-closed. Default: `onCritical` (SIGTERM to this process).
   */
  onStuck?: (error: WorkerStuckError) => void;
  /**
   * BullMQ's telemetry: each job processed is a span in the trace of whoever added it. Default: this process's
   * tracing (`activeTracing()` of @kumo/observability), none when tracing is off.
   */
  telemetry?: Telemetry | undefined;
  /**
   * BullMQ's custom back-off: the delay before a retry of a job whose `backoff.type` is not built in (the webhook
   * queue's capped exponential schedule). Default: none (built-in `fixed` and `exponential` only).
   */
  backoffStrategy?: BackoffStrategy;
  /**
   * The longest a job waits for a Redis that refuses writes: each `holdWhileRedisRefuses` inside the processor, and
   * the worker's own wait to put back a job whose processor failed on such a refusal. @defaultValue 300 000 (5 min)
   */
  holdMs?: number;
  /**
   * A job whose processor failed because Redis refused it is put back (delayed, no attempt used) while it is younger
   * than this; an older one fails like any transient error. Bounds how long a job rides out outages. @defaultValue
   * 86 400 000 (a day)
   */
  maxDeferAgeMs?: number;
  /**
   * One worker of the queue (of every process) waits for its next delayed job while the others sleep (see
   * fetch-watch.ts). False: every worker waits for every delayed job. @defaultValue true
   */
  fetchWatch?: boolean;
}

/** How soon a job put back after a Redis refusal runs again (its lock is gone then; another worker may take it). */
const DEFER_DELAY_MS = 1000;

/**
 * A BullMQ worker with kumo's defaults: the `<prefix>:bull:{q}` prefix, `lockDuration` and `stalledInterval` from the
 * configuration, `maxStalledCount: 2`, timers that run only while there is work (`KumoBullWorker`), blocking fetches bounded to {@link BLOCK_TIMEOUT_S}, each job's duration and
 * outcome reported, kumo's error policy applied to whatever a processor throws (`translateJobError`: permanent →
 * BullMQ's `UnrecoverableError`, transient → retried with backoff, critical → the worker stops and so does its
 * process), and the liveness watchdog (`WORKER_LIVENESS_CHECK_MS`, 0: off; see liveness-watchdog.ts).
 */
export function createKumoWorker<D, R>(
  queueName: QueueName,
  processor: KumoProcessor<D, R>,
  options: KumoWorkerOptions,
): Worker<D, R> {
  const report = (done: JobDone) => {
    options.stageTimer?.observe(done.queue, done.ms, { outcome: done.outcome });
    options.onJobDone?.(done);
  };
  const onCritical = options.onCritical ?? stopThisProcess;
  const keySpace = new KeySpace({ prefix: options.config.KUMO_PREFIX });
  const prefix = keySpace.queuePrefix();
  const holdMs = options.holdMs ?? DEFAULT_HOLD_MS;
  const maxDeferAgeMs = options.maxDeferAgeMs ?? 86_400_000;
  const lockPlace = {
    connection: options.connection,
    prefix,
    queueName,
    lockMs: options.config.WORKER_LOCK_DURATION_MS,
  };

  /**
   * A processor that failed because Redis refused a write (after its own holds) has not failed: the job waits until
   * Redis takes writes again — moving it to *delayed* is such a write, retried within the hold — and runs again
   * later without using an attempt (BullMQ counts none for a `DelayedError`). Returns what to hand BullMQ: a
   * `DelayedError` once the job is put back, else the error itself (not a refusal, a job older than
   * `maxDeferAgeMs`, or a Redis that refused for longer than the hold).
   */
  async function deferOnRefusal(job: Job<D, R>, token: string | undefined, error: unknown): Promise<unknown> {
    if (token === undefined || !isRedisUnavailable(error) || Date.now() - job.timestamp > maxDeferAgeMs) return error;
    try {
      await runInHoldScope(
        {
          keepLock: () => (job.id === undefined ? Promise.resolve(true) : keepJobLock(lockPlace, job.id, token)),
          maxHoldMs: holdMs,
          maxPauseMs: lockPlace.lockMs / 3,
        },
        () =>
          holdWhileRedisRefuses(() => job.moveToDelayed(Date.now() + DEFER_DELAY_MS, token), {
            operation: `put back ${queueName} job`,
          }),
      );
    } catch {
      return error;
    }
    options.logger?.warn(
      { err: error, queue: queueName, jobId: job.id },
      'Redis refused a write of this job: put back to run again, no attempt used',
    );
    return new DelayedError();
  }
  let critical = false;
  let jobsStarted = 0;
  let jobsInFlight = 0;
  const run = async (job: Job<D, R>, token?: string, signal?: AbortSignal): Promise<R> => {
    const started = performance.now();
    // Event-loop delay is sampled while jobs run, not while the worker idles (see @kumo/observability's beginWork).
    const endWork = beginWork();
    jobsStarted++;
    jobsInFlight++;
    try {
      const result = await runInHoldScope(
        {
          keepLock: () =>
            job.id === undefined || token === undefined ? Promise.resolve(true) : keepJobLock(lockPlace, job.id, token),
          signal,
          maxHoldMs: holdMs,
          maxPauseMs: lockPlace.lockMs / 3,
        },
        () => processor(job, token, signal),
      );
      report({
        queue: queueName,
        name: job.name,
        jobId: job.id,
        ms: performance.now() - started,
        outcome: 'completed',
      });
      return result;
    } catch (error) {
      const deferred = await deferOnRefusal(job, token, error);
      const verdict = translateJobError(deferred, job);
      const ms = performance.now() - started;
      report({ queue: queueName, name: job.name, jobId: job.id, ms, outcome: verdict.outcome });
      if (verdict.kind === 'critical' && !critical) {
        critical = true;
        stopOnCritical(job, verdict.error);
      }
      throw verdict.error;
    } finally {
      jobsInFlight--;
      endWork();
    }
  };
  const telemetry = options.telemetry ?? activeTracing()?.telemetry;
  const worker = new KumoBullWorker<D, R>(queueName, run, {
    connection: options.connection,
    prefix,
    concurrency: options.concurrency,
    drainDelay: BLOCK_TIMEOUT_S,
    lockDuration: options.config.WORKER_LOCK_DURATION_MS,
    stalledInterval: options.config.WORKER_STALLED_INTERVAL_MS,
    maxStalledCount: 2,
    autorun: options.autorun ?? true,
    ...(options.fetchWatch === false
      ? {}
      : {
          fetchWatch: (workerId: string) =>
            new FetchWatch({ connection: options.connection, keySpace, queueName, workerId }),
        }),
    ...(telemetry ? { telemetry } : {}),
    ...(options.backoffStrategy ? { settings: { backoffStrategy: options.backoffStrategy } } : {}),
  });

  /** A critical error: no new job starts here (the job in hand is retried elsewhere), then the process stops. */
  function stopOnCritical(job: Job<D, R>, error: Error): void {
    const code = (error as Partial<KumoError>).code;
    options.logger?.error(
      { err: error, code, queue: queueName, jobId: job.id },
      'critical error: the worker stops taking jobs and its process stops; the supervisor starts a fresh one',
    );
    options.onEvent?.({ type: 'critical', queue: queueName, jobId: job.id, error });
    // Closing now (not awaited) keeps BullMQ from fetching the next job when it records this one.
    void worker.close().catch(() => undefined);
    onCritical(error);
  }

  // Always listen to 'error': an EventEmitter without a listener would crash the process on a Redis hiccup.
  worker.on('error', (error) => {
    options.logger?.error({ err: error, queue: queueName }, 'worker error');
    options.onEvent?.({ type: 'error', queue: queueName, error });
  });
  worker.on('failed', (job, error) => {
    options.onEvent?.({ type: 'failed', queue: queueName, jobId: job?.id, error });
  });
  worker.on('stalled', (jobId) => {
    options.logger?.warn({ queue: queueName, jobId }, 'job stalled: its process died or blocked; it will run again');
    options.onEvent?.({ type: 'stalled', queue: queueName, jobId });
  });
  const checkMs = options.config.WORKER_LIVENESS_CHECK_MS ?? DEFAULT_LIVENESS_CHECK_MS;
  if (checkMs > 0) {
    watchLiveness(worker, {
      queueName,
      prefix,
      connection: options.connection,
      checkMs,
      concurrency: options.concurrency,
      counters: () => ({ started: jobsStarted, inFlight: jobsInFlight, fetchWaits: worker.fetchWaits }),
      fetchState: () => worker.fetchState(),
      onStuck: (error) => {
        options.logger?.error({ err: error, code: error.code, queue: queueName }, error.message);
        options.onEvent?.({ type: 'stuck', queue: queueName, error });
        (options.onStuck ?? onCritical)(error);
      },
    });
  }
  return worker;
}
