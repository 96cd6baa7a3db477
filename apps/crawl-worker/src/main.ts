import { runQueueWorkerApp } from '@kumo/queues';

await runQueueWorkerApp({
  name: 'crawl-worker',
  metricsPort: (config) => config.CRAWL_WORKER_METRICS_PORT,
  // Loaded in the workers only: the primary never crawls, so it need not hold the crawler and undici in memory.
  start: async (config, logger) => (await import('./crawl-worker.js')).startCrawlWorker(config, logger),
});
