// `memory`: Redis used_memory sampled every 200 ms before, during and after a 1,000-page crawl with analysis and
// until the (short, bench-configured) TTLs have passed, against the baseline of the same Redis with kumo idle; the key audit runs
// continuously alongside and must never find a kumo key without TTL; worker RSS per process.
import { setTimeout as sleep } from 'node:timers/promises';
import { auditKeyspace } from '@kumo/queues';
import { KumoApi, runCrawl } from './lib/api-client.mjs';
import { timeChart } from './lib/charts.mjs';
import { rssBytes } from './lib/procfs.mjs';
import { info, openRedis, resetRedisStatistics } from './lib/redis.mjs';
import { median, round } from './lib/stats.mjs';
import { prepareSite, startKumo, startRedis, startSiteProcess } from './lib/system.mjs';

export const name = 'memory';
export const description =
  'Redis used_memory every 200 ms around a 1,000-page crawl with analysis and after the bench TTLs pass ' +
  '(RESULT_TTL_S 60, TMP/CACHE/ROBOTS 10 s, completed jobs kept 1 s and swept every 5 s, event streams capped at ' +
  '100), vs the baseline of the same Redis with kumo started and idle; key audit on ' +
  'every sample (no kumo key without TTL); RSS per worker process.';

const SAMPLE_MS = 200;
/**
 * Samples after CONFIG RESETSTAT + SCRIPT FLUSH, on each side: longer than one retention sweep (5 s here), whose
 * scripts and command histograms come back within the window on both sides alike.
 */
const RESET_WINDOW_MS = 7000;
/** Where used_memory goes (INFO memory), to say what is left when the keys are gone. */
const PARTS = [
  'used_memory_dataset',
  'used_memory_overhead',
  'used_memory_scripts',
  'mem_clients_normal',
  'used_memory_startup',
  'mem_aof_buffer',
  'used_memory_vm_eval',
  'number_of_cached_scripts',
  'mem_total_replication_buffers',
  'lazyfree_pending_objects',
];
/** Bench TTLs: the shortest the configuration accepts, so expiry happens within the run. */
export const MEMORY_BENCH_TTLS = {
  RESULT_TTL_S: '60',
  TMP_TTL_S: '10',
  CACHE_TTL_S: '10',
  ROBOTS_CACHE_TTL_S: '10',
  QUEUE_KEEP_COMPLETED_S: '1',
  QUEUE_KEEP_FAILED_S: '1',
  QUEUE_SWEEP_INTERVAL_S: '5',
  // BullMQ's per-queue event streams are ring buffers of a fixed length (not per-crawl data); 100 instead of the
  // default 1,000 keeps their ~150 KB out of the "back to baseline" figure.
  QUEUE_EVENTS_MAX_LEN: '100',
};

/**
 * The memory benchmarks' system: its own redis-server, a generated site of `pages` in its own process, and every
 * kumo app with the bench TTLs. Throws (after recording why) when an app did not come up.
 * @param {import('./lib/context.mjs').BenchContext} ctx
 */
export async function startMemoryBenchSystem(ctx, { pages, seed }) {
  const redisServer = await startRedis(ctx);
  const site = await prepareSite({ pages, seed });
  const server = await startSiteProcess(ctx, site.dir);
  const kumo = await startKumo(ctx, {
    redisUrl: redisServer.url,
    apps: ['api', 'crawl-worker', 'analysis-worker'],
    overrides: { API_PROCESSES: '1', WORKER_PROCESSES: '2', ...MEMORY_BENCH_TTLS },
  });
  for (const reason of Object.values(kumo.blocked)) ctx.blocked(reason);
  if (!kumo.apiUrl || !kumo.apps['crawl-worker'] || !kumo.apps['analysis-worker'])
    throw new Error('kumo is not running: see blockedBy');
  return { redisServer, server, kumo };
}

