#!/usr/bin/env node
// Soak test (not in CI): crawls in a loop against the real apps and reports worker RSS over time.
//
//   node test/resilience/soak.mjs [--minutes 10] [--interval 10] [--pages 60] [--processes 1]
//
// Starts a redis-server of its own (temp dir), the API, the crawl-worker and the analysis-worker (built:
// apps/*/dist), and a new generated site per crawl (fresh text, so the analysis cache does not make later crawls
// free). Every `--interval` seconds it samples the RSS of every kumo process (/proc/<pid>/status VmRSS) and prints a
// row; at the end, a summary per app and a verdict: RSS plateaus when the mean of the last third of the samples is
// within 10% (or 25 MiB) of the mean of the middle third, for every app. Exit code 0 on a plateau, 1 otherwise.
// Short retention (RESULT_TTL_S=60 and friends) keeps Redis from growing, as in production with its longer TTLs.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { freePort, startEmbeddedRedis } from '@kumo/local-redis';
import { generateSite, startSiteServer } from '@kumo/sample-site';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    interval: { type: 'string', default: '10' },
    pages: { type: 'string', default: '60' },
    processes: { type: 'string', default: '1' },
  },
});
const minutes = Number(values.minutes);
const intervalMs = Number(values.interval) * 1000;
const pagesPerSite = Number(values.pages);
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const MiB = 1024 * 1024;
const out = (line = '') => process.stdout.write(`${line}\n`);

/** RSS in bytes from /proc/<pid>/status; 0 when gone. */
function rss(pid) {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Direct children of a pid (a supervisor's workers). */
function childrenOf(pid) {
  const pids = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) pids.push(Number(entry));
    } catch {
      // gone while we looked
    }
  }
  return pids;
}

