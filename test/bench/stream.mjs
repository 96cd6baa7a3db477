// `stream`: for a 1,000-page crawl with analysis, the time from POST to the first `page` event, the first
// `analysis` event and `done`, read by a real SSE client, against the batch counterfactual (every result delivered
// only at `done`); and the fetch rate over time in 100 ms bins with its peak-to-mean ratio.
import { crawlSetup, kumoCrawl } from './crawl.mjs';
import { timeChart } from './lib/charts.mjs';
import { deleteMatching, openRedis } from './lib/redis.mjs';
import { bin, round, summarize } from './lib/stats.mjs';

export const name = 'stream';
export const description =
  'POST → first page event, first analysis event and done over SSE for a 1,000-page crawl with analysis, vs the ' +
  'batch counterfactual (results only at done); fetch rate in 100 ms bins (stream append times) and peak-to-mean.';

const BIN_MS = 100;

/** Peak-to-mean of the per-bin counts between the first and the last page: 1 is perfectly even. */
function peakToMean(bins) {
  const counts = bins.map((b) => b.count);
  const first = counts.findIndex((c) => c > 0);
  const active = counts.slice(first);
  const mean = active.reduce((a, b) => a + b, 0) / active.length;
  return Math.max(...active) / mean;
}

/** @param {import('./lib/context.mjs').BenchContext} ctx */
export async function run(ctx) {
  const pages = ctx.quick ? 150 : 1000;
  const setup = await crawlSetup(ctx, { pages });
  const { kumo } = setup;
  if (!kumo.apiUrl || !kumo.apps['crawl-worker'] || !kumo.apps['analysis-worker']) {
    throw new Error('kumo is not running: see blockedBy');
  }
  const redis = openRedis(setup.redis.url);
  ctx.defer(() => redis.quit());
  ctx.data.settings = { sitePages: pages, binMs: BIN_MS, crawlConcurrency: setup.concurrency };
  ctx.note('No second system runs here: the batch counterfactual is the same run with every result held until done.');

  // Two measured rounds at most: each is the longest crawl of the suite (1,000 pages with analysis), and the
  // figures here are latencies of one run and a rate shape, not a comparison that needs many rounds to settle.
  const rounds = Math.min(2, ctx.rounds);
  const runs = [];
  for (let r = -1; r < rounds; r++) {
    await deleteMatching(redis, `${kumo.prefix}:cache:analysis:*`);
    // The warm-up crawl is a tenth of the site: it warms the same code at a tenth of the time.
    const result = await kumoCrawl(setup, { analyze: true, ...(r < 0 ? { maxPages: Math.ceil(pages / 10) } : {}) });
    ctx.log(
      `${r < 0 ? 'warm-up' : `round ${r + 1}/${rounds}`}: first page ${result.firstPageMs?.toFixed(1)} ms, ` +
        `first analysis ${result.firstAnalysisMs?.toFixed(1)} ms, done ${result.doneMs?.toFixed(0)} ms (${result.endReason})`,
    );
    if (r >= 0) runs.push(result);
  }
  for (const run of runs) if (!run.done) ctx.blocked(`a crawl did not reach done (${run.endReason})`);
  const done = runs.map((r) => r.doneMs ?? r.ms);

  ctx.metric({
    id: 'first-page',
    label: 'POST → first page event',
    unit: 'ms',
    kumo: runs.map((r) => r.firstPageMs),
    baseline: done,
    baselineLabel: 'batch: first result at done',
    target: { op: '<=', value: 100 },
    targetOn: 'kumo',
  });
  ctx.metric({
    id: 'first-page-share',
    label: 'first page event / time to done',
    unit: 'ms',
    kumo: runs.map((r) => r.firstPageMs),
    baseline: done,
    baselineLabel: 'time to done',
    target: { op: '<', value: 0.02 },
  });
  ctx.metric({
    id: 'first-analysis',
    label: 'POST → first analysis event',
    unit: 'ms',
    kumo: runs.map((r) => r.firstAnalysisMs),
    baseline: done,
    baselineLabel: 'batch: first result at done',
  });
  ctx.metric({ id: 'done', label: 'POST → done', unit: 'ms', kumo: done });

  const shapes = runs.map((r) => {
    const bins = bin(
      r.pageAppendTimes.filter((t) => t >= 0),
      BIN_MS,
    );
    return { bins, peakToMean: peakToMean(bins) };
  });
  ctx.metric({
    id: 'peak-to-mean',
    label: 'fetch rate peak-to-mean (100 ms bins)',
    unit: '×',
    kumo: shapes.map((s) => s.peakToMean),
    note: 'per-bin page appends from the first to the last page; 1 is perfectly even',
  });

  // The chart shows the run with the median time to done.
  const order = done.map((ms, index) => [ms, index]).sort((a, b) => a[0] - b[0]);
  const pick = order[Math.floor(order.length / 2)]?.[1] ?? 0;
  const shown = runs[pick];
  if (shown) {
    const analysisBins = bin(shown.analysisTimes, BIN_MS);
    const rows = [
      ...shapes[pick].bins.map((b) => ({ t: b.t / 1000, value: b.count, series: 'pages fetched / 100 ms' })),
      ...analysisBins.map((b) => ({ t: b.t / 1000, value: b.count, series: 'analyses delivered / 100 ms' })),
    ];
    ctx.chart(
      'rate',
      `Fetch and analysis rate over time (median run, ${shown.pages} pages)`,
      timeChart(rows, { y: 'events per 100 ms', step: true }),
    );
    ctx.data.medianRun = {
      firstPageMs: round(shown.firstPageMs),
      firstAnalysisMs: round(shown.firstAnalysisMs),
      doneMs: round(shown.doneMs),
      pages: shown.pages,
      analyses: shown.analyses,
      delayMs: summarize(shown.delays),
    };
  }
}
