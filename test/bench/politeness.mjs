// `politeness` (issue 14): what waiting for a host costs. One host (a generated 200-page site on 127.0.0.1 whose
// server logs every request's start), crawled to depth 3 with a 250 ms per-host delay against the same crawl with
// no delay, interleaved on the same processes: CPU of every kumo process and redis-server, Redis commands and BullMQ
// job starts, each per fetched page. Then job starts under the default politeness and under a 1 s delay, two crawls
// sharing the host, and the smallest gap between two request starts the host saw (never below the delay).
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '@kumo/config';
import { expectedReachable, generateSite } from '@kumo/sample-site';
import { KumoQueues } from '@kumo/queues';
import { KumoApi, runCrawl } from './lib/api-client.mjs';
import { barsChart, cpuChart, roundsChart, summaryRows, timeChart } from './lib/charts.mjs';
import { interleave } from './lib/interleave.mjs';
import { cpuSnapshot, cpuSpent } from './lib/procfs.mjs';
import { commandCalls, commandsPer, info, openRedis } from './lib/redis.mjs';
import { coldWorkCost } from './lib/cold-work.mjs';
import { idleCost, settle, SETTLE_MS } from './lib/idle-cost.mjs';
import { nowMs } from './lib/sse-client.mjs';
import { round } from './lib/stats.mjs';
import { startKumo, startRedis } from './lib/system.mjs';
import { requestGaps, startTimedSite } from './lib/timed-site.mjs';

export const name = 'politeness';
export const description =
  'Per fetched page, a depth-3 crawl of one host (a generated 200-page site, 6 links per page) with a 250 ms ' +
  'per-host delay vs the same crawl with no delay, interleaved: CPU seconds (API, crawl and analysis ' +
  'processes, supervisors included, and redis-server), Redis commands and BullMQ job starts (`ats`); job starts ' +
  'under the default politeness and a 1 s delay; two crawls of the host 3 s apart (fairness); the smallest gap ' +
  'between two request starts the host saw. Host concurrency at its default, 2 crawl processes × 20 jobs, analyze: ' +
  "false. The two crawls compared run on the same long-running processes (the delay is the crawl's own " +
  '`politeness.delayMs`), warmed by a 1,600-page crawl of 8 other hosts and a discarded round of each. Job starts ' +
  'and CPU of the crawl one request at a time (`politeness.concurrency: 1`, no delay). For reading them: what the ' +
  "machine charges the same work (the crawler's parse of a page) after a 250 ms sleep.";

const SITE = { pages: 200, linksPerPage: 6, seed: 1 };
const MAX_DEPTH = 3;
const DELAY_MS = 250;
const SLOW_DELAY_MS = 1000;
/** Seconds between the two crawls of the fairness run. */
const SECOND_CRAWL_AFTER_MS = 3000;
/** How long the idle system is measured. */
const IDLE_MS = 8000;
/**
 * Pages of the crawl that warms the crawl processes (JIT, connections) unmeasured before the compared crawls: after
 * a warm-up of 10 pages the crawl of the site cost the crawl processes 2–2.5× the CPU per page of the crawls after
 * it, mostly V8 compiling on its own threads. After 400 pages V8 still compiled ~250 functions during the next crawl of the site,
 * ~3 CPU ms per page, which made a no-delay crawl on fresh processes look 1.3× as costly as on warm ones
 * (session 21); the comparison of the two crawls therefore runs on the same processes, warmed by every page of the
 * warm-up hosts and a discarded round of each crawl.
 */
const WARM_PAGES = 1600;
/**
 * The warm-up crawl's hosts: the same site on as many more ports, so that the warm-up crawls eight copies of the site
 * (1,600 pages) before the measured crawls of the site itself.
 */
const WARM_HOSTS = 8;

