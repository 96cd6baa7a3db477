import { Worker, type LockManagerWorkerContext } from 'bullmq';
import { BusyOnlyLockManager } from './busy-only-lock-manager.js';

/**
 * How often the stalled-jobs check runs while no job is active in the queue, in ms: BullMQ's own default
 * `stalledInterval`. While jobs are active (in any process), the configured `stalledInterval` applies.
 */
export const IDLE_STALLED_INTERVAL_MS = 30_000;

/** The paced stalled-jobs check of one worker (kept off the class's fields: BullMQ's constructor calls into it). */
interface StalledPace {
  timer: NodeJS.Timeout | undefined;
  /** When the armed timer fires (`Date.now()` scale). */
  dueAt: number;
  running: boolean;
  checking: boolean;
}

/**
 * BullMQ's Worker with its timers proportional to work (issue 21 point 8; lesson 1: an idle worker blocks on Redis and
 * uses ~0 % CPU). BullMQ keeps two timers for a worker's whole life: lock renewal every `lockRenewTime / 2` and the
 * stalled-jobs check every `stalledInterval`, each waking an idle process (and Redis) for nothing.
 *
 * - Locks are renewed by BullMQ's lock manager, whose timer now runs only while this worker holds jobs
 *   (`BusyOnlyLockManager`).
 * - The stalled-jobs check (BullMQ's `moveStalledJobsToWait`, unchanged) runs at once when the worker starts, then
 *   every `stalledInterval` while jobs are active in the queue — held by this worker or any other — and every
 *   {@link IDLE_STALLED_INTERVAL_MS} while none is. A job can only stall while it is active; when this worker takes a
 *   job the next check comes within `stalledInterval`, and a worker process that replaces one that died checks at
 *   start, so a dead process's jobs are recovered as before. Only an idle worker that is the sole survivor notices
 *   another process's stalled job up to {@link IDLE_STALLED_INTERVAL_MS} later.
 */
export class KumoBullWorker<D = unknown, R = unknown> extends Worker<D, R> {
  // No `#` members and no field initialisers here: BullMQ's constructor (autorun) already calls
  // `startStalledCheckTimer`, before a subclass's private names exist or its initialisers run.
  declare private stalledPace: StalledPace | undefined;

  protected override createLockManager(): void {
    const manager = new BusyOnlyLockManager(this as unknown as LockManagerWorkerContext, {
      lockRenewTime: this.opts.lockRenewTime ?? (this.opts.lockDuration ?? 30_000) / 2,
      lockDuration: this.opts.lockDuration ?? 30_000,
      workerId: this.id,
      ...(this.opts.name === undefined ? {} : { workerName: this.opts.name }),
    });
    manager.onFirstJob = () => this.hurryStalledCheck();
    this.lockManager = manager;
  }

  /** Starts the paced stalled-jobs check (BullMQ calls this on `run` and `resume`). */
  override async startStalledCheckTimer(): Promise<void> {
    if (this.opts.skipStalledCheck || this.closing) return;
    const pace = this.pace();
    if (pace.running) return;
    pace.running = true;
    if (!pace.checking) this.schedule(0);
  }

  /** The paced check's timer, for tests: `undefined` while none is armed, else ms until it fires. */
  get stalledCheckDueInMs(): number | undefined {
    const pace = this.pace();
    return pace.timer === undefined ? undefined : Math.max(0, pace.dueAt - Date.now());
  }

  override async pause(doNotWaitActive?: boolean): Promise<void> {
    this.stopStalledCheck();
    await super.pause(doNotWaitActive);
  }

  override async close(force = false): Promise<void> {
    this.stopStalledCheck();
    await super.close(force);
  }

  private pace(): StalledPace {
    this.stalledPace ??= { timer: undefined, dueAt: 0, running: false, checking: false };
    return this.stalledPace;
  }

  private schedule(ms: number): void {
    const pace = this.pace();
    clearTimeout(pace.timer);
    pace.dueAt = Date.now() + ms;
    pace.timer = setTimeout(() => void this.check(), ms);
    // Like BullMQ's: the worker's connections keep the process up, not this timer.
    pace.timer.unref();
  }

  private async check(): Promise<void> {
    const pace = this.pace();
    pace.timer = undefined;
    if (!pace.running || this.closing || this.isPaused()) {
      pace.running = false;
      return;
    }
    pace.checking = true;
    let active = 1; // unknown (Redis down): stay at the busy pace
    try {
      await this.checkConnectionError(async () => {
        const client = await this.backend.client;
        // BullMQ's own check (private in its typings): it emits `stalled` for each job it moves back to wait.
        const moveStalled = (this as unknown as { moveStalledJobsToWait(): Promise<void> }).moveStalledJobsToWait();
        const [, count] = await Promise.all([moveStalled, client.llen(this.keys.active!)]);
        active = count;
      });
    } finally {
      pace.checking = false;
    }
    if (!pace.running || this.closing || this.isPaused()) {
      pace.running = false;
      return;
    }
    const held = (this.lockManager as BusyOnlyLockManager).getActiveJobCount();
    this.schedule(active > 0 || held > 0 ? this.opts.stalledInterval! : IDLE_STALLED_INTERVAL_MS);
  }

  /** This worker took a job: the next stalled check comes within `stalledInterval`, not the idle pace. */
  private hurryStalledCheck(): void {
    const pace = this.stalledPace;
    const busyMs = this.opts.stalledInterval!;
    if (pace?.running && pace.timer !== undefined && pace.dueAt - Date.now() > busyMs) this.schedule(busyMs);
  }

  private stopStalledCheck(): void {
    const pace = this.pace();
    pace.running = false;
    clearTimeout(pace.timer);
    pace.timer = undefined;
  }
}