/** @param {import('./lib/context.mjs').BenchContext} ctx */
export async function run(ctx) {
  const pages = ctx.quick ? 150 : 1000;
  const { redisServer, server, kumo } = await startMemoryBenchSystem(ctx, { pages, seed: 21 });
  const redis = openRedis(redisServer.url, 'bench:memory');
  const auditor = openRedis(redisServer.url, 'bench:audit');
  ctx.defer(() => redis.quit());
  ctx.defer(() => auditor.quit());
  ctx.data.settings = { sitePages: pages, sampleMs: SAMPLE_MS, ttls: MEMORY_BENCH_TTLS };

  const t0 = performance.now();
  const at = () => (performance.now() - t0) / 1000;
  const memory = [];
  const audits = [];
  const rss = new Map();
  let phase = 'baseline';
  let running = true;
  const workerPids = () =>
    Object.entries(kumo.apps).flatMap(([app, proc]) =>
      proc.childPids().map((pid, index) => ({ label: `${app} ${index + 1}`, pid })),
    );

  const memorySampler = (async () => {
    while (running) {
      const fields = await info(redis, 'memory');
      const used = Number(fields.used_memory);
      memory.push({
        t: at(),
        used,
        phase,
        parts: Object.fromEntries(PARTS.map((part) => [part, Number(fields[part])])),
      });
      for (const { label, pid } of workerPids()) {
        try {
          rss.set(label, Math.max(rss.get(label) ?? 0, rssBytes(pid)));
        } catch {
          // exited between listing and reading
        }
      }
      await sleep(SAMPLE_MS);
    }
  })();
  // The audit (SCAN + PTTL of every kumo key) runs back to back on its own connection; a key written without a
  // TTL would show between its write and any later EXPIRE.
  const auditSampler = (async () => {
    while (running) {
      const audit = await auditKeyspace(auditor, { prefix: kumo.prefix, sampleAbove: 1 });
      const withoutTtl = audit.purposes.reduce((sum, p) => sum + p.withoutTtl.count, 0);
      audits.push({
        t: at(),
        phase,
        keys: audit.totalKeys,
        queueKeys: audit.queues.keys,
        withoutTtl,
        unknown: audit.unknown.count,
        examples: [...audit.purposes.flatMap((p) => p.withoutTtl.keys), ...audit.unknown.keys].slice(0, 5),
      });
      await sleep(SAMPLE_MS);
    }
  })();

  await sleep(3000);
  const commandNamesAtBaseline = Object.keys(await info(redis, 'latencystats')).length;
  // The same baseline once more with Redis's command statistics and script cache reset, to compare with the end.
  await resetRedisStatistics(redis);
  phase = 'baseline, statistics reset';
  await sleep(RESET_WINDOW_MS);
  phase = 'crawl';
  const crawl = await runCrawl(
    new KumoApi(kumo.apiUrl, kumo.key),
    { urls: [`${server.url}/index.html`], maxDepth: 10, maxPages: 10_000, analyze: true },
    { idleTimeoutMs: 30_000 },
  );
  if (crawl.doneMs === null) ctx.blocked(`the crawl did not reach done (${crawl.endReason})`);
  const doneAt = at();
  phase = 'after done';
  // Past the longest TTL, plus Redis's active expiry cycle and the last retention trims.
  const ttlWaitS = Number(MEMORY_BENCH_TTLS.RESULT_TTL_S) + 10;
  ctx.log(`crawl done (${crawl.pages.total} pages); waiting ${ttlWaitS} s for the TTLs`);
  await sleep(Number(MEMORY_BENCH_TTLS.RESULT_TTL_S) * 1000);
  phase = 'after TTL';
  await sleep(10_000);
  const commandNamesAfterTtl = Object.keys(await info(redis, 'latencystats')).length;
  await resetRedisStatistics(redis);
  phase = 'after TTL, statistics reset';
  await sleep(RESET_WINDOW_MS);
  running = false;
  await Promise.all([memorySampler, auditSampler]);
  // What Redis itself says is left: keys of any kind (expired ones not yet reclaimed count here) and its breakdown.
  const stats = await redis.call('MEMORY', 'STATS');
  ctx.data.memoryStatsAfterTtl = Object.fromEntries(
    stats.flatMap((value, i) => (i % 2 === 0 && typeof stats[i + 1] !== 'object' ? [[value, stats[i + 1]]] : [])),
  );
  ctx.note(
    `DBSIZE after the TTLs: ${await redis.dbsize()}; MEMORY STATS: ${JSON.stringify(ctx.data.memoryStatsAfterTtl)}`,
  );
  const leftovers = await largestKeys(redis, `${kumo.prefix}:*`);
  const partsOf = (p) =>
    Object.fromEntries(
      PARTS.map((part) => [part, median(memory.filter((m) => m.phase === p).map((m) => m.parts[part]))]),
    );
  const partsBaseline = partsOf('baseline');
  const partsAfter = partsOf('after TTL');
  ctx.data.memoryParts = { baseline: partsBaseline, afterTtl: partsAfter };
  ctx.note(
    'after the TTLs vs baseline, by INFO memory field (median bytes): ' +
      PARTS.map((part) => `${part} ${Math.round(partsAfter[part] - partsBaseline[part])}`).join(', '),
  );

  const used = (p) => memory.filter((m) => m.phase === p).map((m) => m.used);
  const baseline = median(used('baseline'));
  const peak = Math.max(...memory.map((m) => m.used));
  const atDone = memory.find((m) => m.t >= doneAt)?.used ?? Number.NaN;
  const afterTtl = used('after TTL');
  const pageCount = crawl.pages.total;
  const finalKeys = audits.filter((a) => a.phase === 'after TTL').at(-1);

  ctx.metric({
    id: 'baseline',
    label: 'used_memory, empty Redis (apps connected)',
    unit: 'bytes',
    kumo: used('baseline'),
  });
  ctx.metric({
    id: 'peak-per-page',
    label: 'bytes per page at peak (over baseline)',
    unit: 'bytes/page',
    kumo: [(peak - baseline) / pageCount],
  });
  ctx.metric({
    id: 'done-per-page',
    label: 'bytes per page at done (over baseline)',
    unit: 'bytes/page',
    kumo: [(atDone - baseline) / pageCount],
  });
  ctx.metric({
    id: 'after-ttl',
    label: 'used_memory after the TTLs, over baseline',
    unit: 'bytes',
    kumo: afterTtl.map((u) => u - baseline),
    target: { op: '<=', value: 100 * 1024 },
    targetOn: 'kumo',
  });
  const baselineReset = median(used('baseline, statistics reset'));
  ctx.data.commandNames = { baseline: commandNamesAtBaseline, afterTtl: commandNamesAfterTtl };
  ctx.note(
    `command names Redis keeps a latency histogram for: ${commandNamesAtBaseline} at baseline, ` +
      `${commandNamesAfterTtl} after the TTLs`,
  );
  ctx.metric({
    id: 'after-ttl-statistics-reset',
    label: 'used_memory after the TTLs, over baseline, Redis’s command statistics and script cache reset on both',
    unit: 'bytes',
    kumo: used('after TTL, statistics reset').map((u) => u - baselineReset),
    target: { op: '<=', value: 100 * 1024 },
    targetOn: 'kumo',
    note:
      'what the crawl left in Redis apart from Redis’s own per-command latency histograms (~25 KB per command ' +
      'name first called during the crawl) and the Lua scripts loaded on first use: CONFIG RESETSTAT and SCRIPT ' +
      'FLUSH before both samples',
  });
  ctx.metric({
    id: 'without-ttl',
    label: `kumo keys without TTL (max over ${audits.length} audits)`,
    unit: 'keys',
    kumo: [Math.max(...audits.map((a) => a.withoutTtl + a.unknown))],
    target: { op: '<=', value: 0 },
    targetOn: 'kumo',
  });
  for (const [label, bytes] of [...rss.entries()].sort()) {
    ctx.metric({ id: `rss:${label}`, label: `peak RSS, ${label}`, unit: 'MiB', kumo: [bytes / 2 ** 20] });
  }
  const offenders = audits.filter((a) => a.withoutTtl + a.unknown > 0);
  if (offenders.length > 0)
    ctx.note(`keys without TTL seen in ${offenders.length} audits, e.g. ${offenders[0].examples.join(', ')}`);
  ctx.data.crawl = { pages: pageCount, analyses: crawl.analyses, doneS: round(crawl.doneMs / 1000) };
  ctx.data.remainingKeysAfterTtl = finalKeys ?? null;
  ctx.data.largestKeysAfterTtl = leftovers;
  if (leftovers.length > 0) {
    ctx.note(
      `after the TTLs ${finalKeys?.keys ?? '?'} kumo keys remain (${finalKeys?.queueKeys ?? '?'} BullMQ); largest: ` +
        leftovers
          .slice(0, 3)
          .map((k) => `${k.key} (${k.type}, ${k.bytes} B)`)
          .join(', '),
    );
  }
  ctx.data.audits = { count: audits.length, keysMax: Math.max(...audits.map((a) => a.keys)) };
  ctx.chart(
    'used-memory',
    `Redis used_memory (MiB), ${pageCount}-page crawl with analysis; done at ${doneAt.toFixed(0)} s`,
    timeChart(
      [
        ...memory.map((m) => ({ t: round(m.t), value: round(m.used / 2 ** 20), series: 'used_memory' })),
        ...memory.map((m) => ({ t: round(m.t), value: round(baseline / 2 ** 20), series: 'baseline (kumo idle)' })),
      ],
      { y: 'MiB' },
    ),
  );
  ctx.chart(
    'keys',
    'kumo keys (audit) over time, and keys without TTL',
    timeChart(
      [
        ...audits.map((a) => ({ t: round(a.t), value: a.keys, series: 'kumo keys (incl. BullMQ)' })),
        ...audits.map((a) => ({ t: round(a.t), value: a.withoutTtl + a.unknown, series: 'without TTL' })),
      ],
      { y: 'keys' },
    ),
  );
}

/** The largest keys matching `pattern` (MEMORY USAGE), to say what is left once the TTLs have passed. */
async function largestKeys(client, pattern, top = 10) {
  const found = [];
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      found.push({
        key,
        type: await client.type(key),
        bytes: Number(await client.call('MEMORY', 'USAGE', key)),
        ttlMs: await client.pttl(key),
      });
    }
  } while (cursor !== '0');
  return found.sort((a, b) => b.bytes - a.bytes).slice(0, top);
}
