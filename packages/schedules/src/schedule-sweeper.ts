import type { ScheduleState, ScheduleStore } from '@kumo/crawl-state';
import type { KumoQueues } from '@kumo/queues';
import { ScheduleOptionError } from './errors.js';
import { parseScheduleSpec, type ScheduleSpec } from './schedule-spec.js';

export interface ScheduleSweeperOptions {
  store: Pick<ScheduleStore, 'get' | 'touch'>;
  queues: Pick<KumoQueues, 'scheduleIds' | 'removeScheduleRuns' | 'scheduleRunsLost' | 'upsertScheduleRuns'>;
  /** Pause between sweeps (`SCHEDULE_SWEEP_INTERVAL_S` in ms), jittered by ±10 %. At least 1000. */
  intervalMs: number;
  /**
   * How long past its due time a schedule's next run may be, with no job pending for it, before the sweep adds it
   * again (`KumoQueues.scheduleRunsLost`). @defaultValue 60000
   */
  lostAfterMs?: number;
  /** Called after a sweep with what it did. */
  onSwept?: (result: SweepResult) => void;
  /** Called when a sweep fails (Redis down); the next one runs as planned. */
  onError?: (error: unknown) => void;
}

/** What one sweep did: schedules renewed, orphaned schedulers removed, lost next runs added again. */
export interface SweepResult {
  renewed: number;
  removed: number;
  restored: number;
}

const DEFAULT_LOST_AFTER_MS = 60_000;

/** The job scheduler's repeat options of a stored schedule (it was checked when created: never invalid here). */
function repeatOf(state: ScheduleState): ScheduleSpec['repeat'] | undefined {
  const { cron, every, timezone } = state.schedule;
  const spec = parseScheduleSpec({ cron, every, timezone }, 0);
  return Array.isArray(spec) ? undefined : spec.repeat;
}

/**
 * Walks every schedule's job scheduler: renews the keys of each schedule whose record exists (a schedule lives until
 * deleted, whatever its interval), adds its next run again when Redis refused BullMQ's write of it, and removes the
 * scheduler of each whose record is gone. Every crawl-worker process runs one; sweeps are idempotent. The timer
 * does not keep the process up.
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

  /** One sweep: how many schedules it renewed, how many orphaned schedulers it removed and lost runs it restored. */
  async sweepOnce(): Promise<SweepResult> {
    const { store, queues } = this.options;
    const lostAfterMs = this.options.lostAfterMs ?? DEFAULT_LOST_AFTER_MS;
    const result = { renewed: 0, removed: 0, restored: 0 };
    for await (const id of queues.scheduleIds()) {
      const state = await store.get(id);
      if (state && (await store.touch(id, state.ttlMs))) {
        result.renewed++;
        const repeat = repeatOf(state);
        if (repeat && (await queues.scheduleRunsLost(id, lostAfterMs))) {
          await queues.upsertScheduleRuns(id, repeat);
          result.restored++;
        }
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