/** Starts `node apps/<app>/dist/main.js` and resolves once `count` processes logged `ready`. */
function startApp(app, env, count) {
  const child = spawn(process.execPath, [`apps/${app}/dist/main.js`], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const errors = [];
  const ready = new Promise((resolve, reject) => {
    let seen = 0;
    let pending = '';
    const onData = (chunk) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        let parsed;
        try {
          parsed = JSON.parse(line);
        } catch {
          continue;
        }
        if (parsed.level >= 50 && errors.length < 20) errors.push(parsed.msg);
        if (parsed.msg === 'ready' && ++seen === count) resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${app} exited with ${code} before it was ready`)));
  });
  return { app, child, ready, errors };
}

async function api(base, key, route, init = {}) {
  const response = await fetch(`${base}${route}`, {
    ...init,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...init.headers },
  });
  const body = await response.json();
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${route}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

const mean = (xs) => xs.reduce((sum, x) => sum + x, 0) / Math.max(1, xs.length);
/** Least-squares slope of ys over xs. */
function slope(xs, ys) {
  const mx = mean(xs);
  const my = mean(ys);
  const num = xs.reduce((sum, x, i) => sum + (x - mx) * (ys[i] - my), 0);
  const den = xs.reduce((sum, x) => sum + (x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

const dir = mkdtempSync(path.join(tmpdir(), 'kumo-soak-'));
const redis = await startEmbeddedRedis({ dir });
const port = await freePort();
const key = `kumo_soak_${randomBytes(12).toString('hex')}`;
const env = {
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? '/tmp',
  NODE_ENV: 'test',
  LOG_FORMAT: 'json',
  LOG_LEVEL: 'info', // 'ready' is an info line
  REDIS_URL: redis.url,
  KUMO_PREFIX: 'soak',
  API_PORT: String(port),
  API_KEYS: key,
  API_PROCESSES: '1',
  API_RATE_LIMIT_PER_MINUTE: '1000000',
  WORKER_PROCESSES: values.processes,
  CRAWL_ALLOW_HOSTS: '127.0.0.1',
  CRAWL_HOST_DELAY_MS: '0',
  CRAWL_HOST_CONCURRENCY: '16',
  CRAWL_WORKER_METRICS_PORT: '0',
  ANALYSIS_WORKER_METRICS_PORT: '0',
  RESULT_TTL_S: '60',
  TMP_TTL_S: '10',
  CACHE_TTL_S: '10',
  ROBOTS_CACHE_TTL_S: '10',
  QUEUE_KEEP_COMPLETED_S: '60',
  QUEUE_KEEP_FAILED_S: '60',
};
const apps = [
  startApp('api', env, 1),
  startApp('crawl-worker', env, Number(values.processes)),
  startApp('analysis-worker', env, Number(values.processes)),
];
let site;
const stopAll = async () => {
  for (const { child } of apps) if (child.exitCode === null) child.kill('SIGTERM');
  await Promise.all(
    apps.map(({ child }) => (child.exitCode === null ? new Promise((r) => child.once('exit', r)) : null)),
  );
  await site?.close();
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
};
process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));

try {
  await Promise.all(apps.map((app) => app.ready));
  const base = `http://127.0.0.1:${port}`;
  const groups = apps.map(({ app, child }) => ({ app, pid: child.pid }));
  const samples = []; // { t, crawls, pages, rss: { [app]: bytes of its children }, supervisors, redis }
  let crawls = 0;
  let pages = 0;
  let failures = 0;
  const started = Date.now();
  const deadline = started + minutes * 60_000;

  const header = ['min', 'crawls', 'pages', ...groups.map((g) => `${g.app} MiB`), 'supervisors MiB', 'redis MiB'];
  out(`soak: ${minutes} min, a sample every ${intervalMs / 1000} s, ${pagesPerSite} pages per crawl`);
  out(header.map((h) => h.padStart(h.length > 8 ? h.length : 8)).join(' '));
  const sample = () => {
    const row = {
      t: (Date.now() - started) / 60_000,
      crawls,
      pages,
      rss: Object.fromEntries(groups.map((g) => [g.app, childrenOf(g.pid).reduce((sum, pid) => sum + rss(pid), 0)])),
      supervisors: groups.reduce((sum, g) => sum + rss(g.pid), 0),
      redis: redis.pid ? rss(redis.pid) : 0,
    };
    samples.push(row);
    const cells = [row.t.toFixed(1), String(crawls), String(pages)];
    cells.push(...groups.map((g) => (row.rss[g.app] / MiB).toFixed(0)), (row.supervisors / MiB).toFixed(0));
    cells.push((row.redis / MiB).toFixed(0));
    out(cells.map((cell, i) => cell.padStart(Math.max(8, header[i].length))).join(' '));
  };
  sample();
  const timer = setInterval(sample, intervalMs);

  for (let iteration = 0; Date.now() < deadline; iteration++) {
    await site?.close();
    const generated = generateSite({ pages: pagesPerSite, seed: `soak-${iteration}`, bytesPerPage: 4000 });
    site = await startSiteServer({ site: generated });
    const { id } = await api(base, key, '/v1/crawls', {
      method: 'POST',
      body: JSON.stringify({ urls: [`${site.url}/index.html`], maxDepth: 10, maxPages: 1000 }),
    });
    for (;;) {
      const crawl = await api(base, key, `/v1/crawls/${id}`);
      if (['completed', 'failed', 'cancelled'].includes(crawl.status)) {
        crawls += 1;
        pages += crawl.counts.fetched + crawl.counts.failed + crawl.counts.skipped;
        if (crawl.status !== 'completed') failures += 1;
        break;
      }
      await sleep(250);
    }
  }
  clearInterval(timer);
  sample();

  // Plateau: the last third against the middle third (the first third is warm-up: JIT, heaps, kuromoji).
  const third = Math.floor(samples.length / 3);
  const middle = samples.slice(third, 2 * third);
  const last = samples.slice(2 * third);
  out('');
  out(
    `${crawls} crawls (${failures} not completed), ${pages} pages in ${((Date.now() - started) / 60_000).toFixed(1)} min`,
  );
  let plateau = third >= 2;
  if (!plateau) out('too few samples for a verdict: run longer or sample more often');
  for (const g of groups) {
    const series = (rows) => rows.map((row) => row.rss[g.app] / MiB);
    const all = series(samples);
    const m = mean(series(middle));
    const l = mean(series(last));
    const growth = m === 0 ? 0 : (l - m) / m;
    const perMinute = slope(
      last.map((row) => row.t),
      series(last),
    );
    const flat = l - m <= Math.max(25, 0.1 * m);
    plateau &&= flat;
    out(
      `${g.app.padEnd(16)} min ${Math.min(...all).toFixed(0)} max ${Math.max(...all).toFixed(0)} MiB; ` +
        `mean middle third ${m.toFixed(0)}, last third ${l.toFixed(0)} MiB (${(growth * 100).toFixed(1)}%); ` +
        `slope over the last third ${perMinute.toFixed(2)} MiB/min → ${flat ? 'plateau' : 'GROWING'}`,
    );
  }
  out(plateau ? 'verdict: RSS plateaus' : 'verdict: RSS does not plateau');
  for (const app of apps) if (app.errors.length > 0) out(`${app.app} logged errors: ${app.errors.join('; ')}`);
  await stopAll();
  process.exit(plateau && failures === 0 ? 0 : 1);
} catch (error) {
  out(`soak failed: ${error instanceof Error ? error.stack : String(error)}`);
  for (const app of apps) if (app.errors.length > 0) out(`${app.app} logged errors: ${app.errors.join('; ')}`);
  await stopAll();
  process.exit(1);
}
