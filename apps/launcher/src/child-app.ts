import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { AppExitedError, AppNotBuiltError, AppStartTimeoutError } from './errors.js';

export interface ChildAppOptions {
  /** The app's name, shown in its log lines. Required. */
  name: string;
  /** Its entry point (`apps/<app>/dist/main.js`). Required. */
  entry: string;
  /** Its complete environment. Required. */
  env: Record<string, string>;
  /** Working directory. Required. */
  cwd: string;
  /** Receives every output line; returns it parsed when it was a JSON log line. Required. */
  onLine: (name: string, raw: string, fromStderr: boolean) => Record<string, unknown> | undefined;
}

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * One kumo app as a child process (`node <entry>`). It runs in its own process group, so Ctrl-C on the terminal
 * reaches only the launcher, which then stops the apps in order; and so that after the app's own supervisor has
 * exited, anything it left behind can be killed with the group. The launcher never restarts an app: each app's
 * supervisor restarts its own workers, and an app that exits has given up.
 */
export class ChildApp {
  readonly name: string;
  readonly child: ChildProcess;
  readonly exited: Promise<ChildExit>;
  #ready = false;
  readonly #readyWaiters = new Set<() => void>();
  #stopping = false;

  constructor(options: ChildAppOptions) {
    if (!existsSync(options.entry)) throw new AppNotBuiltError(options.name, options.entry);
    this.name = options.name;
    this.child = spawn(process.execPath, [options.entry], {
      cwd: options.cwd,
      env: options.env,
      // The IPC channel is the app's lifeline: it closes when the launcher dies (SIGKILL included), and the app's
      // supervisor then shuts down (`watchParent`) instead of running on as an orphan.
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      detached: true,
    });
    this.exited = once(this.child, 'exit').then(([code, signal]) => ({
      code: code as number | null,
      signal: signal as NodeJS.Signals | null,
    }));
    // A spawn failure (ENOENT, EACCES) also ends in 'exit'; keep the 'error' event from crashing the launcher.
    this.child.on('error', () => {});
    for (const [stream, fromStderr] of [
      [this.child.stdout, false],
      [this.child.stderr, true],
    ] as const) {
      let pending = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        pending += chunk;
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) this.#line(options, line, fromStderr);
      });
      stream?.on('end', () => {
        if (pending) this.#line(options, pending, fromStderr);
        pending = '';
      });
    }
  }

  /** True from the first `ready` log line on. */
  get ready(): boolean {
    return this.#ready;
  }

  /** True once stop() was called: an exit from then on is expected. */
  get stopping(): boolean {
    return this.#stopping;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  #line(options: ChildAppOptions, raw: string, fromStderr: boolean): void {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (!line.trim()) return;
    const parsed = options.onLine(this.name, line, fromStderr);
    if (parsed?.msg === 'ready' && !this.#ready) {
      this.#ready = true;
      for (const wake of this.#readyWaiters) wake();
    }
  }

  /**
   * Resolves at the app's first `ready` line: its API answers or its workers take jobs (an app with several
   * processes logs one per process; the first means it is serving). Rejects when it exits first or times out.
   */
  async waitReady(timeoutMs: number): Promise<void> {
    if (this.#ready) return;
    let timer: NodeJS.Timeout | undefined;
    let wake: (() => void) | undefined;
    try {
      await Promise.race([
        new Promise<void>((resolve) => {
          wake = resolve;
          this.#readyWaiters.add(resolve);
        }),
        this.exited.then(({ code, signal }) => {
          throw new AppExitedError(this.name, code, signal, 'starting');
        }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new AppStartTimeoutError(this.name, timeoutMs)), timeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
      if (wake) this.#readyWaiters.delete(wake);
    }
  }

  /**
   * SIGTERM to the app (its supervisor forwards it to its workers and waits for them), SIGKILL to its whole process
   * group after `graceMs`; and once it has exited, SIGKILL to whatever is left of the group.
   */
  async stop(graceMs: number): Promise<ChildExit> {
    this.#stopping = true;
    if (this.running) {
      this.#signal('SIGTERM', false);
      const timer = setTimeout(() => this.#signal('SIGKILL', true), graceMs);
      try {
        await this.exited;
      } finally {
        clearTimeout(timer);
      }
    }
    this.#signal('SIGKILL', true);
    return this.exited;
  }

  /** SIGKILL to the whole process group now (the launcher is exiting without a graceful stop). */
  kill(): void {
    this.#stopping = true;
    this.#signal('SIGKILL', true);
  }

  #signal(signal: NodeJS.Signals, group: boolean): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    try {
      process.kill(group ? -pid : pid, signal);
    } catch {
      // ESRCH: already gone.
    }
  }
}
