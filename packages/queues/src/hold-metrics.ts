import { onDiagnostics, type AppMetrics } from '@kumo/observability';
import type { HoldEvent } from './job-hold.js';
import type { WorkerLogger } from './worker.js';

/**
 * Makes holds through a Redis that refuses writes (`kumo:queues:hold`, see `holdWhileRedisRefuses`) observable:
 * `kumo_redis_holds_total{phase}` counts refusals waited out (`waiting`), writes that went through after waiting
 * (`recovered`) and holds that ran out (`gave-up`); each refusal is also a warning (the logger's flood limit keeps a
 * long outage to a few lines). Returns the function that unsubscribes.
 */
export function bridgeHoldMetrics(metrics: Pick<AppMetrics, 'counter'>, logger?: WorkerLogger): () => void {
  const holds = metrics.counter('kumo_redis_holds_total', 'Job writes Redis refused and that were held, by phase', [
    'phase',
  ]);
  return onDiagnostics<HoldEvent>('kumo:queues:hold', (event) => {
    holds.inc({ phase: event.phase });
    if (event.phase === 'recovered') return;
    const message =
      event.phase === 'waiting'
        ? 'Redis refused a write: the job holds and tries again'
        : 'Redis refused a write for longer than the hold';
    logger?.warn(
      { err: event.error, operation: event.operation, tries: event.tries, heldMs: Math.round(event.heldMs) },
      message,
    );
  });
}