/** @param {import('./lib/context.mjs').BenchContext} ctx */
export async function run(ctx) {
  const sizes = ctx.quick
    ? { main: 40, fair: 15, slow: 8, defaults: 40 }
    : { main: 10_000, fair: 40, slow: 24, defaults: 10_000 };
  const defaults = loadConfig({});
  const redis = await startRedis(ctx);
  const site = await startTimedSite(ctx, { ...SITE, hosts: 1 + WARM_HOSTS });
  const warmSeeds = site.urls.slice(1).map((url) => `${url}/index.html`);
  const kumo = await startKumo(ctx, {
    redisUrl: redis.url,
    apps: ['api', 'crawl-worker', 'analysis-worker'],
    overrides: {
      API_PROCESSES: '1',
      WORKER_PROCESSES: '2',
      CRAWL_CONCURRENCY: '20',
      // Politeness as deployed: the host concurrency at its default (the bench environment raises it elsewhere so
      // that one local host can stand in for many); the delay is set per variant.
      CRAWL_HOST_CONCURRENCY: String(defaults.CRAWL_HOST_CONCURRENCY),
      CRAWL_HOST_DELAY_MS: '0',
      // Every finished crawl job is kept until the bench has read its start count.
      QUEUE_KEEP_COMPLETED_COUNT: '1000000',
      QUEUE_KEEP_FAILED_COUNT: '1000000',
    },
  });
  for (const reason of Object.values(kumo.blocked)) ctx.blocked(reason);
  if (!kumo.apiUrl || !kumo.apps['crawl-worker']) throw new Error('kumo is not running: see blockedBy');

  const client = openRedis(redis.url);
  ctx.defer(() => client.quit());
  const queues = new KumoQueues(client, loadConfig({ REDIS_URL: redis.url, KUMO_PREFIX: kumo.prefix }));
  ctx.defer(() => queues.close());
  await queues.crawl.waitUntilReady();

  const api = new KumoApi(kumo.apiUrl, kumo.key);
  const seed = `${site.url}/index.html`;
  const expected = expectedReachable(generateSite(SITE).manifest, { maxDepth: MAX_DEPTH, baseUrl: site.url });
  let logLength = (await site.requests()).length;
  let currentDelay = 0;

  /**
   * Restarts the crawl processes with another delay (a process setting), then warms them with a crawl of the warm-up
   * hosts and lets that crawl's deferred work (the collection 8 s after it) pass: a 250 ms crawl runs long enough to
   * take it into its own figures, the no-delay crawl ends before it.
   */
  const useDelay = async (delayMs, { warm }) => {
    if (delayMs !== currentDelay) {
      await kumo.restart('crawl-worker', { CRAWL_HOST_DELAY_MS: String(delayMs) });
      currentDelay = delayMs;
    }
    if (warm) {
      await runCrawl(
        api,
        { urls: warmSeeds, maxDepth: MAX_DEPTH, maxPages: ctx.quick ? 10 : WARM_PAGES, analyze: false },
        { idleTimeoutMs: 30_000 },
      );
      await settle();
    }
  };

  /** The host's request log since the last call. */
  const newRequests = async () => {
    const entries = await site.requests(logLength);
    logLength += entries.length;
    return entries;
  };

  /** Crawl jobs already attributed to a crawl: each finished job is read once. */
  const seenJobs = new Set();
  /**
   * Start count (`ats`) of every crawl job of a crawl, from the finished jobs' hashes; a job belongs to the crawl
   * its data names (not its id, whose format a scheduler may change).
   */
  const jobStarts = async (crawlId) => {
    const ids = [
      ...(await client.zrange(queues.crawl.keys.completed, 0, -1)),
      ...(await client.zrange(queues.crawl.keys.failed, 0, -1)),
    ].filter((id) => !seenJobs.has(id));
    const pipeline = client.pipeline();
    for (const id of ids) pipeline.hmget(queues.crawl.toKey(id), 'ats', 'data');
    const replies = ids.length > 0 ? await pipeline.exec() : [];
    const starts = [];
    replies.forEach(([error, fields], index) => {
      if (error || !fields?.[1] || JSON.parse(fields[1]).crawlId !== crawlId) return;
      seenJobs.add(ids[index]);
      starts.push(Number(fields[0] ?? 0));
    });
    return starts;
  };

  /** One crawl through the API, unmeasured. */
  const crawlOnce = ({ maxPages, politeness }) =>
    runCrawl(
      api,
      { urls: [seed], maxDepth: MAX_DEPTH, maxPages, analyze: false, ...(politeness ? { politeness } : {}) },
      { idleTimeoutMs: 30_000 },
    );

  /** One crawl measured from outside: CPU, Redis commands, job starts and the host's request gaps. */
  const measuredCrawl = async ({ maxPages, delayMs, politeness }) => {
    await newRequests();
    const groups = { ...kumo.processGroups(), redis: [redis.pid] };
    const callsBefore = await commandCalls(client);
    // The bench's INFO is counted once it has answered: the reading below is the one command of ours in between.
    const commandsBefore = Number((await info(client, 'stats')).total_commands_processed);
    const cpuBefore = cpuSnapshot(groups);
    const crawl = await crawlOnce({ maxPages, politeness });
    const cpu = cpuSpent(cpuBefore, cpuSnapshot(groups));
    const commandsAfter = Number((await info(client, 'stats')).total_commands_processed);
    const calls = commandsPer(callsBefore, await commandCalls(client), 1);
    const fetched = crawl.pages.fetched;
    if (fetched === 0) throw new Error(`no page fetched: ${crawl.endReason}`);
    if (crawl.doneMs === null) ctx.note(`a crawl did not reach done (${crawl.endReason})`);
    const starts = await jobStarts(crawl.id);
    if (starts.length < crawl.pages.total)
      ctx.blocked(
        `found ${starts.length} finished crawl jobs for the ${crawl.pages.total} pages of crawl ${crawl.id}: ` +
          'jobs removed before the bench read them? (its start counts are then too low)',
      );
    const requests = await newRequests();
    const cpuSeconds = Object.values(cpu).reduce((a, b) => a + b, 0);
    const redisCommands = commandsAfter - commandsBefore - 1;
    return {
      crawlId: crawl.id,
      pages: crawl.pages.total,
      fetched,
      ms: crawl.doneMs ?? crawl.lastPageMs,
      done: crawl.doneMs !== null,
      cpu,
      cpuSeconds,
      cpuMsPerPage: (cpuSeconds / fetched) * 1000,
      redisCommands,
      redisCommandsPerPage: redisCommands / fetched,
      /** The ten commands called most (inside scripts included), per fetched page. */
      topCommandsPerPage: Object.fromEntries(
        Object.entries(calls.byCommand)
          .slice(0, 10)
          .map(([command, n]) => [command, round(n / fetched)]),
      ),
      jobs: starts.length,
      starts: starts.reduce((a, b) => a + b, 0),
      // Per page of the crawl (each has one job), not per fetched page: a skipped or failed page is started too, so
      // per fetched page a flawless crawl of 21 pages and 3 skipped would count 1.14.
      startsPerPage: starts.reduce((a, b) => a + b, 0) / crawl.pages.total,
      maxStarts: Math.max(0, ...starts),
      requests: requests.length,
      gaps: requestGaps(requests, delayMs),
      pageTimes: crawl.pageTimes,
    };
  };

  // 1. The 250 ms crawl against the no-delay crawl, A B A B, on the same processes (deployed without a delay; the
  // 250 ms crawl asks for its own, `politeness.delayMs`), after a warm-up and a discarded round of each. Each crawl
  // waits for the deferred work of the one before (the collection 8 s after it) to pass. At most three rounds: a
  // 250 ms crawl of the site takes a minute, and the whole benchmark should stay near seven.
  const rounds = Math.min(ctx.rounds, 3);
  ctx.rounds = rounds; // what the result file and the report say ran
  await useDelay(0, { warm: true });
  const variants = [
    {
      name: 'no delay',
      run: async () => {
        await settle();
        return measuredCrawl({ maxPages: sizes.main, delayMs: 0 });
      },
    },
    {
      name: `kumo, ${DELAY_MS} ms delay`,
      run: async () => {
        await settle();
        return measuredCrawl({ maxPages: sizes.main, delayMs: DELAY_MS, politeness: { delayMs: DELAY_MS } });
      },
    },
  ];
  const out = await interleave(ctx, variants, { rounds, warmup: 1 });
  const polite = out[variants[1].name].values;
  const fast = out[variants[0].name].values;
  for (const r of [...polite, ...fast]) {
    if (r.fetched !== expected.fetched.size && !ctx.quick)
      ctx.note(`crawl ${r.crawlId} fetched ${r.fetched} pages, the site has ${expected.fetched.size} at depth 3`);
  }
  const pick = (values, field) => values.map((v) => v[field]);
  // Each figure of the delayed crawls against the same figure of the no-delay crawls.
  for (const [field, metric] of [
    [
      'cpuMsPerPage',
      {
        id: 'cpu-per-page',
        label: `CPU ms per fetched page, ${DELAY_MS} ms delay vs none`,
        unit: 'CPU ms',
        target: { op: '<=', value: 1.2 },
        note: 'API, crawl-worker and analysis-worker (supervisors and their workers) and redis-server, from /proc',
      },
    ],
    [
      'redisCommandsPerPage',
      {
        id: 'redis-commands-per-page',
        label: `Redis commands per fetched page, ${DELAY_MS} ms delay vs none`,
        unit: 'commands',
        target: { op: '<=', value: 1.2 },
        note: "INFO stats total_commands_processed (commands inside Lua scripts included), the bench's own reads excluded",
      },
    ],
    [
      'startsPerPage',
      {
        id: 'starts-per-page',
        label: `crawl job starts per page, ${DELAY_MS} ms delay`,
        unit: 'starts',
        note:
          "BullMQ's attemptsStarted (`ats` in each job's hash), summed over the crawl's jobs and divided by its pages " +
          '(fetched, failed or skipped: one job each); CPU and Redis commands are per fetched page',
      },
    ],
    ['maxStarts', { id: 'max-starts', label: `most starts of one crawl job, ${DELAY_MS} ms delay`, unit: 'starts' }],
  ]) {
    ctx.metric({
      ...metric,
      kumo: pick(polite, field),
      baseline: pick(fast, field),
      baselineLabel: 'same crawl, no delay',
    });
  }

  // What the system costs doing nothing, for reading the figures above: a 250 ms crawl runs several times longer than
  // the no-delay one, and that time's idle work (timers, BullMQ's polling, Redis's own cron) is in its figures too.
  const idle = await idleCost({ groups: { ...kumo.processGroups(), redis: [redis.pid] }, client, ms: IDLE_MS });
  /** A figure per fetched page without what the idle system would have cost over the crawl's duration. */
  const net = (runs, field, perSecond) => runs.map((r) => (r[field] - (perSecond * r.ms) / 1000) / r.fetched);
  ctx.metric({
    id: 'cpu-per-page-net',
    label: `CPU ms per fetched page above the idle system, ${DELAY_MS} ms delay vs none`,
    unit: 'CPU ms',
    kumo: net(polite, 'cpuSeconds', idle.cpuSecondsPerSecond).map((v) => v * 1000),
    baseline: net(fast, 'cpuSeconds', idle.cpuSecondsPerSecond).map((v) => v * 1000),
    baselineLabel: 'same crawl, no delay',
    note:
      `the idle system (every kumo process and redis-server, for ${IDLE_MS / 1000} s from ${SETTLE_MS / 1000} s after ` +
      `the crawls) used ` +
      `${round(idle.cpuSecondsPerSecond * 1000)} CPU ms/s and ${round(idle.commandsPerSecond)} Redis commands/s; ` +
      "over a crawl's duration that is subtracted here, and counted in the figures above",
  });
  ctx.metric({
    id: 'redis-commands-per-page-net',
    label: `Redis commands per fetched page above the idle system, ${DELAY_MS} ms delay vs none`,
    unit: 'commands',
    kumo: net(polite, 'redisCommands', idle.commandsPerSecond),
    baseline: net(fast, 'redisCommands', idle.commandsPerSecond),
    baselineLabel: 'same crawl, no delay',
  });

  // A host whose limit is its concurrency, not a delay: the crawl allows one request at a time, the deployment has no
  // delay. Its jobs are planned as far apart as a request holds its slot; planned by the fetch time alone (before
  // session 22) they came due before their slot freed and were started 1.5 times a page.
  await settle();
  const oneAtATime = await measuredCrawl({ maxPages: sizes.main, delayMs: 0, politeness: { concurrency: 1 } });
  startsMetrics(ctx, 'one-at-a-time', 'one request at a time (`politeness.concurrency: 1`), no delay', oneAtATime);
  ctx.metric({
    id: 'cpu-per-page-one-at-a-time',
    label: 'CPU ms per fetched page, one request at a time vs the no-delay crawl (4 at a time)',
    unit: 'CPU ms',
    kumo: [oneAtATime.cpuMsPerPage],
    baseline: fast.map((r) => r.cpuMsPerPage),
    baselineLabel: 'same crawl, no delay',
  });

  // What the machine itself charges work for the wait before it, measured while kumo idles: each page of the 250 ms
  // crawl runs after such a wait, the no-delay crawl's pages one after another.
  const cold = await coldWorkCost(
    ctx.quick
      ? { site: SITE, longMs: DELAY_MS, rounds: 1, shortPages: 50, longPages: 8 }
      : { site: SITE, longMs: DELAY_MS },
  );
  ctx.metric({
    id: 'cold-work',
    label: `the same work after a ${DELAY_MS} ms sleep vs after a ${cold.shortMs} ms one: CPU of the crawler's parse of a page`,
    unit: 'CPU µs',
    kumo: cold.longUs,
    baseline: cold.shortUs,
    baselineLabel: `after a ${cold.shortMs} ms sleep`,
    note:
      "a machine figure, not kumo's: decode and parse of the site's pages (no I/O) in a process of their own while " +
      'kumo idles, compiled and warm; after a long sleep caches and TLBs are cold and the same instructions cost more',
  });

  // 2. Fairness: two crawls of the host, the second submitted a few seconds after the first (crawl processes still
  // at the 250 ms delay).
  const fairness = await fairCrawls(ctx, { crawlOnce, newRequests, jobStarts, useDelay, maxPages: sizes.fair });

  // 3. Job starts under the default politeness and under a 1 s delay (a smaller crawl: it takes a second a page).
  const defaultRun = await (async () => {
    await useDelay(defaults.CRAWL_HOST_DELAY_MS, { warm: false });
    return measuredCrawl({ maxPages: sizes.defaults, delayMs: defaults.CRAWL_HOST_DELAY_MS });
  })();
  const slowRun = await (async () => {
    await useDelay(SLOW_DELAY_MS, { warm: false });
    return measuredCrawl({ maxPages: sizes.slow, delayMs: SLOW_DELAY_MS });
  })();
  startsMetrics(ctx, 'default', `default politeness (${defaults.CRAWL_HOST_DELAY_MS} ms)`, defaultRun);
  startsMetrics(ctx, 'slow', `${SLOW_DELAY_MS} ms delay, ${r0(slowRun.fetched)} pages`, slowRun);

  // 4. Exactness: no two request starts closer than the delay, as the host saw them. The figure is the smallest gap
  // over every run at that delay (one early request is a miss, whatever the other runs did).
  for (const [label, runs, delay] of [
    [`${DELAY_MS} ms delay (every round and the fairness run)`, [...polite, fairness], DELAY_MS],
    [`default politeness (${defaults.CRAWL_HOST_DELAY_MS} ms)`, [defaultRun], defaults.CRAWL_HOST_DELAY_MS],
    [`${SLOW_DELAY_MS} ms delay`, [slowRun], SLOW_DELAY_MS],
  ]) {
    const early = runs.reduce((n, r) => n + r.gaps.early, 0);
    ctx.metric({
      id: `min-gap-${delay}`,
      label: `smallest gap between two request starts, ${label}`,
      unit: 'ms',
      kumo: [Math.min(...runs.map((r) => r.gaps.minMs))],
      target: { op: '>=', value: delay },
      targetOn: 'kumo',
      note:
        `${early} of ${runs.reduce((n, r) => n + r.requests, 0)} requests started certainly less than ${delay} ms ` +
        `after the previous one; smallest gap on the server's clock ` +
        `${round(Math.min(...runs.map((r) => r.gaps.rawMinMs)))} ms. The figure allows for the server's own ` +
        'scheduling (a gap is at most the time from the heartbeat before the earlier request to the later one; ' +
        "examples in the result's data)",
    });
  }

  const brief = (r) => ({
    crawlId: r.crawlId,
    pages: r.pages,
    fetched: r.fetched,
    ms: round(r.ms),
    done: r.done,
    cpuSeconds: round(r.cpuSeconds),
    cpu: Object.fromEntries(Object.entries(r.cpu).map(([k, v]) => [k, round(v)])),
    cpuMsPerPage: round(r.cpuMsPerPage),
    redisCommands: r.redisCommands,
    redisCommandsPerPage: round(r.redisCommandsPerPage),
    topCommandsPerPage: r.topCommandsPerPage,
    jobs: r.jobs,
    starts: r.starts,
    startsPerPage: round(r.startsPerPage),
    maxStarts: r.maxStarts,
    requests: r.requests,
    minGapMs: round(r.gaps.minMs),
    rawMinGapMs: round(r.gaps.rawMinMs),
    earlyRequests: r.gaps.early,
    earlyExamples: r.gaps.examples,
    machineBusyCores: round(r.busyCores),
  });
  ctx.data.settings = {
    site: SITE,
    maxDepth: MAX_DEPTH,
    expectedFetched: expected.fetched.size,
    sizes,
    hostConcurrency: defaults.CRAWL_HOST_CONCURRENCY,
    warmPages: WARM_PAGES,
    warmHosts: WARM_HOSTS,
    settleMs: SETTLE_MS,
    crawlProcesses: 2,
    crawlConcurrency: 20,
  };
  ctx.data.runs = Object.fromEntries(Object.entries(out).map(([k, { values }]) => [k, values.map(brief)]));
  ctx.data.oneAtATime = brief(oneAtATime);
  ctx.data.defaultPoliteness = { delayMs: defaults.CRAWL_HOST_DELAY_MS, ...brief(defaultRun) };
  ctx.data.slowDelay = { delayMs: SLOW_DELAY_MS, ...brief(slowRun) };
  ctx.data.fairness = fairness.data;
  ctx.data.coldWork = {
    shortMs: cold.shortMs,
    longMs: cold.longMs,
    shortUs: cold.shortUs.map(round),
    longUs: cold.longUs.map(round),
  };
  ctx.data.idle = {
    ms: IDLE_MS,
    cpuMsPerSecond: round(idle.cpuSecondsPerSecond * 1000),
    commandsPerSecond: round(idle.commandsPerSecond),
    cpuMsPerSecondByGroup: idle.byGroup,
  };

  ctx.chart(
    'per-page',
    `Per fetched page, ${DELAY_MS} ms delay vs none: CPU ms (median, min–max)`,
    barsChart(
      summaryRows(out, (v) => v.cpuMsPerPage),
      'CPU ms per fetched page',
    ),
  );
  ctx.chart(
    'redis-rounds',
    'Redis commands per fetched page, per round (interleaved)',
    roundsChart(out, (v) => v.redisCommandsPerPage, 'commands per fetched page'),
  );
  ctx.chart(
    'cpu',
    'Where the CPU goes: CPU ms per fetched page (median run)',
    cpuChart(out, { field: 'fetched', scale: 1000 }, 'CPU ms per fetched page'),
  );
  ctx.chart('fairness', 'Two crawls of one host, 250 ms delay: pages fetched over time', fairness.chart);
}

