// The queues of a crawl flow and how kumo adds jobs to them: deterministic job ids, each kind's options (attempts,
// backoff, retention), the flow of a new crawl and the dynamic children added while it runs.
import { createHash } from 'node:crypto';
import {
  FlowProducer,
  Queue,
  type Job,
  type JobsOptions,
  type JobState,
  type ParentOptions,
  type Telemetry,
} from 'bullmq';
import type { Config } from '@kumo/config';
import { KeySpace, type RedisClient } from '@kumo/keyspace';
import { activeTracing } from '@kumo/observability';
import { retryTransient } from './job-errors.js';
import {
  QUEUE_NAMES,
  type AggregateJobData,
  type AggregateJobResult,
  type AnalyzeJobData,
  type AnalyzeJobResult,
  type CrawlJobData,
  type CrawlJobResult,
  type QueueName,
  type SourceJobData,
  sourceKeyOf,
  type ScheduleJobData,
  type ScheduleJobResult,
  type WebhookJobData,
  type WebhookJobResult,
} from './names.js';
import { RetentionSweeper, type RetentionSweeperOptions } from './retention-sweeper.js';

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

export interface KumoQueuesOptions {
  /**
   * BullMQ's telemetry: adding a job or a flow makes a span, and the job carries its trace context to the worker.
   * Default: this process's tracing (`activeTracing()` of @kumo/observability), none when tracing is off.
   */
  telemetry?: Telemetry | undefined;
}

/** Job states a job can still run from: a schedule tick in one of them is not lost. */
const PENDING_JOB_STATES: ReadonlySet<string> = new Set([
  'waiting',
  'delayed',
  'active',
  'prioritized',
  'waiting-children',
]);

/**
 * The three queues of a crawl flow, the webhook queue and the flow producer, all under `<prefix>:bull:{q}` (one hash tag: a flow spans queues).
 * The connection is shared and stays open on `close()`: whoever created it closes it.
 */
export class KumoQueues {
  readonly crawl: Queue<CrawlJobData, CrawlJobResult, 'crawl'>;
  readonly analyze: Queue<AnalyzeJobData, AnalyzeJobResult, 'analyze'>;
  readonly aggregate: Queue<AggregateJobData, AggregateJobResult, 'aggregate'>;
  /** Webhook deliveries: not part of any flow (a delivery outlives its crawl's flow by up to a day). */
  readonly webhook: Queue<WebhookJobData, WebhookJobResult, 'webhook'>;
  /** Schedule runs, added by one BullMQ job scheduler per schedule (`upsertScheduleRuns`). */
  readonly schedule: Queue<ScheduleJobData, ScheduleJobResult, 'schedule'>;
  readonly flowProducer: FlowProducer;
  /** BullMQ's `prefix` of every queue: `<KUMO_PREFIX>:bull:{q}`. */
  readonly prefix: string;

