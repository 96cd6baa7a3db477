import { DelayedError, UnrecoverableError, WaitingChildrenError, Worker, type Job } from 'bullmq';
import type { Config } from '@kumo/config';
import { KeySpace, type RedisClient } from '@kumo/keyspace';
import type { QueueName } from './names.js';

/** The settings a worker needs. */
export type WorkerConfig = Pick<Config, 'KUMO_PREFIX' | 'WORKER_LOCK_DURATION_MS' | 'WORKER_STALLED_INTERVAL_MS'>;

/** How a processed job ended, from the processor's point of view. */
export type JobOutcome = 'completed' | 'retrying' | 'failed' | 'delayed' | 'waiting-children';

/** One processed job: what `onJobDone` and the stage timer receive. */
export interface JobDone {
  queue: QueueName;
  name: string;
  jobId: string | undefined;
  ms: number;
  outcome: JobOutcome;
}

/** A histogram-like sink (the stage timer of @kumo/observability fits). */
export interface StageTimer {
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
  | { type: 'stalled'; queue: QueueName; jobId: string };

export type KumoProcessor<D, R> = (job: Job<D, R>, token?: string, signal?: AbortSignal) => Promise<R>;

export interface KumoWorkerOptions {
  /** A connection with `maxRetriesPerRequest: null` (role `worker`); BullMQ duplicates it for blocking. */
  connection: RedisClient;
  config: WorkerConfig;
  /** Jobs in flight in this process. */
  concurrency: number;
  /** Start taking jobs at once. Default true. */
  autorun?: boolean;
  /** Logs worker errors and stalled jobs. Default: none (use `onEvent`). */
  logger?: WorkerLogger;
  /** Receives each job's duration as stage `<queue>` with label `outcome`. Default: none. */
  stageTimer?: StageTimer;
  /** Called after each job with its duration and outcome. Default: none. */
  onJobDone?: (done: JobDone) => void;
  /** Worker errors, failed and stalled jobs. Default: none. */
  onEvent?: (event: WorkerEvent) => void;
}

function outcomeOf<D, R>(job: Job<D, R>, error: unknown): JobOutcome {
  if (error instanceof DelayedError) return 'delayed';
  if (error instanceof WaitingChildrenError) return 'waiting-children';
  if (error instanceof UnrecoverableError) return 'failed';
  return job.attemptsMade + 1 < (job.opts.attempts ?? 1) ? 'retrying' : 'failed';
}

/**
 * A BullMQ worker with kumo's defaults: the `<prefix>:bull:{q}` prefix, `lockDuration` and `stalledInterval` from the
 * configuration, `maxStalledCount: 2`, and each job's duration and outcome reported.
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
  const timed = async (job: Job<D, R>, token?: string, signal?: AbortSignal): Promise<R> => {
    const started = performance.now();
    try {
      const result = await processor(job, token, signal);
      report({
        queue: queueName,
        name: job.name,
        jobId: job.id,
        ms: performance.now() - started,
        outcome: 'completed',
      });
      return result;
    } catch (error) {
      const ms = performance.now() - started;
      report({ queue: queueName, name: job.name, jobId: job.id, ms, outcome: outcomeOf(job, error) });
      throw error;
    }
  };
  const worker = new Worker<D, R>(queueName, timed, {
    connection: options.connection,
    prefix: new KeySpace({ prefix: options.config.KUMO_PREFIX }).queuePrefix(),
    concurrency: options.concurrency,
    lockDuration: options.config.WORKER_LOCK_DURATION_MS,
    stalledInterval: options.config.WORKER_STALLED_INTERVAL_MS,
    maxStalledCount: 2,
    autorun: options.autorun ?? true,
  });
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
  return worker;
}
