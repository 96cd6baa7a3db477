import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

// The flake of the "SIGKILLed launcher" test (issue 21, point 2): an app's stdout is a pipe to the launcher, so
// once the launcher is dead every write fails with EPIPE. An app primary that then logged "shutting down" and
// called process.exit() with lines still buffered never exited: pino flushes its destination synchronously on exit,
// and sonic-boom 4 retried every failed write forever (EPIPE included, 100 ms apart). sonic-boom 5 (pinned by an
// override in the root package.json) gives up on an error that a retry cannot fix.
it('a process logging through createLogger exits although the reader of its stdout is gone (no endless EPIPE retry)', async () => {
  const script = `
    import { createLogger } from '@kumo/observability';
    const log = createLogger({ name: 'broken-pipe', format: 'json' });
    process.stdin.once('data', () => {
      for (let i = 0; i < 2000; i++) log.info({ i }, 'a line nobody reads');
      process.exit(0);
    });
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  const exited = once(child, 'exit');
  // The reader goes away first (as the SIGKILLed launcher does), then the child logs and exits at once.
  child.stdout.destroy();
  child.stdin.write('go\n');
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const [, signal] = (await exited) as [number | null, NodeJS.Signals | null];
  clearTimeout(killer);
  expect(signal, 'the child hung in its exit flush and had to be killed').toBeNull();
}, 30_000);
