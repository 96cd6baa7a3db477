import type { ScheduleStore } from '@kumo/crawl-state';
import type { KumoQueues } from '@kumo/queues';
import { ScheduleOptionError } from './errors.js';

export interface ScheduleSweeperOptions {
  store: Pick<ScheduleStore, 'get' | 'touch'>;
  queues: Pick<KumoQueues, 'scheduleIds' | 'removeScheduleRuns'>;
  /** Pause between sweeps (`SCHEDULE_SWEEP_INTERVAL_S` in ms), jittered by ±10 %. At least 1000. */
  intervalMs: number;
  /** Called after a sweep with what it did. */
  onSwept?: (result: { renewed: number; removed: number }) => void;
  /** Called when a sweep fails (Redis down); the next one runs as planned. */
  onError?: (error: unknown) => void;
}

/**
 * Walks every schedule's job scheduler: renews the keys of each schedule whose record exists (a schedule lives until
 * deleted, whatever its interval), and removes the scheduler of each whose record is gone. Every crawl-worker
 * process runs one; sweeps are idempotent. The timer does not keep the process up.
 */
export class ScheduleSweeper {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;
  #stopped = true;

  constructor(private readonly options: ScheduleSweeperOptions) {
    if (!Number.isInteger(options.intervalMs) || options.intervalMs < 1000) {
      throw new ScheduleOptionError(`intervalMs must be an integer of at least 1000, got ${options.intervalMs}`);
    }
  }

  /** Starts sweeping every `intervalMs` (the first sweep after one interval). */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#plan();
  }

  /** Stops the timer and waits for a sweep in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running?.catch(() => undefined);
  }

  /** One sweep: how many schedules it renewed and how many orphaned schedulers it removed. */
  async sweepOnce(): Promise<{ renewed: number; removed: number }> {
    const { store, queues } = this.options;
    const result = { renewed: 0, removed: 0 };
    for await (const id of queues.scheduleIds()) {
      const state = await store.get(id);
      if (state && (await store.touch(id, state.ttlMs))) {
        result.renewed++;
      } else {
        await queues.removeScheduleRuns(id);
        result.removed++;
      }
    }
    return result;
  }

  #plan(): void {
    if (this.#stopped) return;
    const jitter = 1 + (Math.random() - 0.5) * 0.2;
    this.#timer = setTimeout(() => {
      this.#running = this.sweepOnce()
        .then((result) => this.options.onSwept?.(result), this.options.onError)
        .finally(() => this.#plan());
    }, this.options.intervalMs * jitter);
    this.#timer.unref();
  }
}
