// CPU and memory of processes, read from /proc (Linux only, like the rest of the bench).
import { readdirSync, readFileSync } from 'node:fs';
import { childPidsOf } from './helpers.mjs';

const TICKS_PER_SECOND = 100;

/**
 * CPU time a process has used so far, in nanoseconds: all its threads, as `process.cpuUsage()` counts it in the
 * baselines. A Node process's main thread is not all of it: V8 collects garbage and compiles on threads of its own
 * (in a crawl worker 55–77 % as much CPU again as its main thread), and libuv runs file and DNS work on its pool;
 * /proc/<pid>/schedstat is the main thread's alone. Each thread's /proc/<pid>/task/<tid>/schedstat has nanosecond
 * resolution (an idle process uses a few ms a minute, below the 10 ms tick of /proc/<pid>/stat); a thread that has
 * exited is no longer listed (Node's threads live as long as the process). The tick count is the fallback.
 */
export function cpuNs(pid) {
  let total = 0;
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        total += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      } catch {
        // the thread exited meanwhile
      }
    }
  } catch {
    // no such process, or no task list: the tick count decides (and throws for a process that is gone)
  }
  if (Number.isFinite(total) && total > 0) return total;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND) * 1e9;
}

/** Resident set size in bytes, from /proc/<pid>/status. */
export function rssBytes(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return match ? Number(match[1]) * 1024 : Number.NaN;
}

/** The command line of a process, for labels. */
export function commandOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    return '';
  }
}

/** `pid` and every process below it. */
export function processTree(pid) {
  const all = [pid];
  for (let i = 0; i < all.length; i++) all.push(...childPidsOf(all[i]));
  return all;
}

/** Whether a process is still there. */
export function alive(pid) {
  try {
    readFileSync(`/proc/${pid}/stat`);
    return true;
  } catch {
    return false;
  }
}

/**
 * CPU seconds used so far by each group of processes (`{ label: pids }`); processes that are gone count 0. Take two
 * snapshots and subtract (`cpuSpent`) to see where a run's CPU went.
 */
export function cpuSnapshot(groups) {
  const out = {};
  for (const [label, pids] of Object.entries(groups)) {
    out[label] = pids.reduce((sum, pid) => {
      try {
        return sum + cpuNs(pid) / 1e9;
      } catch {
        return sum;
      }
    }, 0);
  }
  return out;
}

/** CPU seconds per group between two snapshots. */
export function cpuSpent(before, after) {
  return Object.fromEntries(Object.keys(after).map((label) => [label, after[label] - (before[label] ?? 0)]));
}

/** Machine-wide CPU jiffies from /proc/stat: busy (everything but idle and iowait), steal, and total. */
export function machineCpu() {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, idle, iowait, irq, softirq, steal = 0] = fields;
  const total = user + nice + system + idle + iowait + irq + softirq + steal;
  return { busy: user + nice + system + irq + softirq, steal, total };
}

/**
 * Cores busy on the whole machine between two machineCpu() readings (every process, ours and everyone else's), and
 * cores stolen by the hypervisor: the context a figure was measured in.
 */
export function machineLoad(before, after, cores) {
  const total = after.total - before.total;
  if (total <= 0) return { busyCores: Number.NaN, stealCores: Number.NaN };
  return {
    busyCores: ((after.busy - before.busy) / total) * cores,
    stealCores: ((after.steal - before.steal) / total) * cores,
  };
}
