// `crawl`: pages/s crawling a generated 2,000-page site through the whole system (POST /v1/crawls, analyze: false,
// followed over SSE until `done`) against a hand-rolled single-process undici + cheerio crawler and Crawlee's
// CheerioCrawler, all at the same total concurrency.
import path from 'node:path';
import { expectedReachable } from '@kumo/sample-site';
import { KumoApi, runCrawl } from './lib/api-client.mjs';
import { barsChart, cpuChart, roundsChart, summaryRows } from './lib/charts.mjs';
import { interleave } from './lib/interleave.mjs';
import { benchDir } from './lib/results.mjs';
import { cpuSnapshot, cpuSpent } from './lib/procfs.mjs';
import { round } from './lib/stats.mjs';
import { prepareSite, runNodeJson, startKumo, startRedis, startSiteProcess } from './lib/system.mjs';

export const name = 'crawl';
export const description =
  'Pages/s of a 2,000-page generated site (UTF-8/Shift_JIS/EUC-JP, ~15 KB, ~5 links) through API → crawl workers ' +
  '(2 processes × 20 jobs) → done, analyze: false; vs a hand-rolled undici + cheerio BFS crawler and Crawlee ' +
  'CheerioCrawler (in-memory storage), each one process at concurrency 40.';

export const MAX_DEPTH = 10;

/** Starts Redis, the site server and kumo; shared with `analysis`. */
export async function crawlSetup(ctx, { pages, overrides = {} }) {
  const redis = await startRedis(ctx);
  const site = await prepareSite({ pages });
  const server = await startSiteProcess(ctx, site.dir);
  const kumo = await startKumo(ctx, {
    redisUrl: redis.url,
    apps: ['api', 'crawl-worker', 'analysis-worker'],
    overrides: { API_PROCESSES: '1', WORKER_PROCESSES: '2', CRAWL_CONCURRENCY: '20', ...overrides },
  });
  for (const reason of Object.values(kumo.blocked)) ctx.blocked(reason);
  const concurrency = Number(kumo.env.WORKER_PROCESSES) * Number(kumo.env.CRAWL_CONCURRENCY);
  const expected = expectedReachable(site.manifest, { maxDepth: MAX_DEPTH, baseUrl: server.url });
  return { redis, site, server, kumo, concurrency, expected, seed: `${server.url}/index.html` };
}

/** One crawl through kumo's API; pages/s over POST → done (or → last page when `done` never came, flagged). */
export async function kumoCrawl(setup, { analyze, maxPages = 10_000 }) {
  const api = new KumoApi(setup.kumo.apiUrl, setup.kumo.key);
  const groups = { ...setup.kumo.processGroups(), redis: [setup.redis.pid] };
  const cpuBefore = cpuSnapshot(groups);
  const result = await runCrawl(
    api,
    { urls: [setup.seed], maxDepth: MAX_DEPTH, maxPages, analyze },
    { idleTimeoutMs: 20_000 },
  );
  const cpu = cpuSpent(cpuBefore, cpuSnapshot(groups));
  const endMs = result.doneMs ?? (analyze ? result.lastAnalysisMs : result.lastPageMs);
  if (result.pages.total === 0) throw new Error(`no page event: ${result.endReason}`);
  return {
    ...result,
    pages: result.pages.total,
    fetched: result.pages.fetched,
    chars: result.textChars,
    ms: endMs,
    done: result.doneMs !== null,
    pagesPerSecond: (result.pages.total / endMs) * 1000,
    /** CPU seconds per app (supervisor and workers) and Redis during the crawl. */
    cpu,
    cpuSeconds: Object.values(cpu).reduce((a, b) => a + b, 0),
  };
}

