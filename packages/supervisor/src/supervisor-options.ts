import { existsSync } from 'node:fs';
import { SupervisorOptionError } from './errors.js';
import type { SupervisorLogger } from './logger.js';
import type { MetricsResponse } from './metrics-server.js';

export interface SupervisorOptions {
  /** Name of the supervised app in logs and events (e.g. `crawl-worker`). Required. */
  name: string;
  /** Worker processes to keep running (usually the number of cores). Required, 1–1024. */
  processes: number;
  /**
   * Script every worker runs. Default: this process's own script (`process.argv[1]`), which takes the worker
   * branch there (`isSupervisorPrimary()` is false in a worker).
   */
  workerEntry?: string;
  /** Arguments of the worker script. Default: this process's (`process.argv.slice(2)`). */
  workerArgs?: string[];
  /** Node flags of the workers. Default: this process's (`process.execArgv`), so `--import tsx` carries over. */
  execArgv?: string[];
  /** Environment added for every worker on top of this process's. Default `{}`. */
  env?: Record<string, string>;
  /**
   * Delay before restarting a slot whose worker died: `initialMs · 2^n` for the n-th consecutive death, capped
   * at `maxMs`; n goes back to 0 when the dead worker had been up for `resetAfterMs`.
   * Default `{ initialMs: 500, maxMs: 30_000, resetAfterMs: 10_000 }`.
   */
  restartBackoff?: { initialMs?: number; maxMs?: number; resetAfterMs?: number };
  /**
   * Restart-storm limit, over all slots: more than `count` restarts within `windowMs` and the supervisor gives
   * up, shuts down and exits 1. Default `{ count: 10, windowMs: 60_000 }`.
   */
  maxRestartsInWindow?: { count?: number; windowMs?: number };
  /** How long workers get to exit after SIGTERM (give workers the same value). Default `10_000`. */
  shutdownTimeoutMs?: number;
  /** Extra wait after `shutdownTimeoutMs` before stragglers get SIGKILL. Default `2_000`. */
  shutdownMarginMs?: number;
  /** Where the supervisor logs forks, exits, restarts and shutdown. Required. */
  logger: SupervisorLogger;
  /** When set, the primary serves `GET /metrics` with what it returns. Default: no metrics endpoint. */
  onMetricsRequest?: () => Promise<MetricsResponse>;
  /**
   * What `GET /readyz` checks beyond "every worker slot has a live process" (e.g. a Redis PING with the app's
   * configuration); a rejection, or no answer within 1 s, is a 503 naming the error. Default: nothing more.
   */
  onReadyCheck?: () => Promise<void>;
  /** Port of the metrics endpoint; `0` picks a free one (see `Supervisor.metricsUrl`). Default `0`. */
  metricsPort?: number;
  /** Interface of the metrics endpoint. Default `127.0.0.1`. */
  metricsHost?: string;
  /** Handle SIGTERM/SIGINT (shut down; a second SIGINT kills everything at once). Default `true`. */
  handleSignals?: boolean;
  /** Call `process.exit` with the exit code once stopped. Default `true`. */
  exitProcess?: boolean;
}

export interface ResolvedSupervisorOptions {
  name: string;
  processes: number;
  workerEntry: string | undefined;
  workerArgs: string[];
  execArgv: string[];
  env: Record<string, string>;
  backoff: { initialMs: number; maxMs: number; resetAfterMs: number };
  storm: { count: number; windowMs: number };
  shutdownTimeoutMs: number;
  shutdownMarginMs: number;
  logger: SupervisorLogger;
  onMetricsRequest: (() => Promise<MetricsResponse>) | undefined;
  onReadyCheck: (() => Promise<void>) | undefined;
  metricsPort: number;
  metricsHost: string;
  handleSignals: boolean;
  exitProcess: boolean;
}

function integer(name: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `from ${min} to ${max}`;
    throw new SupervisorOptionError(`${name} must be an integer ${range} (got ${String(value)})`);
  }
  return value;
}

/** Validates the options and fills in defaults; fails fast with a sentence naming the option. */
export function resolveSupervisorOptions(options: SupervisorOptions): ResolvedSupervisorOptions {
  if (typeof options.name !== 'string' || options.name.length === 0) {
    throw new SupervisorOptionError('name must be a non-empty string');
  }
  const logger = options.logger as SupervisorLogger | undefined;
  if (
    !logger ||
    typeof logger.info !== 'function' ||
    typeof logger.warn !== 'function' ||
    typeof logger.error !== 'function'
  ) {
    throw new SupervisorOptionError('logger must have info, warn and error methods');
  }
  if (options.workerEntry !== undefined && !existsSync(options.workerEntry)) {
    throw new SupervisorOptionError(`workerEntry ${options.workerEntry} does not exist`);
  }
  const backoff = {
    initialMs: integer('restartBackoff.initialMs', options.restartBackoff?.initialMs ?? 500, 0),
    maxMs: integer('restartBackoff.maxMs', options.restartBackoff?.maxMs ?? 30_000, 0),
    resetAfterMs: integer('restartBackoff.resetAfterMs', options.restartBackoff?.resetAfterMs ?? 10_000, 0),
  };
  if (backoff.maxMs < backoff.initialMs) {
    throw new SupervisorOptionError('restartBackoff.maxMs must not be smaller than restartBackoff.initialMs');
  }
  return {
    name: options.name,
    processes: integer('processes', options.processes, 1, 1024),
    workerEntry: options.workerEntry,
    workerArgs: options.workerArgs ?? process.argv.slice(2),
    execArgv: options.execArgv ?? process.execArgv,
    env: options.env ?? {},
    backoff,
    storm: {
      count: integer('maxRestartsInWindow.count', options.maxRestartsInWindow?.count ?? 10, 0),
      windowMs: integer('maxRestartsInWindow.windowMs', options.maxRestartsInWindow?.windowMs ?? 60_000, 1),
    },
    shutdownTimeoutMs: integer('shutdownTimeoutMs', options.shutdownTimeoutMs ?? 10_000, 0),
    shutdownMarginMs: integer('shutdownMarginMs', options.shutdownMarginMs ?? 2_000, 0),
    logger,
    onMetricsRequest: options.onMetricsRequest,
    onReadyCheck: options.onReadyCheck,
    metricsPort: integer('metricsPort', options.metricsPort ?? 0, 0, 65_535),
    metricsHost: options.metricsHost ?? '127.0.0.1',
    handleSignals: options.handleSignals ?? true,
    exitProcess: options.exitProcess ?? true,
  };
}
