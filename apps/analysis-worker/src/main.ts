import { loadConfigOrExit } from '@kumo/config';
import { checkRedisServer } from '@kumo/keyspace';
import { createLogger, startClusterMetricsServer } from '@kumo/observability';
import { createKeyStore } from '@kumo/queues';
import { isSupervisorPrimary, runSupervisor, runWorkerProcess, workerSlot } from '@kumo/supervisor';
import { startAnalysisWorker } from './analysis-worker.js';

const config = loadConfigOrExit();
const slot = workerSlot();
const logger = createLogger({
  name: 'analysis-worker',
  level: config.LOG_LEVEL,
  format: config.LOG_FORMAT,
  nodeEnv: config.NODE_ENV,
  ...(slot === undefined ? {} : { base: { slot } }),
});

/** The cluster primary: check Redis once, serve the aggregated metrics, fork and watch the workers. */
async function supervise(): Promise<void> {
  // Refuse a Redis that may evict jobs once, here, rather than in a restart loop of every worker.
  const { client, store } = createKeyStore(config, 'command', 'kumo:analysis-worker:check');
  const refused = await checkRedisServer(client, { allowEviction: config.KUMO_ALLOW_EVICTION }).then(
    () => null,
    (error: unknown) => error,
  );
  await store.close().catch(() => undefined);
  if (refused) {
    logger.fatal({ err: refused, code: (refused as { code?: string }).code }, 'refusing to start');
    // 78 = EX_CONFIG, as for a bad setting: restarting will not help.
    logger.flush(() => process.exit(78));
    return;
  }
  const metricsServer =
    config.ANALYSIS_WORKER_METRICS_PORT === 0
      ? null
      : await startClusterMetricsServer({ host: '127.0.0.1', port: config.ANALYSIS_WORKER_METRICS_PORT });
  if (metricsServer) logger.info({ port: metricsServer.port }, 'metrics listening');
  const supervisor = await runSupervisor({
    name: 'analysis-worker',
    processes: config.WORKER_PROCESSES,
    logger,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  });
  void supervisor.done.finally(() => metricsServer?.close());
}

if (isSupervisorPrimary()) {
  await supervise();
} else {
  await runWorkerProcess({
    logger,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    start: () => startAnalysisWorker(config, logger),
  });
}
