// `analysis`: pages/s of the full pipeline (analyze: true, to `done`) against the same single-process crawler with
// kuromoji on every page; characters/s per analysis process against raw kuromoji.tokenize in one process; and the
// pipeline with 1 vs 2 analysis processes (do the workers use both cores?).
import path from 'node:path';
import { barsChart, cpuChart, roundsChart, summaryRows } from './lib/charts.mjs';
import { crawlSetup, kumoCrawl, MAX_DEPTH } from './crawl.mjs';
import { interleave } from './lib/interleave.mjs';
import { deleteMatching, openRedis } from './lib/redis.mjs';
import { benchDir } from './lib/results.mjs';
import { round } from './lib/stats.mjs';
import { runNodeJson } from './lib/system.mjs';

export const name = 'analysis';

export const description =
  'Pages/s of crawl + kuromoji analysis + report (analyze: true, to done) on a 200-page generated site with 2 ' +
  'analysis processes, vs the hand-rolled crawler tokenising every page in one process; chars/s per analysis ' +
  'process vs raw kuromoji.tokenize; 1 vs 2 analysis processes. The analysis cache is emptied before every kumo run; ' +
  'fresh processes (at the start, and analysis processes restarted to switch between 1 and 2) run one unmeasured ' +
  'crawl of the site first.';

/**
 * Per analysis process, from its `job finished` log lines for this crawl: jobs, busy ms (the time at least one of its
 * analyze jobs ran: with `ANALYZE_CONCURRENCY` above 1 the jobs of a process overlap, and the sum of their durations
 * would count the overlap twice), the sum of the jobs' durations, tokenize ms, and the characters of the pages it
 * analysed.
 */
function perProcess(app, crawlId, textLengthByUrl) {
  const byPid = new Map();
  for (const line of app.lines) {
    if (line.msg !== 'job finished' || line.crawlId !== crawlId || line.stages?.tokenize === undefined) continue;
    const entry = byPid.get(line.pid) ?? { jobs: 0, jobMs: 0, tokenizeMs: 0, chars: 0, spans: [] };
    const totalMs = line.totalMs ?? 0;
    const end = Date.parse(line.time);
    entry.jobs += 1;
    entry.jobMs += totalMs;
    entry.spans.push([end - totalMs, end]);
    entry.tokenizeMs += line.stages.tokenize;
    entry.chars += textLengthByUrl.get(line.url) ?? 0;
    byPid.set(line.pid, entry);
  }
  return [...byPid.values()].map(({ spans, ...entry }) => ({ ...entry, busyMs: unionMs(spans) }));
}

/** The length of the union of `[start, end]` spans, in ms. */
function unionMs(spans) {
  let total = 0;
  let [from, to] = [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];
  for (const [start, end] of [...spans].sort((a, b) => a[0] - b[0])) {
    if (start > to) {
      if (to > from) total += to - from;
      [from, to] = [start, end];
    } else if (end > to) {
      to = end;
    }
  }
  return to > from ? total + (to - from) : total;
}

