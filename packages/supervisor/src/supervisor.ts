import cluster, { type Worker } from 'node:cluster';
import { watchParent } from './parent-watch.js';
import { restartDelay, RestartWindow } from './backoff.js';
import { RestartStormError, SupervisorNotPrimaryError } from './errors.js';
import { supervisorEvents } from './events.js';
import { flushLogger } from './logger.js';
import { startMetricsServer, type MetricsServer, type Readiness } from './metrics-server.js';
import { resolveSupervisorOptions, type SupervisorOptions } from './supervisor-options.js';
import { WORKER_SLOT_ENV } from './worker-slot.js';

export interface WorkerInfo {
  slot: number;
  /** Undefined while the slot waits to be restarted. */
  pid: number | undefined;
  /** Restarts of this slot so far. */
  restarts: number;
}

export interface Supervisor {
  readonly name: string;
  /** Resolves with the exit code once every worker is gone: 0 when all exited cleanly, 1 otherwise, 130 when forced. */
  readonly done: Promise<number>;
  /** `http://HOST:PORT/metrics` when `onMetricsRequest` is set, else null. */
  readonly metricsUrl: string | null;
  workers(): WorkerInfo[];
  /** What SIGTERM does: stop restarting, SIGTERM every worker, SIGKILL stragglers. Resolves like `done`. */
  shutdown(reason?: string): Promise<number>;
}

interface Slot {
  slot: number;
  worker: Worker | null;
  startedAt: number;
  /** Consecutive deaths, for the backoff. */
  consecutive: number;
  restarts: number;
  timer: NodeJS.Timeout | null;
}

/** How long `/readyz` waits for the app's own readiness check. */
const READY_CHECK_TIMEOUT_MS = 1000;

/** A worker's exit counts as clean when it exited 0 or died of the signal we sent it. */
function cleanExit(code: number | null, signal: string | null): boolean {
  return code === 0 || signal === 'SIGTERM' || signal === 'SIGINT';
}

/**
 * Runs `processes` workers with node:cluster (so prom-client's AggregatorRegistry can combine their metrics) and
 * keeps them running: a worker that dies is restarted after an exponential backoff per slot; more than
 * `maxRestartsInWindow.count` restarts within the window is a storm, and the supervisor gives up and exits 1.
 * SIGTERM/SIGINT stop restarts, SIGTERM every worker, wait `shutdownTimeoutMs` + margin, then SIGKILL the rest;
 * a second SIGINT kills everything at once. Must be called in the cluster primary.
 */