/** @param {import('./lib/context.mjs').BenchContext} ctx */
export async function run(ctx) {
  const pages = ctx.quick ? 300 : 2000;
  const setup = await crawlSetup(ctx, { pages });
  if (!setup.kumo.apiUrl || !setup.kumo.apps['crawl-worker']) throw new Error('kumo is not running: see blockedBy');
  const handRolled = path.join(benchDir, 'baselines/hand-crawler.mjs');
  const crawlee = path.join(benchDir, 'baselines/crawlee-crawler.mjs');
  const baselineOptions = { seed: setup.seed, concurrency: setup.concurrency, maxDepth: MAX_DEPTH };
  ctx.data.settings = { sitePages: pages, expectedPages: setup.expected.pages.size, concurrency: setup.concurrency };

  const variants = [
    {
      name: 'kumo',
      run: () => kumoCrawl(setup, { analyze: false }),
      // A fifth of the site warms every code path (JIT, connections, robots cache) at a fifth of the time.
      warmup: () => kumoCrawl(setup, { analyze: false, maxPages: Math.ceil(pages / 5) }),
    },
    { name: 'hand-rolled', warmup: false, run: () => runNodeJson(handRolled, baselineOptions) },
    // Crawlee is several times slower: two rounds keep the suite inside its time budget.
    {
      name: 'crawlee',
      warmup: false,
      rounds: Math.min(2, ctx.rounds),
      run: () => runNodeJson(crawlee, baselineOptions),
    },
  ];
  const out = await interleave(ctx, variants);
  const rate = (variant) => out[variant].values.map((v) => v.pagesPerSecond);

  for (const run of out.kumo.values) {
    if (!run.done)
      ctx.blocked(`a kumo crawl did not reach done (${run.endReason}): its rate is measured to the last page`);
    if (run.pages !== setup.expected.pages.size) {
      ctx.note(`kumo recorded ${run.pages} pages, the manifest expects ${setup.expected.pages.size}`);
    }
  }
  for (const run of out['hand-rolled'].values) {
    if (run.pages !== setup.expected.pages.size)
      ctx.note(`hand-rolled crawled ${run.pages} pages, expected ${setup.expected.pages.size}`);
  }
  ctx.metric({
    id: 'vs-hand-rolled',
    label: 'pages/s vs hand-rolled crawler',
    unit: 'pages/s',
    kumo: rate('kumo'),
    baseline: rate('hand-rolled'),
    baselineLabel: 'undici + cheerio, 1 process',
    target: { op: '>=', value: 0.8 },
  });
  ctx.metric({
    id: 'vs-crawlee',
    label: 'pages/s vs Crawlee',
    unit: 'pages/s',
    kumo: rate('kumo'),
    baseline: rate('crawlee'),
    baselineLabel: 'Crawlee CheerioCrawler',
    target: { op: '>=', value: 2 },
  });
  const cpuPer1000 = (variant) => out[variant].values.map((v) => (v.cpuSeconds / v.pages) * 1000);
  ctx.metric({
    id: 'cpu-per-1000-pages',
    label: 'CPU seconds per 1,000 pages (all processes)',
    unit: 'CPU s',
    kumo: cpuPer1000('kumo'),
    baseline: cpuPer1000('hand-rolled'),
    baselineLabel: 'undici + cheerio, 1 process',
    note: 'kumo: API, crawl and analysis apps (supervisors and workers) and Redis, from /proc; baseline: its own process',
  });
  ctx.data.runs = Object.fromEntries(
    Object.entries(out).map(([variant, { values }]) => [
      variant,
      values.map((v) => ({
        pages: v.pages,
        ms: round(v.ms),
        pagesPerSecond: round(v.pagesPerSecond),
        cpuSeconds: round(v.cpuSeconds),
        machineBusyCores: round(v.busyCores),
        ...(v.cpu ? { cpu: Object.fromEntries(Object.entries(v.cpu).map(([k, c]) => [k, round(c)])) } : {}),
      })),
    ]),
  );
  ctx.chart(
    'rounds',
    'Pages/s per round (interleaved)',
    roundsChart(out, (v) => v.pagesPerSecond, 'pages/s'),
  );
  ctx.chart(
    'medians',
    'Pages/s, median and min–max',
    barsChart(
      summaryRows(out, (v) => v.pagesPerSecond),
      'pages/s',
    ),
  );
  ctx.chart(
    'cpu',
    'Where the CPU goes: CPU seconds per 1,000 pages (median run)',
    cpuChart(out, { field: 'pages', scale: 1000 }, 'CPU seconds per 1,000 pages'),
  );
}
