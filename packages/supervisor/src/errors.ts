import { defineError } from '@kumo/errors';

/** Every code this package produces. Callers branch on these, never on messages. */
export const SupervisorErrorCode = {
  INVALID_OPTION: 'KUMO_SUPERVISOR_INVALID_OPTION',
  NOT_PRIMARY: 'KUMO_SUPERVISOR_NOT_PRIMARY',
  RESTART_STORM: 'KUMO_SUPERVISOR_RESTART_STORM',
  SHUTDOWN_TIMEOUT: 'KUMO_SUPERVISOR_SHUTDOWN_TIMEOUT',
  WORKER_CRASHED: 'KUMO_SUPERVISOR_WORKER_CRASHED',
  METRICS_LISTEN_FAILED: 'KUMO_SUPERVISOR_METRICS_LISTEN_FAILED',
  NOT_READY: 'KUMO_SUPERVISOR_NOT_READY',
} as const;
export type SupervisorErrorCode = (typeof SupervisorErrorCode)[keyof typeof SupervisorErrorCode];

/** An option of runSupervisor or runWorkerProcess is missing or out of range. The message names it. */
export class SupervisorOptionError extends defineError(SupervisorErrorCode.INVALID_OPTION, 'critical') {}

/** runSupervisor was called in a cluster worker: only the primary supervises. */
export class SupervisorNotPrimaryError extends defineError(SupervisorErrorCode.NOT_PRIMARY, 'critical') {
  constructor() {
    super('runSupervisor must run in the cluster primary, not in a worker');
  }
}

/**
 * Workers died more often than `maxRestartsInWindow` allows: the supervisor stops restarting them, shuts the
 * rest down and exits non-zero, so the process manager above it (systemd, Kubernetes) sees the failure.
 */
export class RestartStormError extends defineError(SupervisorErrorCode.RESTART_STORM, 'critical') {}

/** A worker's close() did not finish within `shutdownTimeoutMs`; the worker exits 1 without waiting longer. */
export class ShutdownTimeoutError extends defineError(SupervisorErrorCode.SHUTDOWN_TIMEOUT, 'transient') {}

/** A worker's start() failed, or it hit an uncaught exception or unhandled rejection; it exits 1 and is restarted. */
export class WorkerCrashError extends defineError(SupervisorErrorCode.WORKER_CRASHED, 'critical') {}

/** The primary could not listen for metrics requests (port taken, bad host). */
export class MetricsListenError extends defineError(SupervisorErrorCode.METRICS_LISTEN_FAILED, 'critical') {}
