import type { Queue } from 'bullmq';
import { QueuesOptionError } from './errors.js';

/** The settings the sweeper reads. */
export interface RetentionSweeperOptions {
  /** The queues to sweep. */
  queues: readonly Queue[];
  /** Completed jobs older than this are removed (`QUEUE_KEEP_COMPLETED_S` in ms). */
  keepCompletedMs: number;
  /** Failed jobs older than this are removed (`QUEUE_KEEP_FAILED_S` in ms). */
  keepFailedMs: number;
  /** Pause between sweeps (`QUEUE_SWEEP_INTERVAL_S` in ms); each pause is jittered by ±10 %. */
  intervalMs: number;
  /** Jobs removed per `clean` call. Default 1000. */
  batch?: number;
  /** Batches per queue and state in one sweep, so that one sweep stays short. Default 20. */
  maxBatches?: number;
  /** Called after a sweep that removed jobs. */
  onSwept?: (removed: { queue: string; state: 'completed' | 'failed'; count: number }) => void;
  /** Called when a sweep fails (Redis down); the next sweep runs as planned. */
  onError?: (error: unknown) => void;
}

/**
 * Enforces the age half of job retention when a queue goes quiet. BullMQ applies `removeOnComplete: { age }` only
 * while jobs of the same queue keep finishing, so the last jobs of a burst — the last crawl's root job with its
 * children's values in `…:processed` included — would stay until the next crawl. A timer per worker process calls
 * `Queue.clean` for the jobs past their age; `clean` is idempotent, so several processes sweeping do no harm.
 */
export class RetentionSweeper {
  readonly #options: Required<Omit<RetentionSweeperOptions, 'onSwept' | 'onError'>> &
    Pick<RetentionSweeperOptions, 'onSwept' | 'onError'>;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<number> | undefined;
  #stopped = true;

  constructor(options: RetentionSweeperOptions) {
    for (const name of ['keepCompletedMs', 'keepFailedMs', 'intervalMs'] as const) {
      if (!Number.isInteger(options[name]) || options[name] < 0) {
        throw new QueuesOptionError(`${name} must be a non-negative integer, got ${options[name]}`);
      }
    }
    if (options.intervalMs < 1000)
      throw new QueuesOptionError(`intervalMs must be at least 1000, got ${options.intervalMs}`);
    this.#options = { batch: 1000, maxBatches: 20, ...options };
  }

  /** Starts sweeping every `intervalMs` (first sweep after one interval). The timer does not keep the process up. */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#schedule();
  }

  /** Stops the timer and waits for a sweep in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running?.catch(() => undefined);
  }

  /** One sweep of every queue; returns the number of jobs removed. */
  async sweepOnce(): Promise<number> {
    const { queues, keepCompletedMs, keepFailedMs, batch, maxBatches, onSwept } = this.#options;
    let total = 0;
    for (const queue of queues) {
      for (const [state, graceMs] of [
        ['completed', keepCompletedMs],
        ['failed', keepFailedMs],
      ] as const) {
        let count = 0;
        for (let i = 0; i < maxBatches; i++) {
          const removed = await queue.clean(graceMs, batch, state);
          count += removed.length;
          if (removed.length < batch) break;
        }
        if (count > 0) onSwept?.({ queue: queue.name, state, count });
        total += count;
      }
    }
    return total;
  }

  #schedule(): void {
    const jitter = 0.9 + Math.random() * 0.2;
    this.#timer = setTimeout(
      () => {
        this.#running = this.sweepOnce();
        this.#running
          .catch((error: unknown) => this.#options.onError?.(error))
          .finally(() => {
            this.#running = undefined;
            if (!this.#stopped) this.#schedule();
          });
      },
      Math.round(this.#options.intervalMs * jitter),
    );
    this.#timer.unref();
  }
}
