#!/usr/bin/env node
// `npm run test:container`: the integration suite against a redis-server running in a Docker container — the path
// our users' CI takes (a `redis` service container), run here too so that it cannot rot unnoticed.
//
// The engine: the one `docker info` answers (DOCKER_HOST or the default socket); failing that, as root, a private
// `dockerd` started for this run and stopped after it (`--bridge=none --iptables=false`: the host's network is left
// alone, containers use host networking), installed with apt-get first when missing. Where no engine can run, the
// suite is skipped with a notice and exit 0; KUMO_REQUIRE_CONTAINER=1 turns that into a failure.
// The image: `redis:7` when the engine has it or can pull it; otherwise one imported offline from this machine's
// own `/usr/bin/redis-server`, its shared libraries and busybox (no registry needed).
// Extra arguments go to vitest (e.g. a file filter).
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@kumo/local-redis';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const log = (message) => process.stdout.write(`test:container: ${message}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const cleanups = [];

function run(command, args, options = {}) {
  return spawnSync(command, args, { encoding: 'utf8', timeout: 120_000, ...options });
}

function docker(args, options = {}) {
  return run('docker', args, options);
}

const engineAnswers = () => docker(['info', '--format', '{{.ServerVersion}}'], { timeout: 15_000 }).status === 0;
const isRoot = () => process.getuid?.() === 0;
const onPath = (command) => run('sh', ['-c', `command -v ${command}`]).status === 0;

