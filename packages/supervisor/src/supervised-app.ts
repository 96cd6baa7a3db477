import { flushLogger, type SupervisorLogger } from './logger.js';
import type { MetricsResponse } from './metrics-server.js';
import { runSupervisor } from './supervisor.js';
import { runWorkerProcess, type RunningWork } from './worker-process.js';
import { isSupervisorPrimary } from './worker-slot.js';

/** Exit code of a primary whose preflight refused to start: EX_CONFIG, as for a bad setting. */
export const EXIT_PREFLIGHT_REFUSED = 78;

export interface SupervisedAppOptions {
  /** The app's name, in every supervisor log line. */
  name: string;
  logger: SupervisorLogger;
  /** Worker processes to fork (`WORKER_PROCESSES`). */
  processes: number;
  /** Node flags of the worker processes. Default: this process's (`process.execArgv`). */
  execArgv?: string[];
  /** How long graceful shutdown may take (`SHUTDOWN_TIMEOUT_MS`). */
  shutdownTimeoutMs: number;
  /**
   * Runs once in the primary before any worker is forked (e.g. refusing a Redis that may evict jobs). A rejection
   * is logged and the process exits 78: restarting would not help, so it must not become a restart loop.
   */
  preflight?: () => Promise<void>;
  /** The combined metrics of every process, served by the primary on `metricsPort`; none when port is 0. */
  onMetricsRequest?: () => Promise<MetricsResponse>;
  metricsPort?: number;
  /** Runs in the primary on `GET /readyz` (e.g. a Redis PING); a rejection makes it a 503. See `onReadyCheck`. */
  readyCheck?: () => Promise<void>;
  /** Starts one worker process's work; runs in the workers only. */
  start: () => Promise<RunningWork>;
  /** Ends the process. Default `process.exit`. */
  exit?: (code: number) => void;
}

/**
 * The entry point of a worker app: in the node:cluster primary, the preflight, the metrics endpoint and the
 * supervisor (one process per slot, restarts, graceful shutdown); in a worker, `start` under `runWorkerProcess`.
 */
export async function runSupervisedApp(options: SupervisedAppOptions): Promise<void> {
  const { logger, name } = options;
  if (!isSupervisorPrimary()) {
    await runWorkerProcess({ logger, shutdownTimeoutMs: options.shutdownTimeoutMs, start: options.start });
    return;
  }
  if (options.preflight) {
    try {
      await options.preflight();
    } catch (error) {
      logger.error({ name, err: error, code: (error as { code?: unknown }).code }, 'refusing to start');
      await flushLogger(logger);
      (options.exit ?? ((code: number) => process.exit(code)))(EXIT_PREFLIGHT_REFUSED);
      return;
    }
  }
  const withMetrics = options.onMetricsRequest !== undefined && (options.metricsPort ?? 0) !== 0;
  await runSupervisor({
    name,
    processes: options.processes,
    ...(options.execArgv ? { execArgv: options.execArgv } : {}),
    logger,
    shutdownTimeoutMs: options.shutdownTimeoutMs,
    ...(withMetrics ? { onMetricsRequest: options.onMetricsRequest, metricsPort: options.metricsPort } : {}),
    ...(withMetrics && options.readyCheck ? { onReadyCheck: options.readyCheck } : {}),
  });
}
