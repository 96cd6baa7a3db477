import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig, type Config } from '@kumo/config';
import { crawlRequestSchema, type CrawlRequestInput, type PageResult } from '@kumo/contract';
import { createCrawler, type Crawler } from '@kumo/crawler';
import { CrawlStore, newCrawlId } from '@kumo/crawl-state';
import type { KeyStore, RedisClient } from '@kumo/keyspace';
import { createLogger, createMetrics, StageTimer, type AppMetrics } from '@kumo/observability';
import {
  createKeyStore,
  createKumoWorker,
  createRedisConnection,
  KumoQueues,
  type CrawlJobData,
  type CrawlJobResult,
  type JobDone,
  type KumoProcessor,
  type Worker,
} from '@kumo/queues';
import { createCrawlProcessor } from '../crawl-processor.js';
import { createHostLimiter, RedisRobotsStore, type HostLimiter } from '../host-state.js';

/** One answer of the test site; `hits` is how many times the path was requested before (0 the first time). */
export type Route = (hits: number) => {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  delayMs?: number;
};

/** A tiny HTTP site on 127.0.0.1 whose answers the test defines per path; it counts requests and concurrency. */
export class TestSite {
  readonly requests = new Map<string, number>();
  maxInFlight = 0;
  #inFlight = 0;
  #server: http.Server;
  url = '';

  constructor(private readonly routes: Record<string, Route>) {
    this.#server = http.createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const hits = this.requests.get(path) ?? 0;
      this.requests.set(path, hits + 1);
      this.#inFlight++;
      this.maxInFlight = Math.max(this.maxInFlight, this.#inFlight);
      const route = this.routes[path];
      const answer = route ? route(hits) : { status: 404, body: 'not found' };
      const send = () => {
        this.#inFlight--;
        res.writeHead(answer.status ?? 200, { 'content-type': 'text/html; charset=utf-8', ...answer.headers });
        res.end(answer.body ?? '');
      };
      if (answer.delayMs) setTimeout(send, answer.delayMs);
      else send();
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  get totalRequests(): number {
    return [...this.requests.values()].reduce((sum, n) => sum + n, 0);
  }

  /** Requests of a path (0 when never asked for). */
  count(path: string): number {
    return this.requests.get(path) ?? 0;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

/** An HTML page linking to `links`. */
export function page(title: string, links: string[] = [], head = ''): Route {
  return () => ({
    body: `<!DOCTYPE html><html lang="ja"><head><title>${title}</title>${head}</head><body><p>${title}の本文です。</p>${links
      .map((href) => `<a href="${href}">${href}</a>`)
      .join('')}</body></html>`,
  });
}

let prefixCounter = 0;

/** Everything a crawl needs, against one Redis, with its own key prefix. */
export class Harness {
  readonly config: Config;
  readonly keyStore: KeyStore;
  readonly queueConnection: RedisClient;
  readonly queues: KumoQueues;
  readonly state: CrawlStore;
  readonly crawler: Crawler;
  readonly limiter: HostLimiter;
  readonly metrics: AppMetrics;
  readonly logLines: Record<string, unknown>[] = [];
  readonly done: JobDone[] = [];
  readonly timer: StageTimer;
  readonly #workers: Worker[] = [];
  readonly #connections: RedisClient[] = [];

  constructor(redisUrl: string, overrides: Record<string, string> = {}) {
    this.config = loadConfig({
      REDIS_URL: redisUrl,
      KUMO_PREFIX: `cj${process.pid}x${prefixCounter++}`,
      CRAWL_ATTEMPTS: '3',
      CRAWL_RETRY_BACKOFF_MS: '50',
      CRAWL_HOST_CONCURRENCY: '8',
      CRAWL_HOST_DELAY_MS: '0',
      WORKER_LOCK_DURATION_MS: '1000',
      WORKER_STALLED_INTERVAL_MS: '500',
      ...overrides,
    });
    const handle = createKeyStore(this.config, 'command');
    this.keyStore = handle.store;
    this.queueConnection = createRedisConnection(this.config, { role: 'worker' });
    this.queues = new KumoQueues(this.queueConnection, this.config);
    this.state = new CrawlStore(this.keyStore, { resultTtlMs: 600_000, tmpTtlMs: 600_000 });
    this.crawler = createCrawler({
      allowHosts: ['127.0.0.1'],
      robotsStore: new RedisRobotsStore(this.keyStore, { ttlMs: 60_000 }),
      connectTimeoutMs: 2000,
      headersTimeoutMs: 3000,
      bodyTimeoutMs: 3000,
    });
    this.limiter = createHostLimiter(this.keyStore, this.config);
    this.metrics = createMetrics({ app: 'crawl-jobs-test', defaultMetrics: false });
    const lines = this.logLines;
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        for (const line of chunk.toString().split('\n'))
          if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
        callback();
      },
    });
    this.timer = new StageTimer(this.metrics, createLogger({ name: 'crawl-jobs-test', destination }));
  }

  processor(): KumoProcessor<CrawlJobData, CrawlJobResult> {
    return createCrawlProcessor({
      crawler: this.crawler,
      state: this.state,
      queues: this.queues,
      limiter: this.limiter,
      timer: this.timer,
      logger: createLogger({ name: 'crawl-jobs-test', level: 'silent' }),
    });
  }

  /** Starts a crawl worker in this process (its own connection, as a separate process would have). */
  startWorker(processor: KumoProcessor<CrawlJobData, CrawlJobResult> = this.processor(), concurrency = 8): Worker {
    const connection = createRedisConnection(this.config, { role: 'worker' });
    this.#connections.push(connection);
    const worker = createKumoWorker('crawl', processor, {
      connection,
      config: this.config,
      concurrency,
      onJobDone: (done) => this.done.push(done),
    }) as unknown as Worker;
    this.#workers.push(worker);
    return worker;
  }

  /**
   * What the API does (`CrawlLifecycle.startCrawl`): the record, the seeds admitted, the flow. `previousId` makes it a
   * schedule's later run.
   */
  async submit(input: CrawlRequestInput, lineage: { previousId?: string } = {}): Promise<string> {
    const request = crawlRequestSchema.parse(input);
    const id = newCrawlId();
    await this.state.lifecycle.startCrawl(
      { id, owner: 'test', request, seeds: request.urls, createdAt: new Date(), ...lineage },
      this.queues,
    );
    return id;
  }

  /**
   * Resolves once no crawl job is waiting, delayed or active (twice in a row). Sound: a crawl job adds its children
   * before it completes, and every move out of `active` is atomic.
   */
  async waitDrained(timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let quiet = 0;
    while (Date.now() < deadline) {
      const counts = await this.queues.crawl.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      const busy = Object.values(counts).reduce((sum, n) => sum + n, 0);
      quiet = busy === 0 ? quiet + 1 : 0;
      if (quiet >= 2) return;
      await sleep(50);
    }
    throw new Error(`the crawl queue did not drain within ${timeoutMs} ms`);
  }

  async pages(crawlId: string): Promise<PageResult[]> {
    const all: PageResult[] = [];
    let cursor: string | undefined;
    for (;;) {
      const batch = await this.state.pages.readPages(crawlId, { limit: 500, ...(cursor ? { cursor } : {}) });
      all.push(...batch.items);
      if (!batch.nextCursor || batch.items.length === 0) return all;
      cursor = batch.nextCursor;
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((worker) => worker.close()));
    await this.queues.close();
    await this.crawler.close();
    for (const connection of [...this.#connections, this.queueConnection]) await connection.quit();
    await this.keyStore.close();
  }
}
