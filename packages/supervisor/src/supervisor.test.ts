import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Scenario } from './__fixtures__/supervised-app.js';

const FIXTURE = path.join(import.meta.dirname, '__fixtures__', 'supervised-app.ts');
/** Generous: each process compiles TypeScript through tsx on a shared 2-core machine. Not a timing assertion. */
const WAIT_MS = 45_000;

type Line = Record<string, unknown>;

interface Fixture {
  child: ChildProcess;
  lines: Line[];
  waitFor(predicate: (line: Line) => boolean, what: string): Promise<Line>;
  waitForCount(predicate: (line: Line) => boolean, count: number, what: string): Promise<Line[]>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

const running: ChildProcess[] = [];
afterEach(() => {
  // The supervisor runs in its own process group: a failed test must not leave workers behind.
  for (const child of running.splice(0)) {
    if (child.exitCode === null && child.signalCode === null && child.pid) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
});

function startFixture(scenario: Scenario, { ipc = false } = {}): Fixture {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, JSON.stringify(scenario)], {
    cwd: path.join(import.meta.dirname, '..'),
    stdio: ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  running.push(child);
  const lines: Line[] = [];
  let raw = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  let buffer = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    raw += chunk.toString();
    buffer += chunk.toString();
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      const text = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      try {
        lines.push(JSON.parse(text) as Line);
      } catch {
        lines.push({ text });
      }
    }
    for (const wake of waiters) wake();
  });
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      for (const wake of waiters) wake();
      resolve({ code, signal });
    }),
  );
  const output = () => `stdout:\n${raw}\nstderr:\n${stderr}`;

  const waitForCount = (predicate: (line: Line) => boolean, count: number, what: string) =>
    new Promise<Line[]>((resolve, reject) => {
      const check = () => {
        const found = lines.filter(predicate);
        if (found.length >= count) {
          cleanup();
          resolve(found);
        } else if (child.exitCode !== null || child.signalCode !== null) {
          cleanup();
          reject(new Error(`supervisor exited before ${what}\n${output()}`));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no ${what} within ${WAIT_MS} ms\n${output()}`));
      }, WAIT_MS);
      const cleanup = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  const waitFor = async (predicate: (line: Line) => boolean, what: string) =>
    (await waitForCount(predicate, 1, what))[0] as Line;
  return { child, lines, waitFor, waitForCount, exited, output };
}

const isStart = (line: Line) => line.mark === 'worker-start';
const isEvent = (event: string) => (line: Line) => line.event === event;
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('runSupervisor (real processes)', { timeout: 120_000 }, () => {
  it('forks one worker per slot and replaces a worker killed with SIGKILL', async () => {
    const app = startFixture({ processes: 2 });
    const starts = await app.waitForCount(isStart, 2, 'two workers');
    expect(starts.map((line) => line.slot).sort()).toEqual([0, 1]);
    const victim = starts.find((line) => line.slot === 0) as Line;

    process.kill(victim.from as number, 'SIGKILL');
    const exit = await app.waitFor(isEvent('exit'), 'exit event');
    expect(exit).toMatchObject({ slot: 0, pid: victim.from, signal: 'SIGKILL', expected: false });
    expect(await app.waitFor(isEvent('restart'), 'restart event')).toMatchObject({ slot: 0, attempt: 1 });
    const replacement = await app.waitFor(
      (line) => isStart(line) && line.from !== victim.from && line.slot === 0,
      'new worker',
    );
    expect(replacement.from).not.toBe(victim.from);

    app.child.kill('SIGTERM');
    expect(await app.exited).toEqual({ code: 0, signal: null });
  });

  it('gives up after the restart-storm limit and exits non-zero', async () => {
    const app = startFixture({ processes: 2, mode: 'crash-at-start', stormCount: 3, initialMs: 10, maxMs: 40 });
    const { code } = await app.exited;
    expect(code, app.output()).toBe(1);
    expect(app.lines.filter(isEvent('restart'))).toHaveLength(3);
    const forks = app.lines.filter(isEvent('fork'));
    expect(forks.filter((line) => line.restart === false)).toHaveLength(2);
    // Two slots crash independently: the fourth crash (the storm) may come while the third restart still waits
    // for its backoff, and giving up cancels it. Reaching a fourth crash takes at least two re-forked workers.
    const reforks = forks.filter((line) => line.restart === true).length;
    expect(reforks).toBeGreaterThanOrEqual(2);
    expect(reforks).toBeLessThanOrEqual(3);
    expect(app.lines.filter(isEvent('give-up'))).toHaveLength(1);
    expect(app.lines.find((line) => line.code === 'KUMO_SUPERVISOR_RESTART_STORM')).toMatchObject({
      level: 'error',
      role: 'primary',
    });
    // Each worker said why it died before the supervisor gave up.
    expect(app.lines.some((line) => line.code === 'KUMO_SUPERVISOR_WORKER_CRASHED' && line.role === 'worker')).toBe(
      true,
    );
  });

  it('on SIGTERM closes every worker and exits 0', async () => {
    const app = startFixture({ processes: 2 });
    const starts = await app.waitForCount(isStart, 2, 'two workers');
    app.child.kill('SIGTERM');
    expect(await app.exited).toEqual({ code: 0, signal: null });
    const closes = app.lines.filter((line) => line.mark === 'worker-close');
    expect(closes.map((line) => line.slot).sort()).toEqual([0, 1]);
    const exits = app.lines.filter(isEvent('exit'));
    expect(exits.map((line) => [line.code, line.expected])).toEqual([
      [0, true],
      [0, true],
    ]);
    expect(app.lines.filter(isEvent('restart'))).toHaveLength(0);
    for (const start of starts) expect(alive(start.from as number)).toBe(false);
  });

  it('SIGKILLs a worker that ignores SIGTERM once the timeout has passed, and exits 1', async () => {
    const app = startFixture({ processes: 1, mode: 'ignore-sigterm', shutdownTimeoutMs: 300, shutdownMarginMs: 200 });
    const start = await app.waitFor(isStart, 'worker');
    app.child.kill('SIGTERM');
    expect((await app.exited).code).toBe(1);
    expect(app.lines.some((line) => line.mark === 'ignored-sigterm')).toBe(true);
    expect(app.lines.find(isEvent('kill'))).toMatchObject({ slot: 0, pid: start.from });
    expect(app.lines.find(isEvent('exit'))).toMatchObject({ signal: 'SIGKILL', expected: true });
    expect(alive(start.from as number)).toBe(false);
  });

  it('a worker whose close() hangs exits 1 at its own deadline, before the supervisor has to kill it', async () => {
    const app = startFixture({
      processes: 1,
      mode: 'hang-on-close',
      workerShutdownTimeoutMs: 200,
      shutdownTimeoutMs: 10_000,
    });
    await app.waitFor(isStart, 'worker');
    app.child.kill('SIGTERM');
    expect((await app.exited).code).toBe(1);
    expect(app.lines.find((line) => line.code === 'KUMO_SUPERVISOR_SHUTDOWN_TIMEOUT')).toMatchObject({
      role: 'worker',
    });
    expect(app.lines.find(isEvent('exit'))).toMatchObject({ code: 1, expected: true });
    expect(app.lines.some(isEvent('kill'))).toBe(false);
  });

  it('a worker stopped while its start is still running exits 1 at its deadline, counted from the signal', async () => {
    const app = startFixture({
      processes: 1,
      mode: 'hang-at-start',
      workerShutdownTimeoutMs: 200,
      shutdownTimeoutMs: 10_000,
    });
    await app.waitFor((line) => line.mark === 'worker-starting', 'a worker starting');
    app.child.kill('SIGTERM');
    expect((await app.exited).code).toBe(1);
    expect(app.lines.find((line) => line.code === 'KUMO_SUPERVISOR_SHUTDOWN_TIMEOUT')).toMatchObject({
      role: 'worker',
    });
    expect(app.lines.some(isEvent('kill'))).toBe(false);
  });

  it('shuts down when its parent is gone, even when the parent died before supervision began', async () => {
    const app = startFixture({ processes: 1, primaryDelayMs: 1_000 }, { ipc: true });
    // The parent's end of the channel closes at once: the primary sees it only after its start-up delay.
    app.child.disconnect();
    expect((await app.exited).code).toBe(0);
    expect(app.lines.find(isEvent('shutdown'))).toMatchObject({ reason: 'parent exited' });
  });

  it('a second SIGINT kills every worker at once', async () => {
    const app = startFixture({
      processes: 2,
      mode: 'hang-on-close',
      workerShutdownTimeoutMs: 60_000,
      shutdownTimeoutMs: 60_000,
    });
    const starts = await app.waitForCount(isStart, 2, 'two workers');
    app.child.kill('SIGINT');
    await app.waitForCount((line) => line.mark === 'worker-close', 2, 'both workers closing');
    app.child.kill('SIGINT');
    expect((await app.exited).code).toBe(130);
    expect(app.lines.some((line) => line.msg === 'second SIGINT: killing every worker now')).toBe(true);
    for (const start of starts) {
      await expect.poll(() => alive(start.from as number), { timeout: WAIT_MS }).toBe(false);
    }
  });

  it('logs an unhandled rejection in a worker, which exits 1 and is restarted', async () => {
    const app = startFixture({ processes: 1, mode: 'reject-after-start' });
    const crash = await app.waitFor((line) => line.code === 'KUMO_SUPERVISOR_WORKER_CRASHED', 'crash log');
    expect(crash).toMatchObject({ role: 'worker', level: 'error', err: 'lost promise' });
    expect(await app.waitFor(isEvent('exit'), 'exit event')).toMatchObject({ code: 1, expected: false });
    await app.waitFor(isEvent('restart'), 'restart event');
    app.child.kill('SIGTERM');
    await app.exited;
  });

  it('serves metrics from the primary when onMetricsRequest is set', async () => {
    const app = startFixture({ processes: 1, metrics: true });
    const { url } = await app.waitFor((line) => line.msg === 'serving metrics', 'metrics url');
    const res = await fetch(url as string);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4');
    expect(await res.text()).toBe('fixture_up 1\n');
    expect((await fetch(new URL('/other', url as string))).status).toBe(404);
    app.child.kill('SIGTERM');
    expect((await app.exited).code).toBe(0);
  });

  it('answers /healthz 200 and /readyz 200 while every slot runs and the ready check passes', async () => {
    const app = startFixture({ processes: 2, metrics: true, readyCheck: 'pass' });
    const { url } = await app.waitFor((line) => line.msg === 'serving metrics', 'metrics url');
    await app.waitForCount((line) => line.mark === 'worker-start', 2, 'two workers');
    expect((await fetch(new URL('/healthz', url as string))).status).toBe(200);
    const ready = await fetch(new URL('/readyz', url as string));
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
    app.child.kill('SIGTERM');
    expect((await app.exited).code).toBe(0);
  });

  it('answers /readyz with a 503 problem naming the failed ready check, /healthz still 200', async () => {
    const app = startFixture({ processes: 1, metrics: true, readyCheck: 'fail' });
    const { url } = await app.waitFor((line) => line.msg === 'serving metrics', 'metrics url');
    expect((await fetch(new URL('/healthz', url as string))).status).toBe(200);
    const ready = await fetch(new URL('/readyz', url as string));
    expect(ready.status).toBe(503);
    expect(ready.headers.get('content-type')).toBe('application/problem+json');
    expect(await ready.json()).toEqual({
      type: 'about:blank',
      title: 'Service unavailable',
      status: 503,
      detail: 'fixture: redis down',
      code: 'KUMO_SUPERVISOR_NOT_READY',
    });
    app.child.kill('SIGTERM');
    expect((await app.exited).code).toBe(0);
  });

  it('is not ready while a worker slot waits to be restarted', async () => {
    const app = startFixture({
      processes: 1,
      metrics: true,
      readyCheck: 'pass',
      mode: 'crash-at-start',
      initialMs: 60_000,
      maxMs: 60_000,
    });
    const { url } = await app.waitFor((line) => line.msg === 'serving metrics', 'metrics url');
    await app.waitFor(isEvent('restart'), 'restart scheduled');
    const ready = await fetch(new URL('/readyz', url as string));
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { detail: string }).detail).toBe('fixture: worker slot 0 restarting');
    app.child.kill('SIGTERM');
    await app.exited;
  });
});
