import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { testEnv, uniquePrefix } from '../helpers/env.js';
import { cpuTicks, startApp, type AppProcess } from '../helpers/processes.js';

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;
const WINDOW_MS = 30_000;
const SETTLE_MS = 10_000;

const redisUrl = inject('redisUrl');
let app: AppProcess;

beforeAll(async () => {
  app = startApp(
    'crawl-worker',
    testEnv({ redisUrl, prefix: uniquePrefix('idle'), overrides: { WORKER_PROCESSES: '2' } }),
  );
  await app.waitReady(2);
});

afterAll(async () => {
  await app?.stop();
});

/** CPU used by `pids` over one window, in percent of one core, and the ticks per process. */
async function measure(pids: number[]): Promise<{ percent: number; ticks: number[] }> {
  const before = pids.map(cpuTicks);
  const started = performance.now();
  await sleep(WINDOW_MS);
  const seconds = (performance.now() - started) / 1000;
  const ticks = pids.map((pid, index) => cpuTicks(pid) - before[index]!);
  return { percent: (ticks.reduce((sum, n) => sum + n, 0) / TICKS_PER_SECOND / seconds) * 100, ticks };
}

describe('an idle crawl-worker (supervisor + 2 workers)', () => {
  it('uses under 1% of one core over 30 s: no timer polls, the workers block on Redis', async ({ annotate }) => {
    await sleep(SETTLE_MS);
    const pids = [app.child.pid!, ...app.childPids()];
    expect(pids).toHaveLength(3);
    // The workers run with WORKER_NODE_FLAGS' default: no V8 memory reducer, one collection 8 s after start instead.
    for (const pid of pids.slice(1)) {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      expect(cmdline).toEqual(expect.arrayContaining(['--no-memory-reducer', '--expose-gc']));
    }
    // Two consecutive windows; each process's quieter one is asserted. The supervisor keeps V8's memory reducer,
    // which runs a full GC at an unpredictable moment after start-up (seen 35-60 s after ready, 0.06-0.3 s of CPU
    // under a loaded CI): a one-off that can land in either window. Anything that polls shows in both windows of its
    // process.
    const windows = [await measure(pids), await measure(pids)];
    await annotate(
      windows
        .map(
          ({ percent, ticks }, i) => `window ${i + 1}: ${percent.toFixed(2)}% of one core (ticks ${ticks.join(', ')})`,
        )
        .join('; '),
    );
    expect(app.childPids().sort(), 'no worker restarted while measuring').toEqual(pids.slice(1).sort());
    const quietestTicks = pids.reduce(
      (sum, _pid, index) => sum + Math.min(...windows.map((window) => window.ticks[index]!)),
      0,
    );
    const seconds = WINDOW_MS / 1000;
    expect((quietestTicks / TICKS_PER_SECOND / seconds) * 100, 'each process in its quieter window').toBeLessThan(1);
    // Even with the one-off GCs, the whole minute stays far from busy.
    expect(Math.max(...windows.map((window) => window.percent))).toBeLessThan(3);
  });
});
