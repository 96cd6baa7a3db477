import { readFileSync } from 'node:fs';

/** Resident set size of a process in bytes, from /proc/<pid>/status (VmRSS); 0 when the process is gone. */
export function rssBytes(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

export const MiB = 1024 * 1024;

/** Samples the RSS of the processes `pids()` returns every `intervalMs` until stopped; keeps the peak per pid. */
export function sampleRss(pids: () => number[], intervalMs = 100) {
  const peak = new Map<number, number>();
  const sample = () => {
    let current: number[];
    try {
      current = pids();
    } catch {
      return; // the app is not running right now
    }
    for (const pid of current) peak.set(pid, Math.max(peak.get(pid) ?? 0, rssBytes(pid)));
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    peak,
    /** Stops sampling and returns the highest RSS seen of any process. */
    stop(): number {
      clearInterval(timer);
      sample();
      return Math.max(0, ...peak.values());
    },
  };
}
