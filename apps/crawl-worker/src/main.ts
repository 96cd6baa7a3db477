import { loadConfigOrExit } from '@kumo/config';
import { clusterMetrics, createLogger } from '@kumo/observability';
import { assertRedisFitForQueues, redisReadyCheck } from '@kumo/queues';
import { runSupervisedApp, workerSlot } from '@kumo/supervisor';

const config = loadConfigOrExit();
const slot = workerSlot();
const logger = createLogger({
  name: 'crawl-worker',
  level: config.LOG_LEVEL,
  format: config.LOG_FORMAT,
  nodeEnv: config.NODE_ENV,
  ...(slot === undefined ? {} : { base: { slot } }),
});

await runSupervisedApp({
  name: 'crawl-worker',
  logger,
  processes: config.WORKER_PROCESSES,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  preflight: () => assertRedisFitForQueues(config, 'kumo:crawl-worker:check'),
  readyCheck: redisReadyCheck(config, 'kumo:crawl-worker:ready'),
  onMetricsRequest: clusterMetrics(),
  metricsPort: config.CRAWL_WORKER_METRICS_PORT,
  // Loaded in the workers only: the primary never crawls, so it need not hold the crawler and undici in memory.
  start: async () => (await import('./crawl-worker.js')).startCrawlWorker(config, logger),
});
