import { crawlUserAgent, ownPorts, type Config } from '@kumo/config';
import { bridgeCrawlerMetrics, createCrawlProcessor, createHostLimiter, RedisRobotsStore } from '@kumo/crawl-jobs';
import { AddressPolicy, createCrawler, createSafeAgent } from '@kumo/crawler';
import { CrawlCreator } from '@kumo/crawl-creation';
import { CrawlStore, IdempotencyStore } from '@kumo/crawl-state';
import { checkRedisServer } from '@kumo/keyspace';
import { createMetrics, StageTimer, type Logger } from '@kumo/observability';
import {
  bridgeHoldMetrics,
  createKeyStore,
  createKumoWorker,
  createRedisConnection,
  KumoQueues,
  type CrawlJobData,
  type CrawlJobResult,
  type ScheduleJobData,
  type ScheduleJobResult,
  type WebhookJobData,
  type WebhookJobResult,
} from '@kumo/queues';
import { createScheduleRunProcessor, ScheduleSweeper, type ScheduleRunEvent } from '@kumo/schedules';
import type { RunningWork } from '@kumo/supervisor';
import { bridgeWebhookMetrics, createWebhookProcessor, webhookBackoffStrategy } from '@kumo/webhooks';
import { AggregatorRegistry } from 'prom-client';

/**
 * One crawl-worker process: Redis connections, the crawler, the crawl processor and a BullMQ worker on `crawl`.
 * Idle, it blocks on Redis (BullMQ's blocking fetch): no timer of ours polls anything.
 */
