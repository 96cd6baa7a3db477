import { LockManager } from 'bullmq';

/**
 * BullMQ's lock manager with its renewal timer running only while the worker holds jobs. BullMQ's own re-arms a
 * timer every `lockRenewTime / 2` for the worker's whole life, jobs or not: an idle worker woke every few seconds to
 * renew nothing (issue 21 point 8; lesson 1: idle workers block on Redis and use ~0 % CPU). Renewal itself is
 * BullMQ's, unchanged: the timer starts with the first job held and stops when the last one is released.
 */
export class BusyOnlyLockManager extends LockManager {
  /** Called when the worker goes from holding no job to holding one. */
  onFirstJob: (() => void) | undefined;
  #started = false;
  readonly #arm: () => void;

  constructor(...args: ConstructorParameters<typeof LockManager>) {
    super(...args);
    // `startLockExtenderTimer` is private in BullMQ's typings; it (re-)arms the timer and is called again by the
    // timer itself after each tick. Only the re-arming is changed: not while no job is held.
    const self = this as unknown as { startLockExtenderTimer(): void };
    const arm = self.startLockExtenderTimer.bind(this);
    this.#arm = arm;
    self.startLockExtenderTimer = () => {
      if (this.trackedJobs.size > 0) arm();
      else this.#disarm();
    };
  }

  override start(): void {
    if (this.closed || this.opts.lockRenewTime <= 0) return;
    this.#started = true;
    if (this.trackedJobs.size > 0 && this.lockRenewalTimer === undefined) this.#arm();
  }

  override trackJob(...args: Parameters<LockManager['trackJob']>): ReturnType<LockManager['trackJob']> {
    const first = this.trackedJobs.size === 0;
    const controller = super.trackJob(...args);
    if (first && this.trackedJobs.size > 0) this.onFirstJob?.();
    if (this.#started && !this.closed && this.trackedJobs.size > 0 && this.lockRenewalTimer === undefined) this.#arm();
    return controller;
  }

  override untrackJob(jobId: string): void {
    super.untrackJob(jobId);
    if (this.trackedJobs.size === 0) this.#disarm();
  }

  /** Started and not closed (BullMQ's answers whether a timer is armed, which now means "holds jobs"). */
  override isRunning(): boolean {
    return this.#started && !this.closed;
  }

  /** Whether the renewal timer is armed now. */
  get armed(): boolean {
    return this.lockRenewalTimer !== undefined;
  }

  #disarm(): void {
    clearTimeout(this.lockRenewalTimer);
    this.lockRenewalTimer = undefined;
  }
}
