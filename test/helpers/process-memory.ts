import { readFileSync } from 'node:fs';

/** The pids of `pid`'s children (Linux `/proc/<pid>/task/<tid>/children`); [] once it is gone. */
function childrenOf(pid: number): number[] {
  try {
    const tids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8');
    return tids
      .split(/\s+/)
      .filter((value) => value.length > 0)
      .map(Number);
  } catch {
    return [];
  }
}

/** Resident set size of one process in KiB (`VmRSS`), 0 when it is gone. */
export function rssKiB(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** The RSS of `pid` and all its descendants together (an app's supervisor and the processes it forked), KiB. */
export function descendantsRssKiB(pid: number): number {
  let total = 0;
  const pending = [pid];
  while (pending.length > 0) {
    const current = pending.pop()!;
    total += rssKiB(current);
    pending.push(...childrenOf(current));
  }
  return total;
}
