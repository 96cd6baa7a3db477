import { FlowProducer, Queue, type Job, type JobsOptions, type ParentOptions } from 'bullmq';
import type { Config } from '@kumo/config';
import { KeySpace, type RedisClient } from '@kumo/keyspace';
import { aggregateJobId, analyzeJobId, crawlJobId } from './job-ids.js';
import {
  aggregateJobOptions,
  analyzeJobOptions,
  crawlJobOptions,
  defaultJobOptions,
  type JobOptionsConfig,
} from './job-options.js';
import {
  QUEUE_NAMES,
  type AggregateJobData,
  type AggregateJobResult,
  type AnalyzeJobData,
  type AnalyzeJobResult,
  type CrawlJobData,
  type CrawlJobResult,
  type QueueName,
} from './names.js';
import { RetentionSweeper, type RetentionSweeperOptions } from './retention-sweeper.js';
import { retryTransient } from './transient-retry.js';

/** The settings `KumoQueues` needs. */
export type QueuesConfig = JobOptionsConfig &
  Pick<Config, 'KUMO_PREFIX' | 'QUEUE_EVENTS_MAX_LEN' | 'QUEUE_SWEEP_INTERVAL_S'> &
  Partial<Pick<Config, 'REDIS_RETRY_BUDGET_MS'>>;

/** Job states counted for metrics and admission control. */
export const COUNTED_STATES = [
  'waiting',
  'active',
  'delayed',
  'prioritized',
  'waiting-children',
  'completed',
  'failed',
] as const;
export type CountedState = (typeof COUNTED_STATES)[number];

/** The data type of each kind of child job. */
export interface ChildJobData {
  crawl: CrawlJobData;
  analyze: AnalyzeJobData;
}

/**
 * The three queues and the flow producer, all under `<prefix>:bull:{q}` (one hash tag: a flow spans queues).
 * The connection is shared and stays open on `close()`: whoever created it closes it.
 */
export class KumoQueues {
  readonly crawl: Queue<CrawlJobData, CrawlJobResult, 'crawl'>;
  readonly analyze: Queue<AnalyzeJobData, AnalyzeJobResult, 'analyze'>;
  readonly aggregate: Queue<AggregateJobData, AggregateJobResult, 'aggregate'>;
  readonly flowProducer: FlowProducer;
  /** BullMQ's `prefix` of every queue: `<KUMO_PREFIX>:bull:{q}`. */
  readonly prefix: string;

  constructor(
    connection: RedisClient,
    private readonly config: QueuesConfig,
  ) {
    this.prefix = new KeySpace({ prefix: config.KUMO_PREFIX }).queuePrefix();
    const options = {
      connection,
      prefix: this.prefix,
      defaultJobOptions: defaultJobOptions(config),
      // Nothing in kumo reads the event streams; the cap keeps them small for operators' QueueEvents listeners.
      streams: { events: { maxLen: config.QUEUE_EVENTS_MAX_LEN } },
    };
    this.crawl = new Queue(QUEUE_NAMES.crawl, options);
    this.analyze = new Queue(QUEUE_NAMES.analyze, options);
    this.aggregate = new Queue(QUEUE_NAMES.aggregate, options);
    this.flowProducer = new FlowProducer({ connection, prefix: this.prefix });
  }

  /** The `parent` option that makes a job a dynamic child of a crawl's root aggregate job. */
  rootParent(crawlId: string): ParentOptions {
    return { id: aggregateJobId(crawlId), queue: `${this.prefix}:${QUEUE_NAMES.aggregate}` };
  }

  /**
   * Adds a crawl's flow: the root `aggregate` job (id = crawl id) with one `crawl` child per seed. The root runs
   * once every child, including the dynamic ones added later with `addChildren`, is done. Returns the root job.
   * Transient cluster errors (failover) are retried for `REDIS_RETRY_BUDGET_MS`, then `QueueUnavailableError`.
   */
  async addCrawlFlow(input: { crawlId: string; seeds: readonly { url: string; depth?: number }[] }) {
    const crawlOptions = crawlJobOptions(this.config);
    const node = await retryTransient(
      () =>
        this.flowProducer.add({
          name: QUEUE_NAMES.aggregate,
          queueName: QUEUE_NAMES.aggregate,
          prefix: this.prefix,
          data: { crawlId: input.crawlId } satisfies AggregateJobData,
          opts: { ...aggregateJobOptions(this.config), jobId: aggregateJobId(input.crawlId) },
          children: input.seeds.map((seed) => ({
            name: QUEUE_NAMES.crawl,
            queueName: QUEUE_NAMES.crawl,
            prefix: this.prefix,
            data: { crawlId: input.crawlId, url: seed.url, depth: seed.depth ?? 0 } satisfies CrawlJobData,
            opts: { ...crawlOptions, jobId: crawlJobId(input.crawlId, seed.url) },
          })),
        }),
      { operation: 'addCrawlFlow', budgetMs: this.config.REDIS_RETRY_BUDGET_MS },
    );
    return node.job as Job<AggregateJobData, AggregateJobResult, 'aggregate'>;
  }

