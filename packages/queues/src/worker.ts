import { DelayedError, Queue, UnrecoverableError, WaitingChildrenError, Worker, type Job } from 'bullmq';
import type { Config } from '@kumo/config';
import { KeySpace, type RedisClient } from '@kumo/keyspace';
import { WorkerStuckError } from './errors.js';
import type { QueueName } from './names.js';

/** The settings a worker needs (`WORKER_LIVENESS_CHECK_MS` may be left out: default 20 s). */
export type WorkerConfig = Pick<Config, 'KUMO_PREFIX' | 'WORKER_LOCK_DURATION_MS' | 'WORKER_STALLED_INTERVAL_MS'> &
  Partial<Pick<Config, 'WORKER_LIVENESS_CHECK_MS'>>;

/** Default of `WORKER_LIVENESS_CHECK_MS`. */
export const DEFAULT_LIVENESS_CHECK_MS = 20_000;

/**
 * How long BullMQ blocks in one BZPOPMIN while the queue is empty, in seconds (its `drainDelay`). BullMQ races
 * each blocking call against a timer of this + 1 s and then resets the connection, so no blocking call waits
 * forever on a dead socket.
 */
export const BLOCK_TIMEOUT_S = 5;

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
  | { type: 'stalled'; queue: QueueName; jobId: string }
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
  /** Logs worker errors and stalled jobs. Default: none (use `onEvent`). */
  logger?: WorkerLogger;
  /** Receives each job's duration as stage `<queue>` with label `outcome`. Default: none. */
  stageTimer?: StageTimer;
  /** Called after each job with its duration and outcome. Default: none. */
  onJobDone?: (done: JobDone) => void;
  /** Worker errors, failed and stalled jobs, a wedged worker. Default: none. */
  onEvent?: (event: WorkerEvent) => void;
  /**
   * Called once when the liveness check finds the worker wedged (see `createKumoWorker`), after the worker has
   * been force-closed. Default: SIGTERM to this process, so that it shuts down gracefully and its supervisor
   * starts a fresh one.
   */
  onStuck?: (error: WorkerStuckError) => void;
}

function outcomeOf<D, R>(job: Job<D, R>, error: unknown): JobOutcome {
  if (error instanceof DelayedError) return 'delayed';
  if (error instanceof WaitingChildrenError) return 'waiting-children';
  if (error instanceof UnrecoverableError) return 'failed';
  return job.attemptsMade + 1 < (job.opts.attempts ?? 1) ? 'retrying' : 'failed';
}

/**
 * A BullMQ worker with kumo's defaults: the `<prefix>:bull:{q}` prefix, `lockDuration` and `stalledInterval` from the
 * configuration, `maxStalledCount: 2`, blocking fetches bounded to {@link BLOCK_TIMEOUT_S}, each job's duration and
 * outcome reported, and a liveness check.
 *
 * Liveness check (every `WORKER_LIVENESS_CHECK_MS`, 0: off): a worker is wedged when, at two checks in a row, its
 * queue had jobs waiting (`wait` or `prioritized`; queue not paused, rate-limited or maxed out) and the worker ran, was not paused and had a
 * free slot, yet it started no job between them — a healthy idle worker polls at least every
 * {@link BLOCK_TIMEOUT_S} + 1 s and is woken at once by a new job. Such a worker cannot be revived (BullMQ's fetch
 * loop awaits a promise that will never settle), so it is force-closed, logged as `KUMO_QUEUES_WORKER_STUCK`,
 * reported as a `stuck` event, and `onStuck` is called (default: SIGTERM to the process). A check that cannot read
 * the queue (Redis down, a failover in progress) decides nothing.
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
  let jobsStarted = 0;
  let jobsInFlight = 0;
  const timed = async (job: Job<D, R>, token?: string, signal?: AbortSignal): Promise<R> => {
    const started = performance.now();
    jobsStarted++;
    jobsInFlight++;
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
    } finally {
      jobsInFlight--;
    }
  };
  const prefix = new KeySpace({ prefix: options.config.KUMO_PREFIX }).queuePrefix();
  const worker = new Worker<D, R>(queueName, timed, {
    connection: options.connection,
    prefix,
    concurrency: options.concurrency,
    drainDelay: BLOCK_TIMEOUT_S,
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
  const checkMs = options.config.WORKER_LIVENESS_CHECK_MS ?? DEFAULT_LIVENESS_CHECK_MS;
  if (checkMs > 0) {
    watchLiveness(worker, {
      queueName,
      prefix,
      connection: options.connection,
      checkMs,
      concurrency: options.concurrency,
      counters: () => ({ started: jobsStarted, inFlight: jobsInFlight }),
      onStuck: (error) => {
        options.logger?.error({ err: error, code: error.code, queue: queueName }, error.message);
        options.onEvent?.({ type: 'stuck', queue: queueName, error });
        (options.onStuck ?? stopProcess)(error);
      },
    });
  }
  return worker;
}

/** The default reaction to a wedged worker: a graceful stop of this process; its supervisor starts a new one. */
function stopProcess(): void {
  process.kill(process.pid, 'SIGTERM');
}

