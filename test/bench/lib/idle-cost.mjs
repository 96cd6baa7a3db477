// What a running system costs doing nothing: CPU of its processes and Redis commands per second over a quiet window.
// A benchmark whose runs differ in length (a polite crawl waits) reads its figures against it.
import { setTimeout as sleep } from 'node:timers/promises';
import { IDLE_COLLECT_DELAY_MS } from '@kumo/observability';
import { cpuSnapshot, cpuSpent } from './procfs.mjs';
import { info } from './redis.mjs';
import { round } from './stats.mjs';

/**
 * How long a system takes to become quiet after work: its worker processes collect their garbage once,
 * `IDLE_COLLECT_DELAY_MS` (8 s) after their work ends (decision 0021), and V8's memory reducer starts as late in the
 * API. That collection is part of the work before it, not of what comes next.
 */
export const SETTLE_MS = IDLE_COLLECT_DELAY_MS + 2000;

/** Waits until the work so far has left nothing behind (its last root job, stream readers, deferred collections). */
export function settle() {
  return sleep(SETTLE_MS);
}

/** CPU seconds (all `groups`) and Redis commands per second of a system left alone for `ms`, once settled. */
export async function idleCost({ groups, client, ms }) {
  await settle();
  const commands = async () => Number((await info(client, 'stats')).total_commands_processed);
  const cpuBefore = cpuSnapshot(groups);
  const before = await commands();
  const t0 = performance.now();
  await sleep(ms);
  const after = await commands();
  const cpu = cpuSpent(cpuBefore, cpuSnapshot(groups));
  const seconds = (performance.now() - t0) / 1000;
  return {
    cpuSecondsPerSecond: Object.values(cpu).reduce((a, b) => a + b, 0) / seconds,
    // The first INFO is counted once it has answered.
    commandsPerSecond: (after - before - 1) / seconds,
    byGroup: Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, round((v / seconds) * 1000)])),
  };
}