export async function startCrawlWorker(config: Config, logger: Logger): Promise<RunningWork> {
  const { client, store } = createKeyStore(config, 'command', 'kumo:crawl-worker');
  const check = await checkRedisServer(client, { allowEviction: config.KUMO_ALLOW_EVICTION });
  for (const warning of check.warnings) logger.warn({ redisVersion: check.version }, warning);

  const bullConnection = createRedisConnection(config, { role: 'worker', name: 'kumo:crawl-worker:bull' });
  const queues = new KumoQueues(bullConnection, config);
  const state = new CrawlStore(store, { resultTtlMs: config.RESULT_TTL_S * 1000, tmpTtlMs: config.TMP_TTL_S * 1000 });
  const userAgent = crawlUserAgent(config);
  // Allowing 127.0.0.1 for a local site must not open Redis, the API or the metrics: entries without a port skip them.
  const reservedPorts = ownPorts(config);
  const crawler = createCrawler({
    userAgent,
    connectTimeoutMs: config.CRAWL_CONNECT_TIMEOUT_MS,
    headersTimeoutMs: config.CRAWL_HEADERS_TIMEOUT_MS,
    bodyTimeoutMs: config.CRAWL_BODY_TIMEOUT_MS,
    maxBodyBytes: config.CRAWL_MAX_BODY_BYTES,
    maxRedirects: config.CRAWL_MAX_REDIRECTS,
    maxTextChars: config.CRAWL_MAX_TEXT_CHARS,
    allowHosts: config.CRAWL_ALLOW_HOSTS,
    reservedPorts,
    robotsStore: new RedisRobotsStore(store, { ttlMs: config.ROBOTS_CACHE_TTL_S * 1000 }),
  });
  // CRAWL_HOST_CONCURRENCY, CRAWL_HOST_DELAY_MS and CRAWL_HOST_LEASE_MS (how long a killed process's slots stay taken).
  const limiter = createHostLimiter(store, config);

  const metrics = createMetrics({ app: 'crawl-worker' });
  const stopBridge = bridgeCrawlerMetrics(metrics);
  const stopWebhookBridge = bridgeWebhookMetrics(metrics);
  const stopHoldBridge = bridgeHoldMetrics(metrics, logger);
  // The supervisor's /metrics aggregates what each process hands prom-client's cluster IPC: our own registry.
  AggregatorRegistry.setRegistries([metrics.registry]);

  const processor = createCrawlProcessor({
    crawler,
    state,
    queues,
    limiter,
    timer: new StageTimer(metrics, logger),
    logger,
    sources: {
      maxBytes: config.CRAWL_SOURCE_MAX_BYTES,
      maxEntries: config.CRAWL_SOURCE_MAX_ENTRIES,
      maxDepth: config.CRAWL_SOURCE_MAX_DEPTH,
      maxSitemaps: config.CRAWL_SOURCE_MAX_SITEMAPS,
    },
  });
  const worker = createKumoWorker<CrawlJobData, CrawlJobResult>('crawl', processor, {
    connection: bullConnection,
    config,
    concurrency: config.CRAWL_CONCURRENCY,
    logger,
    onJobDone: (done) => metrics.jobs.inc({ queue: done.queue, outcome: done.outcome }),
  });
  // Webhook deliveries go through an agent of their own with the crawler's address policy: a receiver on a private
  // address is refused unless CRAWL_ALLOW_HOSTS opens it, and crawling never shares its connections.
  const webhookAgent = createSafeAgent({
    policy: new AddressPolicy(config.CRAWL_ALLOW_HOSTS, { reservedPorts }),
    connectTimeoutMs: config.WEBHOOK_TIMEOUT_MS,
    connectionsPerOrigin: 2,
  });
  const webhookWorker = createKumoWorker<WebhookJobData, WebhookJobResult>(
    'webhook',
    createWebhookProcessor({
      state,
      dispatcher: webhookAgent,
      timeoutMs: config.WEBHOOK_TIMEOUT_MS,
      userAgent,
      logger,
    }),
    {
      connection: bullConnection,
      config,
      concurrency: config.WEBHOOK_CONCURRENCY,
      logger,
      onJobDone: (done) => metrics.jobs.inc({ queue: done.queue, outcome: done.outcome }),
      backoffStrategy: webhookBackoffStrategy({
        baseMs: config.WEBHOOK_BACKOFF_BASE_MS,
        maxMs: config.WEBHOOK_BACKOFF_MAX_MS,
      }),
    },
  );
  // Schedule runs: each creates an ordinary crawl exactly as POST /v1/crawls does (validation, admission, idempotency).
  const scheduleWorker = createKumoWorker<ScheduleJobData, ScheduleJobResult>(
    'schedule',
    createScheduleRunProcessor({
      store: state.schedules,
      queues,
      creator: new CrawlCreator({
        settings: config,
        crawls: state,
        idempotency: new IdempotencyStore(store),
        queues,
        onCompensationError: (error, crawlId) => logger.warn({ err: error, crawlId }, 'could not mark crawl failed'),
      }),
      onRun: (run) => logger.info(run, scheduleRunMessage(run)),
    }),
    {
      connection: bullConnection,
      config,
      concurrency: 2,
      logger,
      onJobDone: (done) => metrics.jobs.inc({ queue: done.queue, outcome: done.outcome }),
    },
  );
  await Promise.all([worker.waitUntilReady(), webhookWorker.waitUntilReady(), scheduleWorker.waitUntilReady()]);
  const scheduleSweeper = new ScheduleSweeper({
    store: state.schedules,
    queues,
    intervalMs: config.SCHEDULE_SWEEP_INTERVAL_S * 1000,
    onSwept: (result) =>
      result.restored > 0
        ? logger.warn(result, 'schedules swept: next runs that Redis had refused to add were added again')
        : logger.info(result, 'schedules swept'),
    onError: (error) => logger.warn({ err: error }, 'schedule sweep failed'),
  });
  scheduleSweeper.start();
  const sweeper = queues.retentionSweeper({
    onSwept: (removed) => logger.info(removed, 'old jobs removed'),
    onError: (error) => logger.warn({ err: error }, 'job retention sweep failed'),
  });
  sweeper.start();
  logger.info(
    { concurrency: config.CRAWL_CONCURRENCY, hostConcurrency: config.CRAWL_HOST_CONCURRENCY, redis: check.version },
    'ready',
  );

  return {
    async close() {
      // Lets active jobs finish (their pages get recorded) before the connections go.
      await Promise.all([worker.close(), webhookWorker.close(), scheduleWorker.close()]);
      await Promise.all([sweeper.stop(), scheduleSweeper.stop()]);
      stopBridge();
      stopWebhookBridge();
      await webhookAgent.close();
      stopHoldBridge();
      await queues.close();
      await crawler.close();
      await bullConnection.quit();
      await store.close();
    },
  };
}

/** The log message of a schedule run's event. */
function scheduleRunMessage(run: ScheduleRunEvent): string {
  if (run.crawlId) return 'schedule run created its crawl';
  if (run.waitingFor) return 'schedule run waits for the run in flight';
  return 'schedule gone: runs stopped';
}
