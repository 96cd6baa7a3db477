import cluster from 'node:cluster';
import { ShutdownTimeoutError, SupervisorOptionError, WorkerCrashError } from './errors.js';
import { flushLogger, type SupervisorLogger } from './logger.js';

/** What `start` returns: the running work, stopped by `close()` (finish in-flight jobs, close connections). */
export interface RunningWork {
  close(): Promise<void>;
}

export interface WorkerProcessOptions {
  /** Starts the process's work (BullMQ workers, an HTTP server…). A rejection exits 1. Required. */
  start: () => Promise<RunningWork>;
  /** How long `close()` may take after SIGTERM/SIGINT before the process exits 1 anyway. Default `10_000`. */
  shutdownTimeoutMs?: number;
  /** Where start, shutdown and crashes are logged. Required. */
  logger: SupervisorLogger;
  /** Ends the process. Default `process.exit`. */
  exit?: (code: number) => void;
}

/**
 * The worker side of the supervisor (also usable without it): starts the work, and on SIGTERM/SIGINT — relayed
 * by the primary in a cluster worker, or when the primary disappears — calls `close()` within a deadline and
 * exits 0, or 1 when the deadline passes or close fails. Uncaught exceptions and unhandled rejections are logged
 * and exit 1, so the supervisor restarts a clean process. Resolves once the work has started.
 */
export async function runWorkerProcess(options: WorkerProcessOptions): Promise<void> {
  const { logger } = options;
  const timeoutMs = options.shutdownTimeoutMs ?? 10_000;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 0) {
    throw new SupervisorOptionError(`shutdownTimeoutMs must be a non-negative integer (got ${String(timeoutMs)})`);
  }
  if (typeof options.start !== 'function') throw new SupervisorOptionError('start must be a function');
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let work: RunningWork | null = null;
  let stopping: string | null = null;
  let exiting = false;

  const exitWith = (code: number) => {
    if (exiting) return;
    exiting = true;
    void flushLogger(logger).then(() => exit(code));
  };

  const crash = (what: string) => (error: unknown) => {
    const crashed = new WorkerCrashError(`${what}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
    logger.error({ code: crashed.code, err: error }, crashed.message);
    exitWith(1);
  };

  let deadline: NodeJS.Timeout | undefined;
  const close = (running: RunningWork) => {
    running.close().then(
      () => {
        clearTimeout(deadline);
        logger.info({ reason: stopping }, 'worker stopped');
        exitWith(0);
      },
      (error: unknown) => {
        clearTimeout(deadline);
        logger.error({ err: error }, 'worker close() failed');
        exitWith(1);
      },
    );
  };

  const stop = (reason: string) => {
    // A terminal's Ctrl-C reaches the whole process group, so the primary's relayed SIGTERM comes second.
    if (stopping) return;
    stopping = reason;
    logger.info({ reason }, 'worker shutting down');
    // The deadline runs from the signal, not from close(): a stop that arrives while `start` is still loading (a
    // dictionary, a Redis that does not answer) must not wait for it to finish first.
    deadline = setTimeout(() => {
      const error = new ShutdownTimeoutError(`did not stop within ${timeoutMs} ms of ${reason}`);
      logger.error({ code: error.code, timeoutMs }, error.message);
      exitWith(1);
    }, timeoutMs);
    if (work) close(work);
  };

  process.on('uncaughtException', crash('uncaught exception'));
  process.on('unhandledRejection', crash('unhandled rejection'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // The primary died without relaying a signal (e.g. it was SIGKILLed): do not linger as an orphan.
  if (cluster.isWorker) process.on('disconnect', () => stop('primary disconnected'));

  try {
    work = await options.start();
  } catch (error) {
    crash('worker failed to start')(error);
    return;
  }
  logger.info({}, 'worker started');
  if (stopping) close(work);
}
