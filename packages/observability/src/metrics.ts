import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { withWorkScopedEventLoopDelay } from './work-scope.js';

export { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Buckets (seconds) for stage durations: from a cached hit (1 ms) to a slow page (30 s). */
export const STAGE_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Resolution of the event-loop delay histogram behind `nodejs_eventloop_lag_*`. */
const EVENT_LOOP_SAMPLE_MS = 1000;

export interface MetricsSettings {
  /** The app name, a label on every metric (`app="crawl-worker"`). */
  app: string;
  /** Collect Node.js process metrics (CPU, memory, event-loop lag incl. p99). Default true. */
  defaultMetrics?: boolean;
}

export interface AppMetrics {
  readonly registry: Registry;
  /** `kumo_stage_duration_seconds{stage, outcome}`: every named stage of every job. */
  readonly stageDuration: Histogram<'stage' | 'outcome'>;
  /** `kumo_jobs_total{queue, outcome}`. */
  readonly jobs: Counter<'queue' | 'outcome'>;
  /** Creates (or returns) a counter on this registry. */
  counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L>;
  /** Creates (or returns) a gauge on this registry. */
  gauge<L extends string>(name: string, help: string, labelNames: readonly L[]): Gauge<L>;
  /** Creates (or returns) a histogram on this registry. */
  histogram<L extends string>(name: string, help: string, labelNames: readonly L[], buckets?: number[]): Histogram<L>;
}

/** One registry per process with kumo's shared metrics; apps add their own through the helpers. */
export function createMetrics(settings: MetricsSettings): AppMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ app: settings.app });
  // Event-loop lag sampled every second instead of prom-client's 10 ms: the 10 ms timer alone costs an idle process
  // about 0.5% of a core (lesson 1), and lag that matters shows up at 1 s resolution just as well. Sampled only while
  // work is in flight (`beginWork`): even a 1 s timer keeps an idle process above 0.1 % of a core.
  if (settings.defaultMetrics !== false) {
    withWorkScopedEventLoopDelay(() =>
      collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS }),
    );
  }

  const existing = <T>(name: string) => registry.getSingleMetric(name) as T | undefined;
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    existing<Counter<L>>(name) ?? new Counter<L>({ name, help, labelNames, registers: [registry] });
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    existing<Gauge<L>>(name) ?? new Gauge<L>({ name, help, labelNames, registers: [registry] });
  const histogram = <L extends string>(name: string, help: string, labelNames: readonly L[], buckets = STAGE_BUCKETS) =>
    existing<Histogram<L>>(name) ?? new Histogram<L>({ name, help, labelNames, buckets, registers: [registry] });

  return {
    registry,
    stageDuration: histogram('kumo_stage_duration_seconds', 'Duration of each named stage of a job', [
      'stage',
      'outcome',
    ]),
    jobs: counter('kumo_jobs_total', 'Jobs processed, by queue and outcome', ['queue', 'outcome']),
    counter,
    gauge,
    histogram,
  };
}
