// `idle`: CPU of every kumo process (API primary and workers, worker supervisors and their workers) idle for 60 s
// after a warm-up crawl, from /proc, against a bare `node -e 'setInterval(()=>{},1e6)'` measured in the same window.
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { KumoApi, runCrawl } from './lib/api-client.mjs';
import { barsChart } from './lib/charts.mjs';
import { alive, cpuNs } from './lib/procfs.mjs';
import { round } from './lib/stats.mjs';
import { repoRoot } from './lib/helpers.mjs';
import { prepareSite, startKumo, startRedis, startSiteProcess } from './lib/system.mjs';

export const name = 'idle';
export const description =
  'CPU (% of one core) of each kumo process idle for 60 s after a warm-up crawl (API ×2 + primary, crawl and ' +
  'analysis supervisors + 2 workers each), vs a bare node process with one timer, same window, 10 s slices; a node ' +
  'process with prom-client default metrics runs alongside as a reference.';

const TARGET_PERCENT = 0.1;

/** @param {import('./lib/context.mjs').BenchContext} ctx */
export async function run(ctx) {
  const windowMs = ctx.quick ? 15_000 : 60_000;
  const sliceMs = ctx.quick ? 5_000 : 10_000;
  const redis = await startRedis(ctx);
  const site = await prepareSite({ pages: 50 });
  const server = await startSiteProcess(ctx, site.dir);

  const bare = spawn(process.execPath, ['-e', 'setInterval(()=>{},1e6)'], { stdio: 'ignore' });
  ctx.defer(() => bare.kill('SIGKILL'));
  // A second reference, to tell kumo's own idle work from the metrics library's: prom-client's default metrics
  // sample event-loop delay with a 10 ms timer unless told otherwise.
  const promDefaults = spawn(
    process.execPath,
    [
      '-e',
      "const p=require('prom-client');p.collectDefaultMetrics({register:new p.Registry()});setInterval(()=>{},1e6)",
    ],
    { cwd: repoRoot, stdio: 'ignore' },
  );
  ctx.defer(() => promDefaults.kill('SIGKILL'));

  const kumo = await startKumo(ctx, {
    redisUrl: redis.url,
    apps: ['api', 'crawl-worker', 'analysis-worker'],
    overrides: { API_PROCESSES: '2', WORKER_PROCESSES: '2' },
  });
  for (const reason of Object.values(kumo.blocked)) ctx.blocked(reason);

  // Warm-up: a real crawl through everything that runs, so idle means "after work", not "never used".
  if (kumo.apiUrl && kumo.apps['crawl-worker']) {
    const analyze = Boolean(kumo.apps['analysis-worker']);
    const warm = await runCrawl(
      new KumoApi(kumo.apiUrl, kumo.key),
      { urls: [`${server.url}/index.html`], maxDepth: 10, maxPages: 100, analyze },
      { idleTimeoutMs: 10_000 },
    );
    ctx.data.warmUp = { analyze, pages: warm.pages, analyses: warm.analyses, endReason: warm.endReason };
    if (warm.doneMs === null) ctx.note(`warm-up crawl did not reach done: ${warm.endReason}`);
  } else {
    ctx.note('no warm-up crawl: the API or the crawl-worker is not running');
  }
  await sleep(5_000);

  /** @type {Array<{ label: string, app: string, pid: number }>} */
  const processes = [];
  for (const [app, proc] of Object.entries(kumo.apps)) {
    processes.push({ label: `${app} supervisor`, app, pid: proc.child.pid });
    proc.childPids().forEach((pid, index) => processes.push({ label: `${app} worker ${index + 1}`, app, pid }));
  }
  const watched = [
    ...processes,
    { label: 'bare node', app: 'baseline', pid: bare.pid },
    { label: 'node + prom-client default metrics', app: 'reference', pid: promDefaults.pid },
    ...(redis.pid ? [{ label: 'redis-server', app: 'redis', pid: redis.pid }] : []),
  ];

  const children = Object.fromEntries(
    Object.entries(kumo.apps).map(([app, proc]) => [app, proc.childPids().sort().join()]),
  );
  const slices = new Map(watched.map((p) => [p.pid, []]));
  let before = new Map(watched.map((p) => [p.pid, cpuNs(p.pid)]));
  let last = performance.now();
  for (let elapsed = 0; elapsed < windowMs; elapsed += sliceMs) {
    await sleep(sliceMs);
    const now = performance.now();
    const after = new Map(watched.filter((p) => alive(p.pid)).map((p) => [p.pid, cpuNs(p.pid)]));
    for (const p of watched) {
      if (!after.has(p.pid)) continue;
      slices.get(p.pid).push(((after.get(p.pid) - before.get(p.pid)) / 1e6 / (now - last)) * 100);
    }
    before = after;
    last = now;
  }
  const restarted = Object.entries(kumo.apps)
    .filter(([app, proc]) => proc.childPids().sort().join() !== children[app])
    .map(([app]) => app);
  if (restarted.length > 0) ctx.note(`worker processes changed during the window (${restarted.join(', ')}): a restart`);

  const baseline = slices.get(bare.pid);
  for (const p of processes) {
    ctx.metric({
      id: `cpu:${p.label}`,
      label: `idle CPU, ${p.label}`,
      unit: '% of a core',
      kumo: slices.get(p.pid),
      baseline,
      baselineLabel: 'bare node',
      target: { op: '<', value: TARGET_PERCENT },
      targetOn: 'kumo',
    });
  }
  ctx.data.settings = { windowMs, sliceMs, warmUpSitePages: 50 };
  ctx.data.redisCpuPercent = redis.pid ? slices.get(redis.pid).map(round) : null;
  ctx.data.promClientDefaultsPercent = slices.get(promDefaults.pid).map(round);
  const reference = [...slices.get(promDefaults.pid)].sort((a, b) => a - b);
  ctx.note(
    `reference: a node process doing nothing but prom-client's default metrics used ` +
      `${round(reference[Math.floor(reference.length / 2)] ?? Number.NaN)}% of a core (median of slices)`,
  );
  ctx.data.processes = watched.map((p) => ({ ...p, pid: undefined, slices: slices.get(p.pid).map(round) }));

  const rows = watched.map((p) => {
    const values = slices.get(p.pid);
    const sorted = [...values].sort((a, b) => a - b);
    return {
      label: p.label,
      group: ['baseline', 'reference', 'redis'].includes(p.app) ? p.app : 'kumo',
      value: round(sorted[Math.floor(sorted.length / 2)] ?? 0),
      min: round(sorted[0] ?? 0),
      max: round(sorted.at(-1) ?? 0),
    };
  });
  const chart = barsChart(rows, '% of one core (median of slices, min–max)');
  chart.layer.push({
    data: { values: [{ target: TARGET_PERCENT }] },
    mark: { type: 'rule', color: 'red', strokeDash: [4, 3] },
    encoding: { x: { field: 'target', type: 'quantitative' } },
  });
  ctx.chart('cpu', `Idle CPU per process over ${windowMs / 1000} s (red: the 0.1% target)`, chart);
}