/** One liveness sample: `ok` when the worker could not have been expected to start a job. */
interface LivenessSample {
  ok: boolean;
  started: number;
  waiting: number;
}

/** The liveness check of {@link createKumoWorker}; stops itself when the worker closes. */
function watchLiveness(
  worker: Worker,
  options: {
    queueName: QueueName;
    prefix: string;
    connection: RedisClient;
    checkMs: number;
    concurrency: number;
    counters: () => { started: number; inFlight: number };
    onStuck: (error: WorkerStuckError) => void;
  },
): void {
  // A read-only Queue on the worker's own (shared) connection: no extra TCP connection, and no write of the queue's
  // meta hash (which would reset options such as the event-stream cap that KumoQueues sets).
  const queue = new Queue(options.queueName, {
    connection: options.connection,
    prefix: options.prefix,
    skipMetasUpdate: true,
  });
  queue.on('error', () => undefined);
  let previous: LivenessSample | null = null;
  let checking = false;
  let done = false;

  const sample = async (): Promise<LivenessSample | null> => {
    const before = options.counters();
    if (!worker.isRunning() || worker.isPaused() || worker.closing || before.inFlight >= options.concurrency) {
      return { ok: true, started: before.started, waiting: 0 };
    }
    try {
      const counts = await queue.getJobCounts('wait', 'prioritized');
      const waiting = (counts.wait ?? 0) + (counts.prioritized ?? 0);
      // Jobs a healthy worker would not take either: a paused, rate-limited or globally maxed-out queue.
      if (waiting > 0 && ((await queue.isPaused()) || (await queue.getRateLimitTtl()) > 0 || (await queue.isMaxed()))) {
        return { ok: true, started: before.started, waiting };
      }
      const after = options.counters();
      // A job that started or a slot that filled while we asked: alive.
      const busy = after.started !== before.started || after.inFlight >= options.concurrency;
      return { ok: busy || waiting === 0, started: before.started, waiting };
    } catch {
      return null; // Redis unreachable: nothing can be concluded.
    }
  };

  const check = async () => {
    if (checking || done) return;
    checking = true;
    try {
      const current = await sample();
      if (done) return;
      if (current && !current.ok && previous && !previous.ok && previous.started === current.started) {
        done = true;
        stop();
        const error = new WorkerStuckError(
          `worker of queue ${options.queueName} started no job for ${options.checkMs} ms while ${current.waiting} ` +
            'job(s) waited and it had a free slot: its fetch loop is wedged; closing it',
        );
        await worker.close(true).catch(() => undefined);
        options.onStuck(error);
        return;
      }
      previous = current;
    } finally {
      checking = false;
    }
  };

  const timer = setInterval(() => void check(), options.checkMs);
  timer.unref();
  const stop = () => {
    done = true;
    clearInterval(timer);
    void queue.close().catch(() => undefined);
  };
  worker.once('closing', stop);
  worker.once('closed', stop);
}
