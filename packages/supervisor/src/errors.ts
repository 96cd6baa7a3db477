import { KumoError } from '@kumo/errors';

/** An option of runSupervisor or runWorkerProcess is missing or out of range. The message names it. */
export class SupervisorOptionError extends KumoError {
  constructor(message: string) {
    super('KUMO_SUPERVISOR_INVALID_OPTION', message, { kind: 'critical' });
  }
}

/** runSupervisor was called in a cluster worker: only the primary supervises. */
export class SupervisorNotPrimaryError extends KumoError {
  constructor() {
    super('KUMO_SUPERVISOR_NOT_PRIMARY', 'runSupervisor must run in the cluster primary, not in a worker', {
      kind: 'critical',
    });
  }
}

/**
 * Workers died more often than `maxRestartsInWindow` allows: the supervisor stops restarting them, shuts the
 * rest down and exits non-zero, so the process manager above it (systemd, Kubernetes) sees the failure.
 */
export class RestartStormError extends KumoError {
  constructor(message: string) {
    super('KUMO_SUPERVISOR_RESTART_STORM', message, { kind: 'critical' });
  }
}

/** A worker's close() did not finish within `shutdownTimeoutMs`; the worker exits 1 without waiting longer. */
export class ShutdownTimeoutError extends KumoError {
  constructor(message: string) {
    super('KUMO_SUPERVISOR_SHUTDOWN_TIMEOUT', message, { kind: 'transient' });
  }
}

/** A worker's start() failed, or it hit an uncaught exception or unhandled rejection; it exits 1 and is restarted. */
export class WorkerCrashError extends KumoError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('KUMO_SUPERVISOR_WORKER_CRASHED', message, { ...options, kind: 'critical' });
  }
}

/** The primary could not listen for metrics requests (port taken, bad host). */
export class MetricsListenError extends KumoError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('KUMO_SUPERVISOR_METRICS_LISTEN_FAILED', message, { ...options, kind: 'critical' });
  }
}
