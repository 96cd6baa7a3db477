import { loadConfigOrExit } from '@kumo/config';
import { clusterMetrics, createLogger } from '@kumo/observability';
import { assertRedisFitForQueues, redisReadyCheck } from '@kumo/queues';
import { runSupervisedApp, workerSlot } from '@kumo/supervisor';

const config = loadConfigOrExit();
const slot = workerSlot();
const logger = createLogger({
  name: 'analysis-worker',
  level: config.LOG_LEVEL,
  format: config.LOG_FORMAT,
  nodeEnv: config.NODE_ENV,
  ...(slot === undefined ? {} : { base: { slot } }),
});

await runSupervisedApp({
  name: 'analysis-worker',
  logger,
  processes: config.WORKER_PROCESSES,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  preflight: () => assertRedisFitForQueues(config, 'kumo:analysis-worker:check'),
  readyCheck: redisReadyCheck(config, 'kumo:analysis-worker:ready'),
  onMetricsRequest: clusterMetrics(),
  metricsPort: config.ANALYSIS_WORKER_METRICS_PORT,
  // Loaded in the workers only: the primary never analyses, so it need not hold kuromoji's dictionary.
  start: async () => (await import('./analysis-worker.js')).startAnalysisWorker(config, logger),
});