  /**
   * Adds jobs as dynamic children of the crawl's root (call it from a job of that crawl while it is active, so
   * the root is still waiting for children). Job ids are deterministic, so adding a URL twice makes one job, and
   * transient cluster errors (failover) are retried for `REDIS_RETRY_BUDGET_MS`.
   */
  async addChildren<K extends keyof ChildJobData>(
    kind: K,
    crawlId: string,
    jobs: readonly ChildJobData[K][],
  ): Promise<Job[]> {
    if (jobs.length === 0) return [];
    const parent = this.rootParent(crawlId);
    const base: JobsOptions = kind === 'crawl' ? crawlJobOptions(this.config) : analyzeJobOptions(this.config);
    const idOf = kind === 'crawl' ? crawlJobId : analyzeJobId;
    const queue = (kind === 'crawl' ? this.crawl : this.analyze) as unknown as Queue;
    const bulk = jobs.map((data) => ({
      name: kind,
      data,
      opts: { ...base, jobId: idOf(crawlId, data.url), parent },
    }));
    return retryTransient(() => queue.addBulk(bulk), {
      operation: `addChildren(${kind})`,
      budgetMs: this.config.REDIS_RETRY_BUDGET_MS,
    });
  }

  /**
   * A sweeper that removes jobs of all three queues past their keep age every `QUEUE_SWEEP_INTERVAL_S`; the caller
   * starts and stops it.
   */
  retentionSweeper(hooks: Pick<RetentionSweeperOptions, 'onSwept' | 'onError'> = {}): RetentionSweeper {
    return new RetentionSweeper({
      queues: [this.crawl, this.analyze, this.aggregate] as unknown as Queue[],
      keepCompletedMs: this.config.QUEUE_KEEP_COMPLETED_S * 1000,
      keepFailedMs: this.config.QUEUE_KEEP_FAILED_S * 1000,
      intervalMs: this.config.QUEUE_SWEEP_INTERVAL_S * 1000,
      ...hooks,
    });
  }

  /** Crawl jobs waiting to run (waiting + prioritized + delayed): admission control's backlog. */
  async backlog(): Promise<number> {
    const counts = await this.crawl.getJobCounts('waiting', 'prioritized', 'delayed');
    return (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.delayed ?? 0);
  }

  /** Crawls in flight: root jobs waiting for children, waiting or active (admission control). */
  async runningCrawls(): Promise<number> {
    const counts = await this.aggregate.getJobCounts('waiting-children', 'waiting', 'active');
    return (counts['waiting-children'] ?? 0) + (counts.waiting ?? 0) + (counts.active ?? 0);
  }

  /** Jobs per queue and state (for metrics). */
  async jobCounts(): Promise<Record<QueueName, Record<CountedState, number>>> {
    const result = {} as Record<QueueName, Record<CountedState, number>>;
    for (const [name, queue] of [
      [QUEUE_NAMES.crawl, this.crawl],
      [QUEUE_NAMES.analyze, this.analyze],
      [QUEUE_NAMES.aggregate, this.aggregate],
    ] as const) {
      const counts = await (queue as Queue).getJobCounts(...COUNTED_STATES);
      result[name] = Object.fromEntries(COUNTED_STATES.map((state) => [state, counts[state] ?? 0])) as Record<
        CountedState,
        number
      >;
    }
    return result;
  }

  /** Closes the queues and the flow producer (not the shared connection). */
  async close(): Promise<void> {
    await Promise.all([this.crawl.close(), this.analyze.close(), this.aggregate.close(), this.flowProducer.close()]);
  }
}