/**
 * Two crawls of the host, B posted `SECOND_CRAWL_AFTER_MS` after A: B's time to its first page, that time against
 * what A still had to run (1 or more: B waited for A), and B's share of the pages while both ran.
 */
async function fairCrawls(ctx, { crawlOnce, newRequests, jobStarts, useDelay, maxPages }) {
  await useDelay(DELAY_MS, { warm: false });
  await newRequests();
  const aStart = nowMs();
  const a = crawlOnce({ maxPages });
  await sleep(SECOND_CRAWL_AFTER_MS);
  const bStart = nowMs();
  const b = crawlOnce({ maxPages });
  const [ra, rb] = await Promise.all([a, b]);
  const requests = await newRequests();
  const aEnd = aStart + (ra.doneMs ?? ra.lastPageMs ?? Number.NaN);
  const bEnd = bStart + (rb.doneMs ?? rb.lastPageMs ?? Number.NaN);
  const bFirst = rb.firstPageMs ?? Number.NaN;
  const waitRatio = bFirst / (aEnd - bStart);
  const overlapEnd = Math.min(aEnd, bEnd);
  const inOverlap = (start, times) => times.filter((t) => start + t >= bStart && start + t <= overlapEnd).length;
  const aPages = inOverlap(aStart, ra.pageTimes);
  const bPages = inOverlap(bStart, rb.pageTimes);
  const startsA = await jobStarts(ra.id);
  const startsB = await jobStarts(rb.id);
  const gaps = requestGaps(requests, DELAY_MS);

  ctx.metric({
    id: 'fairness-first-page',
    label: `fairness: time to the first page of a crawl posted ${SECOND_CRAWL_AFTER_MS / 1000} s after another of the same host`,
    unit: 'ms',
    kumo: [bFirst],
  });
  ctx.metric({
    id: 'fairness-wait',
    label: "fairness: the second crawl's time to first page ÷ the time the first still ran (≥ 1: it waited)",
    unit: '×',
    kumo: [waitRatio],
    target: { op: '<', value: 1 },
    targetOn: 'kumo',
  });
  ctx.metric({
    id: 'fairness-share',
    label: "fairness: the second crawl's share of the host's pages while both ran (even: 0.5)",
    unit: 'share',
    kumo: [bPages / (aPages + bPages)],
  });
  if (ra.doneMs === null || rb.doneMs === null)
    ctx.note(`a fairness crawl did not reach done (${ra.endReason}, ${rb.endReason})`);

  const series = (label, start, times) =>
    times.map((t, i) => ({ t: round((start + t - aStart) / 1000), value: i + 1, series: label }));
  return {
    gaps,
    requests: requests.length,
    chart: timeChart(
      [
        ...series('crawl A', aStart, ra.pageTimes),
        ...series(`crawl B (+${SECOND_CRAWL_AFTER_MS / 1000} s)`, bStart, rb.pageTimes),
      ],
      {
        y: 'pages',
        step: true,
      },
    ),
    data: {
      maxPages,
      secondAfterMs: SECOND_CRAWL_AFTER_MS,
      a: {
        pages: ra.pages.total,
        fetched: ra.pages.fetched,
        ms: round(aEnd - aStart),
        firstPageMs: round(ra.firstPageMs),
        starts: sum(startsA),
        maxStarts: Math.max(0, ...startsA),
      },
      b: {
        pages: rb.pages.total,
        fetched: rb.pages.fetched,
        ms: round(bEnd - bStart),
        firstPageMs: round(bFirst),
        starts: sum(startsB),
        maxStarts: Math.max(0, ...startsB),
      },
      overlapMs: round(overlapEnd - bStart),
      pagesInOverlap: { a: aPages, b: bPages },
      bothRanTogether: bFirst + bStart < aEnd,
      waitRatio: round(waitRatio),
      requests: requests.length,
      minGapMs: round(gaps.minMs),
      rawMinGapMs: round(gaps.rawMinMs),
      earlyRequests: gaps.early,
      earlyExamples: gaps.examples,
    },
  };
}

/** Job starts per page (target 1.1) and most starts of one job (target 3) of a measured crawl. */
function startsMetrics(ctx, id, label, run) {
  ctx.metric({
    id: `starts-per-page-${id}`,
    label: `crawl job starts per page, ${label}`,
    unit: 'starts',
    kumo: [run.startsPerPage],
    target: { op: '<=', value: 1.1 },
    targetOn: 'kumo',
  });
  ctx.metric({
    id: `max-starts-${id}`,
    label: `most starts of one crawl job, ${label}`,
    unit: 'starts',
    kumo: [run.maxStarts],
    target: { op: '<=', value: 3 },
    targetOn: 'kumo',
  });
}

const sum = (values) => values.reduce((a, b) => a + b, 0);
const r0 = (n) => Math.round(n);
