// A supervised app for the supervisor's process tests: `node --import tsx supervised-app.ts '<scenario json>'`.
// Every line on stdout is JSON: the primary's log lines and supervisor events, the workers' log lines and marks.
import type { SupervisorLogger } from '../index.js';
import { isSupervisorPrimary, runSupervisor, runWorkerProcess, supervisorEvents, workerSlot } from '../index.js';

export interface Scenario {
  processes?: number;
  /** How workers behave. */
  mode?: 'normal' | 'crash-at-start' | 'ignore-sigterm' | 'hang-on-close' | 'hang-at-start' | 'reject-after-start';
  /** How long the primary waits before it starts supervising (a slow preflight). */
  primaryDelayMs?: number;
  shutdownTimeoutMs?: number;
  shutdownMarginMs?: number;
  workerShutdownTimeoutMs?: number;
  initialMs?: number;
  maxMs?: number;
  stormCount?: number;
  metrics?: boolean;
  /** The primary's readiness check: passes, or rejects with "redis down". */
  readyCheck?: 'pass' | 'fail';
}

const scenario = JSON.parse(process.argv[2] ?? '{}') as Scenario;
const role = isSupervisorPrimary() ? 'primary' : 'worker';
const line = (fields: object) => process.stdout.write(`${JSON.stringify({ role, from: process.pid, ...fields })}\n`);
const log =
  (level: string) =>
  (obj: object, msg?: string): void => {
    const { err, ...rest } = obj as { err?: unknown };
    line({ level, msg, ...rest, ...(err instanceof Error ? { err: err.message } : {}) });
  };
const logger: SupervisorLogger = { info: log('info'), warn: log('warn'), error: log('error') };

if (isSupervisorPrimary()) {
  // Named after the channel (`kumo:supervisor:give-up` → `give-up`).
  for (const channel of Object.values(supervisorEvents)) {
    const event = String(channel.name).split(':')[2];
    channel.subscribe((message) => line({ event, ...(message as object) }));
  }
  if (scenario.primaryDelayMs) await new Promise((resolve) => setTimeout(resolve, scenario.primaryDelayMs));
  await runSupervisor({
    name: 'fixture',
    processes: scenario.processes ?? 2,
    restartBackoff: { initialMs: scenario.initialMs ?? 50, maxMs: scenario.maxMs ?? 200 },
    maxRestartsInWindow: { count: scenario.stormCount ?? 10, windowMs: 60_000 },
    shutdownTimeoutMs: scenario.shutdownTimeoutMs ?? 5_000,
    shutdownMarginMs: scenario.shutdownMarginMs ?? 1_000,
    logger,
    ...(scenario.metrics
      ? { onMetricsRequest: async () => ({ contentType: 'text/plain; version=0.0.4', body: 'fixture_up 1\n' }) }
      : {}),
    ...(scenario.readyCheck
      ? {
          onReadyCheck: () =>
            scenario.readyCheck === 'pass' ? Promise.resolve() : Promise.reject(new Error('redis down')),
        }
      : {}),
  });
} else {
  const slot = workerSlot();
  const mode = scenario.mode ?? 'normal';
  if (mode === 'ignore-sigterm') {
    process.on('SIGTERM', () => line({ mark: 'ignored-sigterm', slot }));
    setInterval(() => undefined, 60_000);
    line({ mark: 'worker-start', slot });
  } else {
    await runWorkerProcess({
      logger,
      shutdownTimeoutMs: scenario.workerShutdownTimeoutMs ?? 5_000,
      start: async () => {
        if (mode === 'crash-at-start') throw new Error('cannot start');
        if (mode === 'hang-at-start') {
          line({ mark: 'worker-starting', slot });
          setInterval(() => undefined, 60_000);
          await new Promise(() => undefined);
        }
        const keepAlive = setInterval(() => undefined, 60_000);
        line({ mark: 'worker-start', slot });
        if (mode === 'reject-after-start') setTimeout(() => void Promise.reject(new Error('lost promise')), 20);
        return {
          close: async () => {
            line({ mark: 'worker-close', slot });
            if (mode === 'hang-on-close') await new Promise(() => undefined);
            clearInterval(keepAlive);
          },
        };
      },
    });
  }
}
