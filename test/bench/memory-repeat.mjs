// `memory-repeat` (by name only): what Redis keeps once a crawl's TTLs have passed, crawl after crawl. The `memory`
// benchmark compares used_memory after one crawl's TTLs with the idle baseline; this one runs the same crawl several
// times on one Redis and asks whether the remainder grows with every crawl (data left behind) or stays put (a fixed
// cost of having run at all: Redis 7's latency histogram per command name, Lua scripts loaded on first use). At the
// end it resets those (CONFIG RESETSTAT, SCRIPT FLUSH), as it did once at the baseline, to show what is left besides.
import { setTimeout as sleep } from 'node:timers/promises';
import { KumoApi, runCrawl } from './lib/api-client.mjs';
import { info, openRedis, resetRedisStatistics } from './lib/redis.mjs';
import { median, round } from './lib/stats.mjs';
import { MEMORY_BENCH_TTLS, startMemoryBenchSystem } from './memory.mjs';

export const name = 'memory-repeat';
export const description =
  'Redis used_memory over the idle baseline after the bench TTLs have passed, after each of several identical ' +
  'crawls with analysis on one Redis: does the remainder grow per crawl? Then the same with Redis’s command ' +
  'statistics and script cache reset at the baseline and at the end.';

const PARTS = ['used_memory_dataset', 'used_memory_overhead', 'used_memory_scripts', 'number_of_cached_scripts'];

/** @param {import('./lib/context.mjs').BenchContext} ctx */
export async function run(ctx) {
  const pages = ctx.quick ? 100 : 500;
  const crawls = ctx.quick ? 2 : 3;
  const { redisServer, server, kumo } = await startMemoryBenchSystem(ctx, { pages, seed: 22 });
  const redis = openRedis(redisServer.url, 'bench:memory-repeat');
  ctx.defer(() => redis.quit());
  const api = new KumoApi(kumo.apiUrl, kumo.key);
  ctx.data.settings = { sitePages: pages, crawls, ttls: MEMORY_BENCH_TTLS };

  /** Medians of used_memory and its parts over a few seconds of samples. */
  const settle = async (seconds = 3) => {
    const samples = [];
    for (let i = 0; i < seconds * 5; i++) {
      samples.push(await info(redis, 'memory'));
      await sleep(200);
    }
    const of = (field) => median(samples.map((s) => Number(s[field])));
    return {
      used: of('used_memory'),
      parts: Object.fromEntries(PARTS.map((part) => [part, of(part)])),
      keys: await redis.dbsize(),
    };
  };

  await sleep(2000);
  const baseline = await settle();
  await resetRedisStatistics(redis);
  const baselineReset = await settle(2);
  const after = [];
  for (let round_ = 1; round_ <= crawls; round_++) {
    const crawl = await runCrawl(
      api,
      { urls: [`${server.url}/index.html`], maxDepth: 10, maxPages: 10_000, analyze: true },
      { idleTimeoutMs: 30_000 },
    );
    if (crawl.doneMs === null) ctx.blocked(`crawl ${round_} did not reach done (${crawl.endReason})`);
    ctx.log(`crawl ${round_}: ${crawl.pages.total} pages; waiting for the TTLs`);
    await sleep((Number(MEMORY_BENCH_TTLS.RESULT_TTL_S) + 10) * 1000);
    const settled = await settle();
    after.push(settled);
    ctx.log(`after crawl ${round_}: +${settled.used - baseline.used} B over baseline, ${settled.keys} keys`);
  }
  await resetRedisStatistics(redis);
  const flushed = await settle(2);

  const residue = after.map((a) => a.used - baseline.used);
  ctx.metric({
    id: 'after-ttl-by-crawl',
    label: `used_memory over baseline after the TTLs, after each of ${crawls} crawls`,
    unit: 'bytes',
    kumo: residue,
  });
  const growth = residue.slice(1).map((value, i) => value - (residue[i] ?? 0));
  ctx.metric({
    id: 'growth-per-crawl',
    label: 'growth of that remainder per further crawl',
    unit: 'bytes',
    kumo: growth,
    target: { op: '<=', value: 100 * 1024 },
    targetOn: 'kumo',
    note: 'what each crawl after the first leaves behind once its TTLs have passed',
  });
  ctx.metric({
    id: 'after-statistics-reset',
    label: 'used_memory over baseline after the last crawl’s TTLs, command statistics and script cache reset on both',
    unit: 'bytes',
    kumo: [flushed.used - baselineReset.used],
    target: { op: '<=', value: 100 * 1024 },
    targetOn: 'kumo',
  });
  ctx.data.byCrawl = after.map((a, i) => ({
    crawl: i + 1,
    overBaseline: a.used - baseline.used,
    keys: a.keys,
    parts: Object.fromEntries(PARTS.map((part) => [part, round(a.parts[part] - baseline.parts[part])])),
  }));
  ctx.data.baseline = baseline;
  ctx.data.baselineStatisticsReset = baselineReset;
  ctx.data.afterStatisticsReset = { ...flushed, overBaseline: flushed.used - baselineReset.used };
  ctx.note(
    `over baseline after each crawl's TTLs: ${residue.map((r) => `${round(r / 1024)} KB`).join(', ')}; ` +
      `with command statistics and script cache reset on both sides: ` +
      `${round((flushed.used - baselineReset.used) / 1024)} KB ` +
      `(${baseline.parts.number_of_cached_scripts} → ${after.at(-1)?.parts.number_of_cached_scripts} cached scripts)`,
  );
}