  constructor(
    connection: RedisClient,
    private readonly config: QueuesConfig,
    options: KumoQueuesOptions = {},
  ) {
    this.prefix = new KeySpace({ prefix: config.KUMO_PREFIX }).queuePrefix();
    const telemetry = options.telemetry ?? activeTracing()?.telemetry;
    const traced = telemetry ? { telemetry } : {};
    const queueOptions = {
      connection,
      prefix: this.prefix,
      defaultJobOptions: defaultJobOptions(config),
      // Nothing in kumo reads the event streams; the cap keeps them small for operators' QueueEvents listeners.
      streams: { events: { maxLen: config.QUEUE_EVENTS_MAX_LEN } },
      ...traced,
    };
    this.crawl = new Queue(QUEUE_NAMES.crawl, queueOptions);
    this.analyze = new Queue(QUEUE_NAMES.analyze, queueOptions);
    this.aggregate = new Queue(QUEUE_NAMES.aggregate, queueOptions);
    this.webhook = new Queue(QUEUE_NAMES.webhook, queueOptions);
    this.schedule = new Queue(QUEUE_NAMES.schedule, queueOptions);
    this.flowProducer = new FlowProducer({ connection, prefix: this.prefix, ...traced });
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
  async addCrawlFlow(input: {
    crawlId: string;
    seeds: readonly { url: string; depth?: number; source?: SourceJobData }[];
  }) {
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
            data: {
              crawlId: input.crawlId,
              url: seed.url,
              depth: seed.depth ?? 0,
              ...(seed.source === undefined ? {} : { source: seed.source }),
            } satisfies CrawlJobData,
            opts: {
              ...crawlOptions,
              jobId: crawlJobIdOf({ crawlId: input.crawlId, depth: 0, ...seed }),
            },
          })),
        }),
      { operation: 'addCrawlFlow', budgetMs: this.config.REDIS_RETRY_BUDGET_MS },
    );
    return node.job as Job<AggregateJobData, AggregateJobResult, 'aggregate'>;
  }

  /**
   * Adds jobs as dynamic children of the crawl's root (call it from a job of that crawl while it is active, so
   * the root is still waiting for children), each after `delaysMs[i]` when given (its planned start). Job ids are
   * deterministic, so adding a URL twice makes one job, and transient cluster errors (failover) are retried for
   * `REDIS_RETRY_BUDGET_MS`.
   */
  async addChildren<K extends keyof ChildJobData>(
    kind: K,
    crawlId: string,
    jobs: readonly ChildJobData[K][],
    options: { delaysMs?: readonly number[] } = {},
  ): Promise<Job[]> {
    if (jobs.length === 0) return [];
    const parent = this.rootParent(crawlId);
    const base: JobsOptions = kind === 'crawl' ? crawlJobOptions(this.config) : analyzeJobOptions(this.config);
    const idOf = (data: ChildJobData[K]): string =>
      kind === 'crawl' ? crawlJobIdOf(data as CrawlJobData) : analyzeJobId(crawlId, data.url);
    const queue = (kind === 'crawl' ? this.crawl : this.analyze) as unknown as Queue;
    const bulk = jobs.map((data, index) => {
      const delay = options.delaysMs?.[index] ?? 0;
      return {
        name: kind,
        data,
        opts: { ...base, jobId: idOf(data), parent, ...(delay > 0 ? { delay } : {}) },
      };
    });
    return retryTransient(() => queue.addBulk(bulk), {
      operation: `addChildren(${kind})`,
      budgetMs: this.config.REDIS_RETRY_BUDGET_MS,
    });
  }

  /**
   * Adds the `crawl.finished` webhook delivery of a crawl that reached a final status. Its job id is the crawl's
   * (`webhookJobId`), so a retried aggregate job adds nothing twice; transient cluster errors are retried for
   * `REDIS_RETRY_BUDGET_MS`.
   */
  async addWebhookDelivery(crawlId: string): Promise<Job<WebhookJobData, WebhookJobResult, 'webhook'>> {
    const jobId = webhookJobId(crawlId);
    return retryTransient(
      () =>
        this.webhook.add(QUEUE_NAMES.webhook, { crawlId } satisfies WebhookJobData, {
          ...webhookJobOptions(this.config),
          jobId,
        }),
      { operation: 'addWebhookDelivery', budgetMs: this.config.REDIS_RETRY_BUDGET_MS },
    );
  }

  /**
   * Creates or replaces the BullMQ job scheduler of a schedule (scheduler id = schedule id): a `schedule` job on
   * every tick of the cron `pattern` in `tz`, or every `every` ms (the first at once). BullMQ adds one job per tick
   * whatever the number of workers and hosts. Returns when the next run is due (ms since the epoch).
   */
  async upsertScheduleRuns(
    scheduleId: string,
    repeat: { pattern: string; tz: string } | { every: number },
  ): Promise<number> {
    // BullMQ types a scheduler id as the queue's job name type; any string is a scheduler id.
    const schedulerId = scheduleId as typeof QUEUE_NAMES.schedule;
    const job = await retryTransient(
      () =>
        this.schedule.upsertJobScheduler(schedulerId, repeat, {
          name: QUEUE_NAMES.schedule,
          data: { scheduleId } satisfies ScheduleJobData,
          opts: scheduleJobOptions(this.config),
        }),
      { operation: 'upsertScheduleRuns', budgetMs: this.config.REDIS_RETRY_BUDGET_MS },
    );
    // The scheduler's own `next`: the job's timestamp + delay are taken at two moments, a few ms apart.
    return (await this.nextScheduleRun(scheduleId)) ?? job.timestamp + (job.opts.delay ?? 0);
  }

  /** Stops a schedule's runs at once (its scheduler and its next, delayed job); false when it had none. */
  async removeScheduleRuns(scheduleId: string): Promise<boolean> {
    return this.schedule.removeJobScheduler(scheduleId);
  }

  /** When the schedule's next run is due (ms since the epoch); undefined when it has no scheduler. */
  async nextScheduleRun(scheduleId: string): Promise<number | undefined> {
    const scheduler = await this.schedule.getJobScheduler(scheduleId);
    return scheduler?.next ?? undefined;
  }

  /**
   * The state of one schedule run's job (`repeat:<scheduleId>:<tick ms>`): `unknown` once it is gone (removed after
   * it finished, or never added). A run waits while another run of its schedule is in a state it can still finish
   * from (active, waiting, delayed, prioritized).
   */
  async scheduleRunState(jobId: string): Promise<JobState | 'unknown'> {
    return this.schedule.getJobState(jobId);
  }

  /**
   * Whether a schedule's job scheduler has lost its next run: its `next` tick is more than `overdueMs` past and that
   * tick's job is not pending (waiting, delayed, active…). BullMQ adds a scheduler's next run when the current one
   * starts; when Redis refuses that write (OOM, READONLY, LOADING), BullMQ only emits "Failed to add repeatable job
   * for next iteration" and the schedule would never run again. A tick whose job still waits (every crawl worker
   * down or busy) is not lost. False when the schedule has no scheduler.
   */
  async scheduleRunsLost(scheduleId: string, overdueMs: number): Promise<boolean> {
    const scheduler = await this.schedule.getJobScheduler(scheduleId);
    const next = scheduler?.next;
    if (typeof next !== 'number' || next > Date.now() - overdueMs) return false;
    const state = await this.schedule.getJobState(`repeat:${scheduleId}:${next}`);
    return !PENDING_JOB_STATES.has(state);
  }

  /** The ids of every schedule that has a job scheduler, read in pages (the schedule sweep walks them). */
  async *scheduleIds(pageSize = 500): AsyncGenerator<string> {
    for (let start = 0; ; start += pageSize) {
      const page = await this.schedule.getJobSchedulers(start, start + pageSize - 1, true);
      for (const scheduler of page) yield scheduler.key;
      if (page.length < pageSize) return;
    }
  }

  /**
   * Moves a crawl's *delayed* crawl jobs (planned for later by their host's schedule) to waiting, so a cancelled
   * crawl's jobs run now (recording their pages cancelled) and the crawl settles at once instead of at its last
   * planned start. Reads the root's unprocessed children page by page; returns how many jobs were promoted.
   */
  async promoteCrawlJobs(crawlId: string): Promise<number> {
    const root = await this.aggregate.getJob(aggregateJobId(crawlId));
    if (!root) return 0;
    const crawlKeyPrefix = `${this.prefix}:${QUEUE_NAMES.crawl}:`;
    let promoted = 0;
    let cursor = 0;
    do {
      const page = await root.getDependencies({ unprocessed: { cursor, count: PROMOTE_BATCH } });
      cursor = page.nextUnprocessedCursor ?? 0;
      const ids = (page.unprocessed ?? [])
        .filter((key) => key.startsWith(crawlKeyPrefix))
        .map((key) => key.slice(crawlKeyPrefix.length));
      const results = await Promise.all(
        ids.map(async (id) => {
          const job = await this.crawl.getJob(id);
          if (!job || !(await job.isDelayed())) return false;
          // It may have become due (or been promoted by another caller) in between: nothing to do then.
          return job.promote().then(
            () => true,
            () => false,
          );
        }),
      );
      promoted += results.filter(Boolean).length;
    } while (cursor !== 0);
    return promoted;
  }

  /**
   * A sweeper that removes jobs of all four queues past their keep age every `QUEUE_SWEEP_INTERVAL_S`; the caller
   * starts and stops it.
   */
  retentionSweeper(hooks: Pick<RetentionSweeperOptions, 'onSwept' | 'onError'> = {}): RetentionSweeper {
    return new RetentionSweeper({
      queues: [this.crawl, this.analyze, this.aggregate, this.webhook, this.schedule] as unknown as Queue[],
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
      [QUEUE_NAMES.webhook, this.webhook],
      [QUEUE_NAMES.schedule, this.schedule],
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
    await Promise.all([
      this.crawl.close(),
      this.analyze.close(),
      this.aggregate.close(),
      this.webhook.close(),
      this.schedule.close(),
      this.flowProducer.close(),
    ]);
  }
}

/** Children of a crawl's root read (and promoted concurrently) per round trip by `promoteCrawlJobs`. */
const PROMOTE_BATCH = 200;

// --- job ids

function urlHash(url: string): string {
  return createHash('sha1').update(url).digest('hex').slice(0, 16);
}

/**
 * Deterministic job ids (BullMQ ignores an add whose id exists, so a URL gets one job even when added twice or
 * re-added after a failover retry). BullMQ custom ids must not contain `:` nor be integers; crawl ids start with `c`.
 */
export function crawlJobId(crawlId: string, url: string): string {
  return `${crawlId}-${urlHash(url)}`;
}

/** The job id of a crawl job's data: a source's is that of its key (`sourceKeyOf`), never that of a page. */
export function crawlJobIdOf(data: CrawlJobData): string {
  return crawlJobId(data.crawlId, data.source === undefined ? data.url : sourceKeyOf(data.url));
}

/** The `analyze` job id of a page: `<crawlId>-a-<sha1(url) first 16 hex>`. */
export function analyzeJobId(crawlId: string, url: string): string {
  return `${crawlId}-a-${urlHash(url)}`;
}

/** The root `aggregate` job id: the crawl id itself. */
export function aggregateJobId(crawlId: string): string {
  return crawlId;
}

/**
 * The `webhook` job id of a crawl: `<crawlId>-webhook`, one delivery per crawl. Also the `Kumo-Delivery` header,
 * the same on every attempt, so a receiver can drop repeats.
 */
export function webhookJobId(crawlId: string): string {
  return `${crawlId}-webhook`;
}

// --- job options

/** The settings job options are built from. */
export type JobOptionsConfig = Pick<
  Config,
  | 'QUEUE_KEEP_COMPLETED_S'
  | 'QUEUE_KEEP_COMPLETED_COUNT'
  | 'QUEUE_KEEP_FAILED_S'
  | 'QUEUE_KEEP_FAILED_COUNT'
  | 'CRAWL_ATTEMPTS'
  | 'CRAWL_RETRY_BACKOFF_MS'
> &
  Partial<Pick<Config, 'WEBHOOK_ATTEMPTS' | 'WEBHOOK_BACKOFF_BASE_MS'>>;

/** Attempts of an analyze job: one retry covers a crashed process; analysis itself is deterministic. */
export const ANALYZE_ATTEMPTS = 2;
/** Attempts of the aggregate job (Redis hiccups while merging). */
export const AGGREGATE_ATTEMPTS = 3;

/**
 * Retention of every job (BullMQ keys have no TTL; retention bounds them): completed jobs are removed after
 * `QUEUE_KEEP_COMPLETED_S` or beyond `QUEUE_KEEP_COMPLETED_COUNT`, failed ones likewise.
 */
export function defaultJobOptions(config: JobOptionsConfig): JobsOptions {
  return {
    removeOnComplete: { age: config.QUEUE_KEEP_COMPLETED_S, count: config.QUEUE_KEEP_COMPLETED_COUNT },
    removeOnFail: { age: config.QUEUE_KEEP_FAILED_S, count: config.QUEUE_KEEP_FAILED_COUNT },
  };
}

/**
 * Options of every child of the root: `ignoreDependencyOnFailure` moves a child that failed for good to the root's
 * failed dependencies, so the root still runs when the others are done (a failed page never blocks the report).
 */
function childOptions(config: JobOptionsConfig): JobsOptions {
  return { ...defaultJobOptions(config), ignoreDependencyOnFailure: true };
}

/** `crawl` jobs: `CRAWL_ATTEMPTS` attempts with exponential backoff from `CRAWL_RETRY_BACKOFF_MS`. */
export function crawlJobOptions(config: JobOptionsConfig): JobsOptions {
  return {
    ...childOptions(config),
    attempts: config.CRAWL_ATTEMPTS,
    backoff: { type: 'exponential', delay: config.CRAWL_RETRY_BACKOFF_MS },
  };
}

/** `analyze` jobs: `ANALYZE_ATTEMPTS` attempts. */
export function analyzeJobOptions(config: JobOptionsConfig): JobsOptions {
  return {
    ...childOptions(config),
    attempts: ANALYZE_ATTEMPTS,
    backoff: { type: 'exponential', delay: config.CRAWL_RETRY_BACKOFF_MS },
  };
}

/** The root `aggregate` job. */
export function aggregateJobOptions(config: JobOptionsConfig): JobsOptions {
  return {
    ...defaultJobOptions(config),
    attempts: AGGREGATE_ATTEMPTS,
    backoff: { type: 'exponential', delay: config.CRAWL_RETRY_BACKOFF_MS },
  };
}

/** The name of the webhook back-off strategy (`webhookBackoffStrategy` of the worker that runs the queue). */
export const WEBHOOK_BACKOFF_TYPE = 'kumo-webhook';

/**
 * `webhook` jobs: `WEBHOOK_ATTEMPTS` attempts (default 31), backed off by the worker's capped exponential strategy
 * from `WEBHOOK_BACKOFF_BASE_MS` (see `@kumo/webhooks`, webhook-backoff.ts: about 24 h in all by default).
 */
export function webhookJobOptions(config: JobOptionsConfig): JobsOptions {
  return {
    ...defaultJobOptions(config),
    attempts: config.WEBHOOK_ATTEMPTS ?? 31,
    backoff: { type: WEBHOOK_BACKOFF_TYPE, delay: config.WEBHOOK_BACKOFF_BASE_MS ?? 30_000 },
  };
}

/** Attempts of a schedule run: its crawl creation may meet a full system (admission control) or a Redis failover. */
export const SCHEDULE_RUN_ATTEMPTS = 5;

/**
 * `schedule` jobs (the template of every schedule's job scheduler): `SCHEDULE_RUN_ATTEMPTS` attempts with
 * exponential backoff from `CRAWL_RETRY_BACKOFF_MS`; a retried run creates no second crawl (its creation is
 * idempotent per run).
 */
export function scheduleJobOptions(config: JobOptionsConfig): Omit<JobsOptions, 'jobId' | 'repeat' | 'delay'> {
  return {
    ...defaultJobOptions(config),
    attempts: SCHEDULE_RUN_ATTEMPTS,
    backoff: { type: 'exponential', delay: config.CRAWL_RETRY_BACKOFF_MS },
  };
}
