import type { Queue } from 'bullmq';
import { QueuesOptionError } from './errors.js';

/** The longest pause between two sweeps, in ms (a day). */
const MAX_PAUSE_MS = 86_400_000;

/** The settings the sweeper reads. */
export interface RetentionSweeperOptions {
  /** The queues to sweep. */
  queues: readonly Queue[];
  /** Completed jobs older than this are removed (`QUEUE_KEEP_COMPLETED_S` in ms). */
  keepCompletedMs: number;
  /** Failed jobs older than this are removed (`QUEUE_KEEP_FAILED_S` in ms). */
  keepFailedMs: number;
  /** Shortest pause between sweeps (`QUEUE_SWEEP_INTERVAL_S` in ms), jittered by ±10 %. */
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
 *
 * A sweep first reads the oldest job of each set (one round trip) and cleans only the sets whose oldest job is past
 * its age; the next sweep comes when the oldest kept job passes its age, or for an empty set when a job finished now
 * would (a job that finishes later passes its age later), and never sooner than `intervalMs`. An idle process so
 * sweeps once per keep age (an hour by default), not every minute (lesson 1).
 */
export class RetentionSweeper {
  readonly #options: Required<Omit<RetentionSweeperOptions, 'onSwept' | 'onError'>> &
    Pick<RetentionSweeperOptions, 'onSwept' | 'onError'>;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<number> | undefined;
  #stopped = true;
  /** When the oldest job the last sweep saw passes its keep age (`Date.now()` scale; 0: unknown). */
  #nextDueAt = 0;
  /** When the armed timer fires (`Date.now()` scale). */
  #timerDueAt = 0;

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

  /** Starts sweeping (first sweep after one interval). The timer does not keep the process up. */
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

  /** Ms until the next sweep, for tests: `undefined` while none is planned. */
  get nextSweepInMs(): number | undefined {
    return this.#timer === undefined || this.#stopped ? undefined : this.#timerDueAt - Date.now();
  }

  /** Ms until the oldest job the last sweep kept passes its keep age (≤ 0: due; `Infinity` before any sweep). */
  get nextDueInMs(): number {
    return this.#nextDueAt === 0 ? Number.POSITIVE_INFINITY : this.#nextDueAt - Date.now();
  }

  /** One sweep of every queue; returns the number of jobs removed. */
  async sweepOnce(): Promise<number> {
    const { queues, keepCompletedMs, keepFailedMs, batch, maxBatches, onSwept } = this.#options;
    const now = Date.now();
    const sets = queues.flatMap((queue) => [
      { queue, state: 'completed' as const, graceMs: keepCompletedMs },
      { queue, state: 'failed' as const, graceMs: keepFailedMs },
    ]);
    // One read of each set's oldest job, all at once (one round trip on one Redis): an idle sweep removes nothing.
    const oldest = await Promise.all(sets.map(({ queue, state }) => oldestFinishedAt(queue, state)));
    let total = 0;
    let nextDueAt = Number.POSITIVE_INFINITY;
    for (const [index, { queue, state, graceMs }] of sets.entries()) {
      const finishedAt = oldest[index]!;
      // A job that finishes later is due later still: an empty set has nothing due before `now + graceMs`.
      let dueAt = (finishedAt ?? now) + graceMs;
      if (finishedAt !== null && dueAt <= now) {
        let count = 0;
        for (let i = 0; i < maxBatches; i++) {
          const removed = await queue.clean(graceMs, batch, state);
          count += removed.length;
          if (removed.length < batch) break;
        }
        if (count > 0) onSwept?.({ queue: queue.name, state, count });
        total += count;
        dueAt = now; // what is left is read again at the next sweep
      }
      nextDueAt = Math.min(nextDueAt, dueAt);
    }
    this.#nextDueAt = nextDueAt;
    return total;
  }

  #schedule(): void {
    const jitter = 0.9 + Math.random() * 0.2;
    // No sooner than `intervalMs` (jittered, so processes drift apart), else when the next kept job passes its age,
    // but within a day: keep ages go up to 90 days, and Node turns a timer beyond ~24.8 days into one of 1 ms.
    const dueInMs = Math.min(this.#nextDueAt - Date.now(), MAX_PAUSE_MS);
    const pauseMs = Math.max(Math.round(this.#options.intervalMs * jitter), dueInMs);
    this.#timerDueAt = Date.now() + pauseMs;
    this.#timer = setTimeout(() => {
      this.#running = this.sweepOnce();
      this.#running
        .catch((error: unknown) => {
          this.#nextDueAt = 0;
          this.#options.onError?.(error);
        })
        .finally(() => {
          this.#running = undefined;
          if (!this.#stopped) this.#schedule();
        });
    }, pauseMs);
    this.#timer.unref();
  }
}

/** The finish time of the oldest job in a queue's `completed` or `failed` set (its score), or `null` when empty. */
async function oldestFinishedAt(queue: Queue, state: 'completed' | 'failed'): Promise<number | null> {
  const client = await queue.backend.client;
  // RESP2 answers [member, score], RESP3 [[member, score]] (ioredis asks for RESP3 where Redis speaks it).
  const reply = (await client.zrange(queue.keys[state]!, 0, 0, { WITHSCORES: true })) as unknown[];
  const score = reply.flat()[1];
  return score === undefined ? null : Number(score);
}