/** Starts a private dockerd for this run (root only); sets DOCKER_HOST. Returns false when it cannot. */
async function startPrivateEngine() {
  if (!isRoot()) return false;
  if (!onPath('dockerd') || !onPath('busybox')) {
    if (!onPath('apt-get')) return false;
    log('installing docker.io and busybox-static with apt-get');
    run('sh', ['-c', 'DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io busybox-static >/dev/null'], {
      stdio: 'inherit',
      timeout: 600_000,
    });
    if (!onPath('dockerd')) return false;
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'kumo-dockerd-'));
  const socket = path.join(dir, 'docker.sock');
  const engine = spawn(
    'dockerd',
    [
      '--data-root',
      path.join(dir, 'data'),
      '--exec-root',
      path.join(dir, 'exec'),
      '--pidfile',
      path.join(dir, 'dockerd.pid'),
      '-H',
      `unix://${socket}`,
      '--bridge=none',
      '--iptables=false',
      '--ip6tables=false',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  engine.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  process.env.DOCKER_HOST = `unix://${socket}`;
  cleanups.push(async () => {
    engine.kill('SIGTERM');
    await Promise.race([new Promise((resolve) => engine.once('exit', resolve)), sleep(20_000)]);
    run('umount', [path.join(dir, 'exec', 'netns', 'default')]);
    rmSync(dir, { recursive: true, force: true });
  });
  for (let attempt = 0; attempt < 60; attempt++) {
    if (engine.exitCode !== null) break;
    if (engineAnswers()) return true;
    await sleep(500);
  }
  log(`the private dockerd did not answer:\n${stderr}`);
  return false;
}

/** `/usr/bin/redis-server`, its libraries and busybox as a root filesystem, imported as an image. */
function importLocalImage() {
  const image = 'kumo-test-redis:local';
  if (docker(['image', 'inspect', image]).status === 0) return image;
  const server = '/usr/bin/redis-server';
  if (!existsSync(server)) throw new Error(`no ${server} to build ${image} from (apt-get install redis-server)`);
  const rootfs = mkdtempSync(path.join(tmpdir(), 'kumo-redis-rootfs-'));
  try {
    const libraries = [...run('ldd', [server]).stdout.matchAll(/(\/\S+) \(0x/g)].map((match) => match[1]);
    for (const file of [server, ...libraries, ...(onPath('busybox') ? ['/usr/bin/busybox'] : [])]) {
      const target = path.join(rootfs, file);
      mkdirSync(path.dirname(target), { recursive: true });
      copyFileSync(file, target);
    }
    mkdirSync(path.join(rootfs, 'tmp'));
    mkdirSync(path.join(rootfs, 'data'));
    const tar = spawnSync('tar', ['-C', rootfs, '-c', '.'], { maxBuffer: 1 << 30 });
    const imported = spawnSync('docker', ['import', '-', image], { input: tar.stdout, encoding: 'utf8' });
    if (imported.status !== 0) throw new Error(`docker import failed: ${imported.stderr}`);
  } finally {
    rmSync(rootfs, { recursive: true, force: true });
  }
  return image;
}

/** `redis:7` when present or pullable; the offline image otherwise. Returns the image and its server path. */
function redisImage() {
  if (docker(['image', 'inspect', 'redis:7']).status === 0) return { image: 'redis:7', server: 'redis-server' };
  if (docker(['pull', '-q', 'redis:7'], { timeout: 60_000 }).status === 0) {
    return { image: 'redis:7', server: 'redis-server' };
  }
  log('redis:7 cannot be pulled here: importing an image from this machine’s redis-server');
  return { image: importLocalImage(), server: '/usr/bin/redis-server' };
}

/** Sends one inline command to 127.0.0.1:port and resolves with the reply's text ('' when there is none). */
function redisCommand(port, command) {
  return new Promise((resolve) => {
    let reply = '';
    const socket = createConnection(port, '127.0.0.1');
    socket.setTimeout(2000, () => socket.destroy());
    socket.once('connect', () => socket.end(`${command}\r\nQUIT\r\n`));
    socket.on('data', (data) => (reply += data));
    socket.once('error', () => resolve(''));
    socket.once('close', () => resolve(reply));
  });
}

/** PINGs 127.0.0.1:port until Redis answers PONG. */
async function waitForRedis(port) {
  for (let attempt = 0; attempt < 100; attempt++) {
    const pong = await new Promise((resolve) => {
      const socket = createConnection(port, '127.0.0.1');
      socket.setTimeout(1000, () => socket.destroy());
      socket.once('connect', () => socket.write('PING\r\n'));
      socket.once('data', (data) => {
        socket.destroy();
        resolve(String(data).startsWith('+PONG'));
      });
      socket.once('error', () => resolve(false));
      socket.once('close', () => resolve(false));
    });
    if (pong) return;
    await sleep(200);
  }
  throw new Error(`the containerised Redis on port ${port} never answered PING`);
}

async function main() {
  let privateEngine = false;
  if (!engineAnswers()) {
    privateEngine = await startPrivateEngine();
    if (!privateEngine) {
      const notice = 'no Docker engine answers and none can be started here (needs root, dockerd or apt-get)';
      if (process.env.KUMO_REQUIRE_CONTAINER === '1') throw new Error(notice);
      log(`SKIPPED: ${notice}`);
      return 0;
    }
  }
  log(`engine ${docker(['info', '--format', '{{.ServerVersion}}']).stdout.trim()}${privateEngine ? ' (private)' : ''}`);
  const { image, server } = redisImage();
  const port = await freePort();
  const name = `kumo-test-redis-${process.pid}`;
  // A private engine has no bridge: the container shares the host's network. Elsewhere, publish the port.
  const network = privateEngine ? ['--network', 'host'] : ['-p', `127.0.0.1:${port}:${port}`];
  const started = docker([
    'run',
    '-d',
    '--rm',
    '--name',
    name,
    ...network,
    image,
    server,
    '--port',
    String(port),
    '--bind',
    privateEngine ? '127.0.0.1' : '0.0.0.0',
    '--save',
    '',
    '--appendonly',
    'no',
    '--protected-mode',
    'no',
  ]);
  if (started.status !== 0) throw new Error(`docker run failed: ${started.stderr}`);
  cleanups.push(async () => void docker(['rm', '-f', name]));
  await waitForRedis(port);
  const version = docker(['exec', name, server, '--version']).stdout.trim() || image;
  log(`Redis in container ${name} (${image}; ${version}) on 127.0.0.1:${port}`);

  const vitest = spawn(
    'npx',
    ['vitest', 'run', '--config', 'test/vitest.config.ts', '--project', 'integration', ...process.argv.slice(2)],
    { cwd: root, stdio: 'inherit', env: { ...process.env, REDIS_URL: `redis://127.0.0.1:${port}` } },
  );
  const [code] = await new Promise((resolve) => vitest.once('exit', (...args) => resolve(args)));
  // The container served the run: still running, and its Redis did the work (no silent fallback to another one).
  const alive = docker(['inspect', '--format', '{{.State.Running}}', name]).stdout.trim() === 'true';
  if (!alive) throw new Error(`container ${name} stopped during the run`);
  const processed = Number(/total_commands_processed:(\d+)/.exec(await redisCommand(port, 'INFO stats'))?.[1] ?? 0);
  log(`the containerised Redis processed ${processed} commands`);
  if (processed < 100) throw new Error('the containerised Redis was hardly used: the suite ran against another Redis');
  return code ?? 1;
}

let exitCode = 1;
try {
  exitCode = await main();
} catch (error) {
  log(`FAILED: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
}
process.exit(exitCode);
