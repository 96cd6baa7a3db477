import { type Config, loadConfigOrExit } from '@kumo/config';
import { clusterMetrics, createLogger, startIdleCollector, startTracing, type Logger } from '@kumo/observability';
import { runSupervisedApp, workerSlot, type RunningWork } from '@kumo/supervisor';
import { assertRedisFitForQueues } from './redis-preflight.js';
import { redisReadyCheck } from './redis-probe.js';

export interface QueueWorkerAppOptions {
  /** The app's name (`crawl-worker`): its log lines, and its Redis connections `kumo:<name>:check` / `:ready`. */
  name: string;
  /** The setting of its supervisor's metrics port. */
  metricsPort: (config: Config) => number;
  /**
   * Starts one worker process's BullMQ workers. Import the app's worker module inside it: the primary then never
   * loads what only the workers need (the crawler and undici, or the tokenizer and its dictionary).
   */
  start: (config: Config, logger: Logger) => Promise<RunningWork>;
}

/**
 * The entry point of an app of queue workers: configuration parsed once, a logger carrying the worker's slot, and a
 * supervised app whose primary refuses a Redis that may evict jobs, answers `/readyz` with a PING of its own, serves
 * every process's metrics combined, and runs `start` in one process per core (flags `WORKER_NODE_FLAGS`; garbage
 * collected once when the work ends, `startIdleCollector`; traced when `OTEL_EXPORTER_OTLP_ENDPOINT` is set: its
 * spans are flushed after `close`).
 */
export async function runQueueWorkerApp(options: QueueWorkerAppOptions): Promise<void> {
  const { name } = options;
  const config = loadConfigOrExit();
  const slot = workerSlot();
  const logger = createLogger({
    name,
    level: config.LOG_LEVEL,
    format: config.LOG_FORMAT,
    nodeEnv: config.NODE_ENV,
    ...(slot === undefined ? {} : { base: { slot } }),
  });
  await runSupervisedApp({
    name,
    logger,
    processes: config.WORKER_PROCESSES,
    // WORKER_NODE_FLAGS first: flags this process was started with (`node --… main.js`) come later and win.
    execArgv: [...config.WORKER_NODE_FLAGS, ...process.execArgv],
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    preflight: () => assertRedisFitForQueues(config, `kumo:${name}:check`),
    readyCheck: redisReadyCheck(config, `kumo:${name}:ready`),
    onMetricsRequest: clusterMetrics(),
    metricsPort: options.metricsPort(config),
    start: async () => {
      // Before the app's queues and workers exist: they take their telemetry from the tracing started here.
      const tracing = await startTracing({ endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: `kumo-${name}` });
      const work = await options.start(config, logger);
      // Garbage is collected once when the work ends, in place of V8's memory reducer (off in WORKER_NODE_FLAGS).
      const collector = startIdleCollector({
        onCollect: (collected) =>
          logger.debug({ ...collected, ms: Math.round(collected.ms) }, 'idle garbage collection'),
      });
      return {
        async close() {
          collector.stop();
          await work.close();
          await tracing?.shutdown();
        },
      };
    },
  });
}
