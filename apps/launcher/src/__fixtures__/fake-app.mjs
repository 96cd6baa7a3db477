/* eslint-disable no-restricted-properties -- a test fixture standing in for an app: it reports the environment it was given. */
// A stand-in for a kumo app in the launcher's tests. Its behaviour comes from FAKE_MODE_<APP> (app name upper-cased,
// dashes as underscores); it logs JSON lines like the real apps, and reports the environment it was given.
import { spawn } from 'node:child_process';
import path from 'node:path';

const app = path.basename(path.resolve(path.dirname(process.argv[1]), '..'));
const mode = process.env[`FAKE_MODE_${app.toUpperCase().replaceAll('-', '_')}`] ?? 'ready';
const log = (msg, extra = {}) =>
  process.stdout.write(
    `${JSON.stringify({ level: 30, time: Date.now(), pid: process.pid, name: app, msg, ...extra })}\n`,
  );
const env = Object.fromEntries(
  ['API_KEYS', 'BOARD_USER', 'BOARD_PASSWORD', 'CRAWL_ALLOW_HOSTS', 'LOG_FORMAT', 'REDIS_URL', 'KUMO_PREFIX'].map(
    (name) => [name, process.env[name]],
  ),
);

if (mode === 'exit-early') {
  process.stderr.write('boom: cannot start\n');
  process.exit(3);
}
const keepAlive = setInterval(() => {}, 1000);
// Signal handlers first: a SIGTERM right after `ready` must find them in place.
if (mode === 'ignore-term') {
  process.on('SIGTERM', () => log('ignoring SIGTERM'));
  // A worker of its own that only a kill of the whole process group ends.
  const worker = spawn(process.execPath, ['-e', 'process.on("SIGTERM", () => {}); setInterval(() => {}, 1000)'], {
    stdio: 'ignore',
  });
  log('worker', { workerPid: worker.pid });
} else {
  process.on('SIGTERM', () => {
    log('stopping');
    clearInterval(keepAlive);
    process.exit(0);
  });
}
if (mode !== 'never-ready') log('ready', { env });
if (mode === 'die-after-ready') setTimeout(() => process.exit(4), 300);
