import { defineError, defineErrors, type ErrorCodeOf, errorCodesOf } from '@kumo/errors';

/** Every code this package produces (its rows of the error catalog in `@kumo/errors`). Callers branch on these. */
export const SupervisorErrorCode = errorCodesOf('packages/supervisor');
export type SupervisorErrorCode = ErrorCodeOf<'packages/supervisor'>;

/** The errors that carry just a message (and a cause): class name → code, in the catalog's order. */
export const { SupervisorOptionError, MetricsListenError, RestartStormError, ShutdownTimeoutError, WorkerCrashError } =
  defineErrors({
    /** An option of runSupervisor or runWorkerProcess is missing or out of range. The message names it. */
    SupervisorOptionError: SupervisorErrorCode.INVALID_OPTION,
    /** The primary could not listen for metrics requests (port taken, bad host). */
    MetricsListenError: SupervisorErrorCode.METRICS_LISTEN_FAILED,
    /**
     * Workers died more often than `maxRestartsInWindow` allows: the supervisor stops restarting them, shuts the
     * rest down and exits non-zero, so the process manager above it (systemd, Kubernetes) sees the failure.
     */
    RestartStormError: SupervisorErrorCode.RESTART_STORM,
    /** A worker's close() did not finish within `shutdownTimeoutMs`; the worker exits 1 without waiting longer. */
    ShutdownTimeoutError: SupervisorErrorCode.SHUTDOWN_TIMEOUT,
    /** A worker's start() failed, or it hit an uncaught exception or unhandled rejection; it exits 1 and is restarted. */
    WorkerCrashError: SupervisorErrorCode.WORKER_CRASHED,
  });

/** runSupervisor was called in a cluster worker: only the primary supervises. */
export class SupervisorNotPrimaryError extends defineError(SupervisorErrorCode.NOT_PRIMARY) {
  constructor() {
    super('runSupervisor must run in the cluster primary, not in a worker');
  }
}
