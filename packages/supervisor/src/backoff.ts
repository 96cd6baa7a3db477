/** Delay before restarting a slot: `initialMs · 2^consecutive`, capped at `maxMs`. */
export function restartDelay(consecutive: number, backoff: { initialMs: number; maxMs: number }): number {
  // Cap the exponent too: 2 ** 1100 is Infinity, and Infinity * 0 is NaN.
  return Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(consecutive, 52));
}

/**
 * Counts restarts in a sliding window, across every slot: a storm is a storm whichever worker causes it.
 * `record` says whether one more restart is still allowed.
 */
export class RestartWindow {
  private readonly times: number[] = [];

  constructor(
    readonly count: number,
    readonly windowMs: number,
  ) {}

  /** Records a restart at `now`; false when it would be more than `count` within `windowMs`. */
  record(now: number): boolean {
    while (this.times.length > 0 && (this.times[0] as number) <= now - this.windowMs) this.times.shift();
    if (this.times.length >= this.count) return false;
    this.times.push(now);
    return true;
  }

  /** Restarts recorded within the window ending at `now`. */
  size(now: number): number {
    return this.times.filter((time) => time > now - this.windowMs).length;
  }
}
