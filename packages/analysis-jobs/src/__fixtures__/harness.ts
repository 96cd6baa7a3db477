import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { loadConfig, type Config } from '@kumo/config';
import { crawlRequestSchema, type CrawlRequestInput, type PageResult } from '@kumo/contract';
import { CrawlStore, newCrawlId } from '@kumo/crawl-state';
import type { KeyStore, RedisClient } from '@kumo/keyspace';
import { createLogger, createMetrics, StageTimer, type AppMetrics, type Logger } from '@kumo/observability';
import { createKeyStore, createRedisConnection, KumoQueues, type Job } from '@kumo/queues';

/** A prefix of its own per harness, so tests can share one Redis. */
function uniquePrefix(): string {
  return `aj${randomBytes(4).toString('hex')}`;
}

/**
 * Real components over one embedded Redis: a key store, a crawl store, queues, a logger whose JSON lines are kept in
 * `lines`, and a metrics registry. Each harness has its own key prefix. Close it after the test.
 */
export class Harness {
  readonly config: Config;
  readonly store: KeyStore;
  readonly state: CrawlStore;
  readonly metrics: AppMetrics;
  readonly logger: Logger;
  readonly timer: StageTimer;
  readonly lines: Record<string, unknown>[] = [];
  #queues: KumoQueues | undefined;
  #bull: RedisClient | undefined;

  constructor(redisUrl: string) {
    this.config = loadConfig({ REDIS_URL: redisUrl, KUMO_PREFIX: uniquePrefix(), CRAWL_RETRY_BACKOFF_MS: '100' });
    const { store } = createKeyStore(this.config, 'command', 'kumo:test');
    this.store = store;
    this.state = new CrawlStore(store, { resultTtlMs: 600_000, tmpTtlMs: 600_000 });
    this.metrics = createMetrics({ app: 'analysis-jobs-test', defaultMetrics: false });
    const lines = this.lines;
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line));
        callback();
      },
    });
    this.logger = createLogger({ name: 'analysis-jobs-test', level: 'debug', format: 'json', destination });
    this.timer = new StageTimer(this.metrics, this.logger);
  }

  /** BullMQ queues under this harness's prefix (opened on first use). */
  get queues(): KumoQueues {
    this.#bull ??= createRedisConnection(this.config, { role: 'worker', name: 'kumo:test:bull' });
    this.#queues ??= new KumoQueues(this.#bull, this.config);
    return this.#queues;
  }

  /** A worker connection for BullMQ workers of this harness (closed with the harness). */
  get bullConnection(): RedisClient {
    void this.queues;
    return this.#bull!;
  }

  /** Creates a crawl record the way the API does (`previousId`: a schedule's later run) and returns its id. */
  async createCrawl(request: Partial<CrawlRequestInput> = {}, lineage: { previousId?: string } = {}): Promise<string> {
    const id = newCrawlId();
    await this.state.records.createCrawl({
      id,
      owner: 'test',
      request: crawlRequestSchema.parse({ urls: ['http://127.0.0.1/'], ...request }),
      createdAt: new Date(),
      ...lineage,
    });
    return id;
  }

  /** Log lines whose `msg` is `msg`. */
  logs(msg: string): Record<string, unknown>[] {
    return this.lines.filter((line) => line.msg === msg);
  }

  async metric(name: string, labels: Record<string, string>): Promise<number> {
    const metric = await this.metrics.registry.getSingleMetric(name)?.get();
    const value = metric?.values.find((entry) =>
      Object.entries(labels).every(([key, want]) => entry.labels[key] === want),
    );
    return value?.value ?? 0;
  }

  async close(): Promise<void> {
    await this.#queues?.close();
    await this.#bull?.quit();
    await this.store.close();
  }
}

/** A job as BullMQ hands it to a processor: only the fields kumo's processors read. */
export function jobOf<D>(data: D, id = `j${randomBytes(4).toString('hex')}`): Job<D> {
  return { id, data, attemptsMade: 0, stalledCounter: 0, opts: { attempts: 2 } } as unknown as Job<D>;
}

/** A fetched page as the crawl job records it. */
export function fetchedPage(url: string, status: PageResult['status'] = 'fetched'): PageResult {
  return { url, finalUrl: url, depth: 0, status, timings: {} };
}
