import perfHooks, { type IntervalHistogram } from 'node:perf_hooks';

// Event-loop delay is sampled only while this process has work in flight (a job, an HTTP request, an open event
// stream), never while it idles: Node's delay monitor is a timer that wakes the process at every sample, and an idle
// worker should block on Redis and use ~0 % CPU (lesson 1). Lag only matters while something waits for the loop.

let inFlight = 0;
const monitorEventLoopDelay = perfHooks.monitorEventLoopDelay.bind(perfHooks);
const monitors = new Set<IntervalHistogram>();
const transitions = new Set<(busy: boolean) => void>();

/**
 * Marks a piece of work as started in this process; call the function it returns when it ends (once; later calls
 * do nothing). While any work is in flight, the event-loop delay monitors of `createMetrics` sample.
 */
export function beginWork(): () => void {
  if (inFlight++ === 0) {
    for (const monitor of monitors) monitor.enable();
    for (const listener of transitions) listener(true);
  }
  let ended = false;
  return () => {
    if (ended) return;
    ended = true;
    if (--inFlight === 0) {
      for (const monitor of monitors) monitor.disable();
      for (const listener of transitions) listener(false);
    }
  };
}

/**
 * Calls `listener(true)` when this process goes from no work in flight to some, and `listener(false)` when the last
 * piece of work ends. Returns the function that removes it.
 */
export function onWorkTransition(listener: (busy: boolean) => void): () => void {
  transitions.add(listener);
  return () => transitions.delete(listener);
}

/** Work in flight in this process now (for tests and diagnostics). */
export function workInFlight(): number {
  return inFlight;
}

/** The subset of Node's `IntervalHistogram` prom-client's event-loop metrics read. */
export type EventLoopDelaySource = Pick<
  IntervalHistogram,
  'enable' | 'disable' | 'min' | 'max' | 'mean' | 'stddev' | 'count' | 'percentile' | 'reset'
>;

/**
 * An event-loop delay monitor (`perf_hooks.monitorEventLoopDelay`) that samples only while work is in flight (see
 * `beginWork`). Its own `enable`/`disable` do nothing: the work decides. Read while it has no sample (an idle
 * interval), it reports 0 rather than Node's empty-histogram values (a minimum of 2^63 ns).
 */
export function workScopedEventLoopDelay(resolutionMs: number, create = monitorEventLoopDelay): EventLoopDelaySource {
  const monitor = create({ resolution: resolutionMs });
  monitors.add(monitor);
  if (inFlight > 0) monitor.enable();
  const sampled = (value: number) => (monitor.count === 0 ? 0 : value);
  return {
    enable: () => false,
    disable: () => false,
    get min() {
      return sampled(monitor.min);
    },
    get max() {
      return sampled(monitor.max);
    },
    get mean() {
      return sampled(monitor.mean);
    },
    get stddev() {
      return sampled(monitor.stddev);
    },
    get count() {
      return monitor.count;
    },
    percentile: (percentile: number) => sampled(monitor.percentile(percentile)),
    reset: () => monitor.reset(),
  };
}

/**
 * Runs `fn` (prom-client's `collectDefaultMetrics`) with `perf_hooks.monitorEventLoopDelay` answering a work-scoped
 * monitor, so that prom-client's `nodejs_eventloop_lag_*` metrics keep their names and meaning but its monitor no
 * longer wakes an idle process. prom-client has no option to leave its monitor out or to hand it one.
 */
export function withWorkScopedEventLoopDelay<T>(fn: () => T): T {
  const original = perfHooks.monitorEventLoopDelay;
  perfHooks.monitorEventLoopDelay = ((options?: { resolution?: number }) =>
    workScopedEventLoopDelay(options?.resolution ?? 10) as IntervalHistogram) as typeof original;
  try {
    return fn();
  } finally {
    perfHooks.monitorEventLoopDelay = original;
  }
}
