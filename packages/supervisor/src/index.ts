export { runSupervisor, type Supervisor, type WorkerInfo } from './supervisor.js';
export type { SupervisorOptions } from './supervisor-options.js';
export { runWorkerProcess, type RunningWork, type WorkerProcessOptions } from './worker-process.js';
export { runSupervisedApp, EXIT_PREFLIGHT_REFUSED, type SupervisedAppOptions } from './supervised-app.js';
export { isSupervisorPrimary, workerSlot, WORKER_SLOT_ENV } from './worker-slot.js';
export {
  supervisorEvents,
  type ExitEvent,
  type ForkEvent,
  type GiveUpEvent,
  type KillEvent,
  type RestartEvent,
  type ShutdownEvent,
  type StoppedEvent,
} from './events.js';
export { restartDelay } from './backoff.js';
export type { SupervisorLogger } from './logger.js';
export type { MetricsResponse } from './metrics-server.js';
export {
  SupervisorOptionError,
  SupervisorNotPrimaryError,
  RestartStormError,
  ShutdownTimeoutError,
  WorkerCrashError,
  MetricsListenError,
  SupervisorErrorCode,
} from './errors.js';
