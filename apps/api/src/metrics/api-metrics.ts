import { Counter, createMetrics, Gauge, Histogram, type AppMetrics, type Registry } from '@kumo/observability';

/** Seconds: from a cached 404 (1 ms) to a slow admission (10 s); event streams land in the last bucket. */
const HTTP_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];

/** Live numbers of this process the SSE gauges read at scrape time. */
export interface SseStats {
  clients(): number;
  readers(): number;
}

/** The API process's metrics: kumo's shared ones, default Node metrics (event-loop lag p99 …) and the API's own. */
export class ApiMetrics {
  readonly app: AppMetrics;
  /** `kumo_http_request_duration_seconds{method, route, status}`. */
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  /** `kumo_crawls_started_total`: crawls accepted (202) and started; their ends are counted where they settle. */
  readonly crawlsStarted: Counter;
  /** `kumo_api_rate_limit_fail_open_total`: requests let through uncounted because Redis refused the rate count. */
  readonly rateLimitFailOpen: Counter;

  constructor(options: { defaultMetrics?: boolean } = {}) {
    this.app = createMetrics({ app: 'api', defaultMetrics: options.defaultMetrics ?? true });
    this.httpDuration = new Histogram({
      name: 'kumo_http_request_duration_seconds',
      help: 'HTTP request duration by route pattern, method and status',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: HTTP_BUCKETS,
      registers: [this.app.registry],
    });
    this.crawlsStarted = new Counter({
      name: 'kumo_crawls_started_total',
      help: 'Crawls the API accepted and started',
      registers: [this.app.registry],
    });
    this.rateLimitFailOpen = new Counter({
      name: 'kumo_api_rate_limit_fail_open_total',
      help: 'Requests the rate limiter let through on its own count because Redis refused the shared count',
      registers: [this.app.registry],
    });
  }

  get registry(): Registry {
    return this.app.registry;
  }

  /** Registers the SSE gauges, read from `stats` at every scrape. */
  trackSse(stats: SseStats): void {
    const gauges: [name: string, help: string, read: () => number][] = [
      ['kumo_sse_clients', 'Open server-sent event streams', () => stats.clients()],
      ['kumo_sse_readers', 'Blocking Redis readers (one per active stream bucket)', () => stats.readers()],
    ];
    for (const [name, help, read] of gauges) {
      new Gauge({
        name,
        help,
        registers: [this.registry],
        collect() {
          this.set(read());
        },
      });
    }
  }
}
