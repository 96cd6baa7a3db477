import type { KumoQueues } from '@kumo/queues';
import { Gauge, type Registry } from '@kumo/observability';

/**
 * `kumo_queue_jobs{queue, state}`: jobs per queue and state, read from BullMQ at scrape time (a few LLEN/ZCARD).
 * Aggregated across API processes with `max`, not `sum`: every process reads the same queues.
 */
export function registerQueueGauges(
  registry: Registry,
  queues: Pick<KumoQueues, 'jobCounts'>,
): Gauge<'queue' | 'state'> {
  return new Gauge({
    name: 'kumo_queue_jobs',
    help: 'Jobs per queue and state',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    aggregator: 'max',
    async collect() {
      const counts = await queues.jobCounts();
      for (const [queue, states] of Object.entries(counts)) {
        for (const [state, value] of Object.entries(states)) this.set({ queue, state }, value);
      }
    },
  });
}