/** @param {import('./lib/context.mjs').BenchContext} ctx */
export async function run(ctx) {
  const pages = ctx.quick ? 100 : 200;
  const setup = await crawlSetup(ctx, { pages });
  const { kumo } = setup;
  if (!kumo.apiUrl || !kumo.apps['crawl-worker'] || !kumo.apps['analysis-worker']) {
    throw new Error('kumo is not running: see blockedBy');
  }
  const redis = openRedis(setup.redis.url);
  ctx.defer(() => redis.quit());
  const handRolled = path.join(benchDir, 'baselines/hand-crawler.mjs');
  const rawTokenize = path.join(benchDir, 'baselines/raw-tokenize.mjs');
  let processes = Number(kumo.env.WORKER_PROCESSES);
  ctx.data.settings = { sitePages: pages, crawlConcurrency: setup.concurrency, analysisProcesses: processes };

  // Cold analysis every round: the content-hash cache would otherwise answer every page of the second crawl.
  const emptyCache = () => deleteMatching(redis, `${kumo.prefix}:cache:analysis:*`);
  const kumoRun = (wanted) => async () => {
    if (processes !== wanted) {
      await kumo.restart('analysis-worker', { WORKER_PROCESSES: String(wanted) });
      processes = wanted;
      // Fresh processes get the warm-up the first round had: otherwise the rounds after a switch between 1 and 2
      // processes measure V8 compiling BullMQ's and the store's paths, and only those.
      await emptyCache();
      await kumoCrawl(setup, { analyze: true });
    }
    await emptyCache();
    const app = kumo.apps['analysis-worker'];
    const from = app.lines.length;
    const result = await kumoCrawl(setup, { analyze: true });
    const phaseMs = (result.lastAnalysisMs ?? result.ms) - result.firstPageMs;
    const recent = { lines: app.lines.slice(from) };
    return {
      id: result.id,
      pages: result.pages,
      fetched: result.fetched,
      analyses: result.analyses,
      ms: result.ms,
      done: result.done,
      doneMs: result.doneMs,
      endReason: result.endReason,
      pagesPerSecond: result.pagesPerSecond,
      cpu: result.cpu,
      cpuSeconds: result.cpuSeconds,
      processes: wanted,
      chars: result.analysedChars,
      charsPerSecondPerProcess: (result.analysedChars / phaseMs / wanted) * 1000,
      charsPerCpuSecond: result.analysedChars / result.cpu['analysis-worker'],
      workers: perProcess(recent, result.id, result.textLengthByUrl),
    };
  };

  const variants = [
    // Warmed up by a whole crawl: after a quarter of the site, the crawl workers' first measured round still cost
    // twice the CPU per page of the later ones.
    { name: 'kumo', run: kumoRun(2) },
    {
      name: 'hand-rolled + kuromoji',
      warmup: false,
      run: () =>
        runNodeJson(handRolled, {
          seed: setup.seed,
          concurrency: setup.concurrency,
          maxDepth: MAX_DEPTH,
          analyze: true,
        }),
    },
    { name: 'raw tokenize', warmup: false, run: () => runNodeJson(rawTokenize, { dir: setup.site.dir, pages }) },
    // Two rounds: each costs two restarts of the analysis-worker on top of the slowest crawl of the benchmark.
    { name: 'kumo, 1 analysis process', warmup: false, rounds: Math.min(2, ctx.rounds), run: kumoRun(1) },
  ];
  const out = await interleave(ctx, variants);
  const values = (variant, pick) => out[variant].values.map(pick);

  for (const run of [...out.kumo.values, ...out['kumo, 1 analysis process'].values]) {
    if (!run.done) ctx.blocked(`a kumo crawl did not reach done (${run.endReason})`);
    if (run.analyses < run.fetched - 5) ctx.note(`kumo analysed ${run.analyses} of ${run.fetched} fetched pages`);
  }
  ctx.metric({
    id: 'pipeline',
    label: 'pages/s, crawl + analysis',
    unit: 'pages/s',
    kumo: values('kumo', (v) => v.pagesPerSecond),
    baseline: values('hand-rolled + kuromoji', (v) => v.pagesPerSecond),
    baselineLabel: 'hand-rolled + kuromoji, 1 process',
    // The analyzer issue's target (#15); the first round asked for 1.7×.
    target: { op: '>=', value: 5 },
    note:
      'the ceiling is 2 cores / the cores the baseline uses: one JS thread, but V8’s parallel garbage collector ' +
      'gives it ~1.3 cores (see "cores used")',
  });
  // An analysis process's own speed: characters of the pages it analysed / the time its analyze jobs ran (read
  // text, tokenise, rank, write; overlapping jobs counted once), in the runs with one analysis process, which has a
  // core to itself once the crawl (a second or two) is over. The wall-clock share below is what each of 2 processes got while sharing 2 cores.
  const busyCharsPerSecond = (w) => (w.chars / w.busyMs) * 1000;
  ctx.metric({
    id: 'chars-per-process',
    label: 'chars/s per analysis process',
    unit: 'chars/s',
    kumo: values('kumo, 1 analysis process', (v) => busyCharsPerSecond(v.workers[0])),
    baseline: values('raw tokenize', (v) => v.charsPerSecond),
    baselineLabel: 'raw kuromoji.tokenize, 1 process',
    target: { op: '>=', value: 0.9 },
    note:
      'one analysis process: characters it analysed / the time its analyze jobs ran (Redis reads and writes, ' +
      'tokenising, ranking; jobs that overlap counted once); the baseline is the tokenize loop alone over the same texts',
  });
  ctx.metric({
    id: 'chars-per-process-shared',
    label: 'chars/s per analysis process, 2 processes sharing 2 cores',
    unit: 'chars/s',
    kumo: values('kumo', (v) => v.charsPerSecondPerProcess),
    baseline: values('raw tokenize', (v) => v.charsPerSecond),
    baselineLabel: 'raw kuromoji.tokenize, 1 process',
    note:
      'wall clock: characters of analysed pages / (last analysis event − first page event) / 2; the processes ' +
      'share the 2 cores with the crawl workers, the API and Redis',
  });
  ctx.metric({
    id: 'chars-per-cpu-second',
    label: 'chars per CPU second, analysis processes',
    unit: 'chars/CPU s',
    kumo: values('kumo', (v) => v.charsPerCpuSecond),
    baseline: values('raw tokenize', (v) => v.charsPerCpuSecond),
    baselineLabel: 'raw kuromoji.tokenize',
    note: 'CPU time of the analysis-worker processes (from /proc) vs the tokenize loop’s own CPU time: efficiency without the machine’s load',
  });
  const coresUsed = (variant) => values(variant, (v) => v.cpuSeconds / (v.ms / 1000));
  ctx.metric({
    id: 'cores-used',
    label: 'cores used on average, crawl + analysis',
    unit: 'cores',
    kumo: coresUsed('kumo'),
    baseline: coresUsed('hand-rolled + kuromoji'),
    baselineLabel: 'hand-rolled + kuromoji, 1 process',
    note: 'CPU seconds of every process of the variant / wall seconds; 2 is all of this machine; "machineBusyCores" in the raw rounds is what the whole machine used meanwhile',
  });
  const cpuPerPage = (variant) => values(variant, (v) => (v.cpuSeconds / v.pages) * 1000);
  ctx.metric({
    id: 'cpu-per-1000-pages',
    label: 'CPU seconds per 1,000 pages, crawl + analysis',
    unit: 'CPU s',
    kumo: cpuPerPage('kumo'),
    baseline: cpuPerPage('hand-rolled + kuromoji'),
    baselineLabel: 'hand-rolled + kuromoji, 1 process',
  });
  ctx.metric({
    id: 'two-vs-one',
    label: 'pages/s, 2 vs 1 analysis processes',
    unit: 'pages/s',
    kumo: values('kumo', (v) => v.pagesPerSecond),
    baseline: values('kumo, 1 analysis process', (v) => v.pagesPerSecond),
    baselineLabel: 'kumo with 1 analysis process',
    note: '2.0 would be perfect scaling on 2 cores; crawl workers, API and Redis share the same cores',
  });

  // Where an analysis process's time goes: busy share in tokenize, and busy-time throughput, per process.
  const workers = out.kumo.values.flatMap((v) => v.workers);
  ctx.data.analysisWorkers = workers.map((w) => ({
    jobs: w.jobs,
    busyMs: round(w.busyMs),
    tokenizeShare: round(w.tokenizeMs / w.jobMs),
    busyCharsPerSecond: round((w.chars / w.busyMs) * 1000),
  }));
  ctx.data.runs = Object.fromEntries(
    Object.entries(out).map(([variant, { values: runs }]) => [
      variant,
      runs.map((v) => ({
        pages: v.pages ?? v.texts,
        ms: round(v.ms),
        pagesPerSecond: round(v.pagesPerSecond),
        chars: v.chars,
        charsPerSecond: round(v.charsPerSecondPerProcess ?? v.charsPerSecond),
        cpuSeconds: round(v.cpuSeconds),
        machineBusyCores: round(v.busyCores),
        ...(v.cpu ? { cpu: Object.fromEntries(Object.entries(v.cpu).map(([k, c]) => [k, round(c)])) } : {}),
        ...(v.doneMs !== undefined ? { done: v.done } : {}),
      })),
    ]),
  );
  ctx.chart(
    'rounds',
    'Pipeline pages/s per round (interleaved)',
    roundsChart(
      Object.fromEntries(Object.entries(out).filter(([variant]) => variant !== 'raw tokenize')),
      (v) => v.pagesPerSecond,
      'pages/s',
    ),
  );
  ctx.chart(
    'cpu',
    'Where the CPU goes: CPU seconds per 1,000 pages with analysis (median run)',
    cpuChart(
      Object.fromEntries(Object.entries(out).filter(([variant]) => variant !== 'raw tokenize')),
      { field: 'pages', scale: 1000 },
      'CPU seconds per 1,000 pages',
    ),
  );
  ctx.chart(
    'chars',
    'Characters/s per analysis process vs raw kuromoji (median, min–max)',
    barsChart(
      summaryRows(
        {
          kumo: out.kumo,
          'kumo, 1 analysis process': out['kumo, 1 analysis process'],
          'raw tokenize': out['raw tokenize'],
        },
        (v) => v.charsPerSecondPerProcess ?? v.charsPerSecond,
      ),
      'chars/s',
    ),
  );
}
