import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { childPidsOf, repoRoot } from './processes.js';

/** What a finished command printed and how it ended. */
export interface CommandResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command to its end with stdout and stderr kept apart (AppProcess mixes them, which multi-line output such as
 * `kumo keys audit --json` cannot afford). Killed with SIGKILL after `timeoutMs`, so a hung command fails its test.
 */
export function runCommand(
  command: string,
  args: readonly string[],
  options: { env: Record<string, string>; cwd?: string; timeoutMs?: number },
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? repoRoot,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Runs the built `kumo` CLI (`node apps/cli/dist/main.js …`). */
export function runKumo(
  args: readonly string[],
  env: Record<string, string>,
  timeoutMs?: number,
): Promise<CommandResult> {
  return runCommand(process.execPath, ['apps/cli/dist/main.js', ...args], { env, ...(timeoutMs ? { timeoutMs } : {}) });
}

/** Runs a shell command line (e.g. one copied from the launcher's banner) with `sh -c`. */
export function runShell(line: string, env: Record<string, string>, timeoutMs?: number): Promise<CommandResult> {
  return runCommand('sh', ['-c', line], { env, ...(timeoutMs ? { timeoutMs } : {}) });
}

/** Every descendant of `pid` (children, their children, …), read from /proc. */
export function descendantPids(pid: number): number[] {
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of childPidsOf(queue.shift() as number)) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** A process's start time (field 22 of /proc/<pid>/stat, clock ticks since boot); undefined when gone or a zombie. */
function startTimeOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[0] === 'Z' ? undefined : fields[19];
  } catch {
    return undefined;
  }
}

/**
 * Follows these processes by pid and start time, and returns a function listing those still running: a pid the
 * kernel gives to a new process after one of them exited (pids wrap at pid_max, 32768 on our machines, often within
 * one test run) is not mistaken for it.
 */
export function trackProcesses(pids: readonly number[]): () => number[] {
  const started = new Map(pids.map((pid) => [pid, startTimeOf(pid)]));
  return () => pids.filter((pid) => started.get(pid) !== undefined && startTimeOf(pid) === started.get(pid));
}

/** Whether a process runs; a zombie (killed, waiting for its reaper) does not. */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
