// What a running system costs doing nothing: CPU of its processes and Redis commands per second over a quiet window.
// A benchmark whose runs differ in length (a polite crawl waits) reads its figures against it.
import { setTimeout as sleep } from 'node:timers/promises';
import { cpuSnapshot, cpuSpent } from './procfs.mjs';
import { info } from './redis.mjs';
import { round } from './stats.mjs';

/** CPU seconds (all `groups`) and Redis commands per second of a system left alone for `ms`. */
export async function idleCost({ groups, client, ms }) {
  await sleep(2000); // the last crawl's stragglers (its root job, the API's stream readers) settle first
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
