// A kumo app started with extra Node flags (`node <flags> apps/<app>/dist/main.js`): what `startApp` of the test
// helpers cannot do, and what `npm run profile` needs, since Node 20 refuses `--cpu-prof` in NODE_OPTIONS. The
// supervisor forks its workers with the primary's execArgv, so the flags reach every process of the app. Same
// surface as the helpers' AppProcess where the bench uses it: child, lines, waitReady, childPids, stop.
import { spawn } from 'node:child_process';
import { childPidsOf, repoRoot } from './helpers.mjs';

export class NodeApp {
  constructor(app, env, nodeArgs) {
    this.child = spawn(process.execPath, [...nodeArgs, `apps/${app}/dist/main.js`], {
      cwd: repoRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.lines = [];
    this.waiters = new Set();
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
    for (const stream of [this.child.stdout, this.child.stderr]) {
      let pending = '';
      stream.on('data', (chunk) => {
        pending += chunk;
        const parts = pending.split('\n');
        pending = parts.pop() ?? '';
        for (const line of parts.filter((l) => l.trim())) {
          try {
            this.lines.push(JSON.parse(line));
          } catch {
            this.lines.push({ msg: line });
          }
        }
        for (const wake of this.waiters) wake();
      });
    }
  }

  /** Resolves once `count` processes logged `ready`; rejects on timeout or exit. */
  waitReady(count = 1, timeoutMs = 60_000) {
    const ready = () => this.lines.filter((line) => line.msg === 'ready').length >= count;
    return new Promise((resolve, reject) => {
      const done = (error) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        this.child.off('exit', onExit);
        if (error) reject(error);
        else resolve();
      };
      const output = () =>
        this.lines
          .slice(-40)
          .map((l) => JSON.stringify(l))
          .join('\n');
      const timer = setTimeout(() => done(new Error(`not ready after ${timeoutMs} ms:\n${output()}`)), timeoutMs);
      const onExit = () => done(new Error(`exited before ready:\n${output()}`));
      const check = () => ready() && done();
      this.waiters.add(check);
      this.child.once('exit', onExit);
      check();
    });
  }

  childPids() {
    return childPidsOf(this.child.pid ?? -1);
  }

  async stop(signal = 'SIGTERM', timeoutMs = 20_000) {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.exited;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    const result = await this.exited;
    clearTimeout(timer);
    return result;
  }
}
