// `idle`: CPU of every kumo process (API primary and workers, worker supervisors and their workers) idle in two
// windows, from /proc, against a bare `node -e 'setInterval(()=>{},1e6)'` measured in the same windows: "after start"
// (60 s, before any crawl) and "after work" (10–40 s after crawls with analyze: false ended, issue 21: an
// analysis worker that had run only aggregate jobs stayed at 0.7–0.8 % of a core there).
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
  'CPU (% of one core) of each kumo process idle after start (60 s) and after work (10–40 s after crawls with ' +
  'analyze: false ended) (API ×2 + primary, crawl and analysis supervisors + 2 workers each), vs a bare node ' +
  'process with one timer, same windows, 10 s slices; a node process with prom-client default metrics runs ' +
  'alongside as a reference.';

/** "After work" is measured from this long after the crawls ended… */
const AFTER_WORK_DELAY_MS = 10_000;
/** …for this long (10–40 s after). */
const AFTER_WORK_WINDOW_MS = 30_000;

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
    // Two kuromoji dictionaries load at once: on a busy machine that takes minutes.
    readyTimeoutMs: 300_000,
  });
  for (const reason of Object.values(kumo.blocked)) ctx.blocked(reason);

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

  /** CPU % of one core of every watched process, per slice of a window. */
  const measure = async (ms) => {
    const slices = new Map(watched.map((p) => [p.pid, []]));
    let before = new Map(watched.map((p) => [p.pid, cpuNs(p.pid)]));
    let last = performance.now();
    for (let elapsed = 0; elapsed < ms; elapsed += sliceMs) {
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
    return slices;
  };

  const windows = [{ name: 'after start', slices: await measure(windowMs) }];

  // Work: crawls through everything that runs, analyze: false (the analysis worker then runs aggregate jobs only).
  if (kumo.apiUrl && kumo.apps['crawl-worker']) {
    const api = new KumoApi(kumo.apiUrl, kumo.key);
    const crawls = await Promise.all(
      [0, 1, 2].map(() =>
        runCrawl(
          api,
          { urls: [`${server.url}/index.html`], maxDepth: 10, maxPages: 100, analyze: false },
          { idleTimeoutMs: 10_000 },
        ),
      ),
    );
    ctx.data.work = crawls.map((crawl) => ({ pages: crawl.pages, endReason: crawl.endReason }));
    for (const crawl of crawls) if (crawl.doneMs === null) ctx.note(`a crawl did not reach done: ${crawl.endReason}`);
    await sleep(AFTER_WORK_DELAY_MS);
    windows.push({ name: 'after work', slices: await measure(AFTER_WORK_WINDOW_MS) });
  } else {
    ctx.note('no "after work" window: the API or the crawl-worker is not running');
  }

  const restarted = Object.entries(kumo.apps)
    .filter(([app, proc]) => proc.childPids().sort().join() !== children[app])
    .map(([app]) => app);
  if (restarted.length > 0)
    ctx.note(`worker processes changed during the windows (${restarted.join(', ')}): a restart`);

  for (const window of windows) {
    const { slices } = window;
    const baseline = slices.get(bare.pid);
    for (const p of processes) {
      ctx.metric({
        id: `cpu:${window.name}:${p.label}`,
        label: `idle CPU ${window.name}, ${p.label}`,
        unit: '% of a core',
        kumo: slices.get(p.pid),
        baseline,
        baselineLabel: 'bare node',
        target: { op: '<', value: TARGET_PERCENT },
        targetOn: 'kumo',
      });
    }
    const rows = watched.map((p) => {
      const sorted = [...slices.get(p.pid)].sort((a, b) => a - b);
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
    const span = window.name === 'after work' ? '10–40 s after the crawls ended' : `${windowMs / 1000} s after start`;
    ctx.chart(`cpu-${window.name.replace(' ', '-')}`, `Idle CPU per process, ${span} (red: the 0.1% target)`, chart);
  }
  ctx.data.settings = {
    windowMs,
    sliceMs,
    afterWorkDelayMs: AFTER_WORK_DELAY_MS,
    afterWorkWindowMs: AFTER_WORK_WINDOW_MS,
    workSitePages: 50,
  };
  const first = windows[0].slices;
  ctx.data.redisCpuPercent = redis.pid ? first.get(redis.pid).map(round) : null;
  ctx.data.promClientDefaultsPercent = first.get(promDefaults.pid).map(round);
  const reference = [...first.get(promDefaults.pid)].sort((a, b) => a - b);
  ctx.note(
    `reference: a node process doing nothing but prom-client's default metrics used ` +
      `${round(reference[Math.floor(reference.length / 2)] ?? Number.NaN)}% of a core (median of slices)`,
  );
  ctx.data.processes = watched.map((p) => ({
    ...p,
    pid: undefined,
    slices: Object.fromEntries(windows.map((window) => [window.name, window.slices.get(p.pid).map(round)])),
  }));
}
