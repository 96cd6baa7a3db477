import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export type AppName = 'api' | 'crawl-worker' | 'analysis-worker' | 'launcher' | 'cli';

/** A kumo app running as a real child process (`node apps/<app>/dist/main.js`), with its log lines captured. */
export class AppProcess {
  readonly child: ChildProcess;
  /** Parsed JSON log lines (and `{ msg: <raw line> }` for anything else), stdout and stderr together. */
  readonly lines: Record<string, unknown>[] = [];
  readonly #waiters = new Set<() => void>();
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(app: AppName, env: Record<string, string>, args: string[] = [], options: StartAppOptions = {}) {
    this.child = spawn(process.execPath, [...(options.nodeArgs ?? []), `apps/${app}/dist/main.js`, ...args], {
      cwd: repoRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [this.child.stdout, this.child.stderr]) {
      let pending = '';
      stream?.on('data', (chunk: Buffer) => {
        pending += chunk.toString();
        const parts = pending.split('\n');
        pending = parts.pop() ?? '';
        for (const line of parts) if (line.trim()) this.#push(line);
      });
    }
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  #push(line: string) {
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(line) as Record<string, unknown>;
    } catch {
      parsed = { msg: line };
    }
    this.lines.push(parsed);
    for (const wake of this.#waiters) wake();
  }

  /** All captured output as text (for error messages and greps). */
  get output(): string {
    return this.lines.map((line) => JSON.stringify(line)).join('\n');
  }

  /** Resolves when `count` log lines match; rejects on timeout or if the process exits first. */
  async waitForLog(match: (line: Record<string, unknown>) => boolean, { count = 1, timeoutMs = 30_000 } = {}) {
    const found = () => this.lines.filter(match);
    if (found().length >= count) return found();
    return new Promise<Record<string, unknown>[]>((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out waiting for ${count} matching log line(s); output:\n${this.output.slice(-4000)}`));
      }, timeoutMs);
      const onExit = () => {
        cleanup();
        reject(new Error(`process exited before the expected log line; output:\n${this.output.slice(-4000)}`));
      };
      const wake = () => {
        if (found().length >= count) {
          cleanup();
          resolve(found());
        }
      };
      const cleanup = () => {
        clearTimeout(timer);
        this.#waiters.delete(wake);
        this.child.removeListener('exit', onExit);
      };
      this.#waiters.add(wake);
      this.child.once('exit', onExit);
    });
  }

  /** Waits for `count` processes of the app to log `ready`. */
  waitReady(count = 1, timeoutMs = 60_000) {
    return this.waitForLog((line) => line.msg === 'ready', { count, timeoutMs });
  }

  /** The app's own process id (a supervisor's, for worker apps). */
  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** PIDs of this process's children (a supervisor's workers), read from /proc. */
  childPids(): number[] {
    return childPidsOf(this.child.pid ?? -1);
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 20_000) {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.exited;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    const result = await this.exited;
    clearTimeout(timer);
    return result;
  }
}

/** How an app's process is started beyond its environment and arguments. */
export interface StartAppOptions {
  /**
   * Node flags before the entry point (`--cpu-prof` for `npm run profile`: Node 20 refuses it in NODE_OPTIONS).
   * The supervisor forks its workers with the primary's execArgv, so the flags reach every process of the app.
   */
  nodeArgs?: string[];
}

export function startApp(
  app: AppName,
  env: Record<string, string>,
  args: string[] = [],
  options: StartAppOptions = {},
): AppProcess {
  return new AppProcess(app, env, args, options);
}

/**
 * SIGKILL of an app's whole process tree in the same instant (the app's process and every child of it), as when
 * its host dies: nothing runs a shutdown hook. Resolves with the killed pids once none of them is left.
 */
export async function killTree(app: AppProcess): Promise<number[]> {
  const pids = [...app.childPids(), app.pid].filter((pid) => pid > 0);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // it ended on its own meanwhile
    }
  }
  await app.exited;
  for (let round = 0; round < 200 && pids.some(isAlive); round++) await sleep(50);
  const survivors = pids.filter(isAlive);
  if (survivors.length > 0) throw new Error(`processes survived SIGKILL: ${survivors.join(', ')}`);
  return pids;
}

/** True while `pid` exists (signal 0 only checks). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Direct children of `pid`, from /proc/<pid>/stat. */
export function childPidsOf(pid: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === pid) pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

/** CPU time (user + system, in clock ticks of 1/100 s) a process has used so far, from /proc/<pid>/stat. */
export function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}
