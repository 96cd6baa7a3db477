import diagnostics from 'node:diagnostics_channel';

/** `kumo:supervisor:fork`: a worker process was started in a slot. */
export interface ForkEvent {
  name: string;
  slot: number;
  pid: number | undefined;
  /** True when it replaces a worker that died. */
  restart: boolean;
}

/** `kumo:supervisor:exit`: a worker process ended. */
export interface ExitEvent {
  name: string;
  slot: number;
  pid: number | undefined;
  code: number | null;
  signal: string | null;
  uptimeMs: number;
  /** True when the supervisor was shutting down (the exit was asked for). */
  expected: boolean;
}

/** `kumo:supervisor:restart`: a dead worker's slot will be forked again after `delayMs`. */
export interface RestartEvent {
  name: string;
  slot: number;
  delayMs: number;
  /** Consecutive restarts of this slot (reset once a worker stays up). */
  attempt: number;
  restartsInWindow: number;
}

/** `kumo:supervisor:give-up`: too many restarts in the window; the supervisor shuts down and exits 1. */
export interface GiveUpEvent {
  name: string;
  restartsInWindow: number;
  windowMs: number;
}

/** `kumo:supervisor:shutdown`: the supervisor began stopping its workers. */
export interface ShutdownEvent {
  name: string;
  reason: string;
  workers: number;
}

/** `kumo:supervisor:kill`: a worker did not exit in time after SIGTERM and was sent SIGKILL. */
export interface KillEvent {
  name: string;
  slot: number;
  pid: number | undefined;
}

/** `kumo:supervisor:stopped`: every worker is gone; `exitCode` is what the supervisor exits with. */
export interface StoppedEvent {
  name: string;
  exitCode: number;
}

/**
 * What the supervisor does, on `node:diagnostics_channel` (`kumo:supervisor:<event>`), for apps to turn into
 * logs and metrics: `supervisorEvents.restart.subscribe((message) => …)`.
 */
export const supervisorEvents = {
  fork: diagnostics.channel('kumo:supervisor:fork'),
  exit: diagnostics.channel('kumo:supervisor:exit'),
  restart: diagnostics.channel('kumo:supervisor:restart'),
  giveUp: diagnostics.channel('kumo:supervisor:give-up'),
  shutdown: diagnostics.channel('kumo:supervisor:shutdown'),
  kill: diagnostics.channel('kumo:supervisor:kill'),
  stopped: diagnostics.channel('kumo:supervisor:stopped'),
} as const;
