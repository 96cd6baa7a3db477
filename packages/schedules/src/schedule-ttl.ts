import { PURPOSES } from '@kumo/keyspace';

/**
 * The TTL of a schedule's keys: at least the crawl records' (`resultTtlMs`), and at least two intervals plus two
 * sweeps, so neither a run nor the sweep is late to renew it; capped at the `result` purpose's longest TTL (a
 * schedule that runs less often than that lives on the hourly sweep's renewals).
 */
export function scheduleTtlMs(intervalMs: number, settings: { resultTtlMs: number; sweepIntervalMs: number }): number {
  const wanted = Math.max(settings.resultTtlMs, 2 * intervalMs + 2 * settings.sweepIntervalMs);
  return Math.min(wanted, PURPOSES.result.maxTtlMs);
}
