import { runQueueWorkerApp } from '@kumo/queues';

await runQueueWorkerApp({
  name: 'analysis-worker',
  metricsPort: (config) => config.ANALYSIS_WORKER_METRICS_PORT,
  // Loaded in the workers only: the primary never analyses, so it need not hold kuromoji's dictionary.
  start: async (config, logger) => (await import('./analysis-worker.js')).startAnalysisWorker(config, logger),
});