export async function runSupervisor(options: SupervisorOptions): Promise<Supervisor> {
  if (!cluster.isPrimary) throw new SupervisorNotPrimaryError();
  const opts = resolveSupervisorOptions(options);
  const { name, logger } = opts;
  cluster.setupPrimary({
    ...(opts.workerEntry === undefined ? {} : { exec: opts.workerEntry }),
    args: opts.workerArgs,
    execArgv: opts.execArgv,
  });

  const slots: Slot[] = Array.from({ length: opts.processes }, (_, slot) => ({
    slot,
    worker: null,
    startedAt: 0,
    consecutive: 0,
    restarts: 0,
    timer: null,
  }));
  const window = new RestartWindow(opts.storm.count, opts.storm.windowMs);
  let state: 'running' | 'stopping' | 'stopped' = 'running';
  let failed = false;
  let killTimer: NodeJS.Timeout | null = null;
  let metrics: MetricsServer | null = null;
  let resolveDone!: (code: number) => void;
  const done = new Promise<number>((resolve) => (resolveDone = resolve));

  const fork = (slot: Slot, restart: boolean) => {
    const worker = cluster.fork({ ...opts.env, [WORKER_SLOT_ENV]: String(slot.slot) });
    slot.worker = worker;
    slot.startedAt = Date.now();
    const pid = worker.process.pid;
    supervisorEvents.fork.publish({ name, slot: slot.slot, pid, restart });
    logger.info({ name, slot: slot.slot, pid, restart }, restart ? 'worker re-forked' : 'worker forked');
    // IPC trouble with one worker must not crash the primary; its exit event follows.
    worker.on('error', (error) => logger.warn({ name, slot: slot.slot, pid, err: error }, 'worker IPC error'));
    worker.on('exit', (code, signal) => onExit(slot, worker, code, signal));
  };

  const onExit = (slot: Slot, worker: Worker, code: number | null, signal: string | null) => {
    if (slot.worker === worker) slot.worker = null;
    const pid = worker.process.pid;
    const uptimeMs = Date.now() - slot.startedAt;
    const expected = state !== 'running';
    supervisorEvents.exit.publish({ name, slot: slot.slot, pid, code, signal, uptimeMs, expected });
    if (expected) {
      if (!cleanExit(code, signal)) failed = true;
      logger.info({ name, slot: slot.slot, pid, code, signal }, 'worker exited');
      finishIfIdle();
      return;
    }
    logger.warn({ name, slot: slot.slot, pid, code, signal, uptimeMs }, 'worker died');
    const now = Date.now();
    if (!window.record(now)) {
      const error = new RestartStormError(
        `${name}: more than ${opts.storm.count} worker restarts within ${opts.storm.windowMs} ms; ` +
          'giving up instead of restarting again (see the workers’ own errors above)',
      );
      logger.error(
        { name, code: error.code, restartsInWindow: window.size(now), windowMs: opts.storm.windowMs },
        error.message,
      );
      supervisorEvents.giveUp.publish({ name, restartsInWindow: window.size(now), windowMs: opts.storm.windowMs });
      failed = true;
      beginShutdown('restart storm');
      return;
    }
    if (uptimeMs >= opts.backoff.resetAfterMs) slot.consecutive = 0;
    const delayMs = restartDelay(slot.consecutive, opts.backoff);
    slot.consecutive++;
    slot.restarts++;
    supervisorEvents.restart.publish({
      name,
      slot: slot.slot,
      delayMs,
      attempt: slot.consecutive,
      restartsInWindow: window.size(now),
    });
    logger.info({ name, slot: slot.slot, delayMs, attempt: slot.consecutive }, 'worker restart scheduled');
    slot.timer = setTimeout(() => {
      slot.timer = null;
      if (state === 'running') fork(slot, true);
    }, delayMs);
  };

  const beginShutdown = (reason: string) => {
    if (state !== 'running') return;
    state = 'stopping';
    const live = slots.filter((slot) => slot.worker);
    for (const slot of slots) {
      if (slot.timer) clearTimeout(slot.timer);
      slot.timer = null;
    }
    supervisorEvents.shutdown.publish({ name, reason, workers: live.length });
    logger.info({ name, reason, workers: live.length, timeoutMs: opts.shutdownTimeoutMs }, 'shutting down workers');
    // The signal itself, not worker.kill(): that disconnects IPC first, which a worker may read as "primary gone".
    for (const slot of live) slot.worker?.process.kill('SIGTERM');
    killTimer = setTimeout(() => {
      for (const slot of slots) {
        if (!slot.worker) continue;
        const pid = slot.worker.process.pid;
        supervisorEvents.kill.publish({ name, slot: slot.slot, pid });
        logger.warn({ name, slot: slot.slot, pid }, 'worker did not exit in time; sending SIGKILL');
        failed = true;
        slot.worker.process.kill('SIGKILL');
      }
    }, opts.shutdownTimeoutMs + opts.shutdownMarginMs);
    finishIfIdle();
  };

  const finish = (exitCode: number) => {
    if (state === 'stopped') return;
    state = 'stopped';
    if (killTimer) clearTimeout(killTimer);
    removeSignalHandlers();
    supervisorEvents.stopped.publish({ name, exitCode });
    logger.info({ name, exitCode }, 'supervisor stopped');
    void (metrics?.close() ?? Promise.resolve())
      .then(() => (opts.exitProcess ? flushLogger(logger) : undefined))
      .then(() => {
        resolveDone(exitCode);
        if (opts.exitProcess) process.exit(exitCode);
      });
  };

  const finishIfIdle = () => {
    if (state === 'stopping' && slots.every((slot) => !slot.worker)) finish(failed ? 1 : 0);
  };

  const onSignal = (signal: NodeJS.Signals) => {
    if (state === 'running') {
      logger.info({ name, signal }, 'signal received');
      beginShutdown(signal);
    } else if (state === 'stopping' && signal === 'SIGINT') {
      logger.warn({ name, signal }, 'second SIGINT: killing every worker now');
      for (const slot of slots) slot.worker?.process.kill('SIGKILL');
      finish(130);
    } else {
      logger.info({ name, signal }, 'already shutting down');
    }
  };
  const removeSignalHandlers = () => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    stopWatchingParent();
  };
  if (opts.handleSignals) {
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }
  // The process that started this app (the launcher) is gone: stop as on SIGTERM instead of living on as an orphan.
  const stopWatchingParent = watchParent(() => {
    if (state !== 'running') return;
    logger.warn({ name }, 'parent process exited: shutting down');
    beginShutdown('parent exited');
  });

  /** `/readyz`: running, every slot has a live worker, and the app's own check (Redis) passes within 1 s. */
  const readiness = async (): Promise<Readiness> => {
    if (state !== 'running') return { ready: false, detail: `${name} is shutting down` };
    const waiting = slots.filter((slot) => !slot.worker).map((slot) => slot.slot);
    if (waiting.length > 0) return { ready: false, detail: `${name}: worker slot ${waiting.join(', ')} restarting` };
    if (!opts.onReadyCheck) return { ready: true };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${READY_CHECK_TIMEOUT_MS} ms`)),
        READY_CHECK_TIMEOUT_MS,
      );
    });
    try {
      await Promise.race([opts.onReadyCheck(), timeout]);
      return { ready: true };
    } catch (error) {
      return { ready: false, detail: `${name}: ${error instanceof Error ? error.message : String(error)}` };
    } finally {
      clearTimeout(timer);
    }
  };

  if (opts.onMetricsRequest) {
    try {
      metrics = await startMetricsServer({
        host: opts.metricsHost,
        port: opts.metricsPort,
        onRequest: opts.onMetricsRequest,
        readiness,
        logger,
      });
    } catch (error) {
      removeSignalHandlers();
      throw error;
    }
    logger.info({ name, url: metrics.url }, 'serving metrics');
  }
  logger.info({ name, processes: opts.processes }, 'supervisor starting workers');
  for (const slot of slots) fork(slot, false);

  return {
    name,
    done,
    metricsUrl: metrics?.url ?? null,
    workers: () => slots.map((slot) => ({ slot: slot.slot, pid: slot.worker?.process.pid, restarts: slot.restarts })),
    shutdown: (reason = 'requested') => {
      beginShutdown(reason);
      return done;
    },
  };
}
