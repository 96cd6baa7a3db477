// `cluster`: crawl pages/s through the whole system on a local Redis Cluster (3 masters + 3 replicas) vs a single
// redis-server, in the same run, interleaved. On 2 shared cores the six cluster nodes, both kumo systems and the site
// compete for the same CPUs: this is a functional figure (kumo runs unchanged on a cluster, at what cost here), not
// a capacity figure — a real cluster spreads its nodes over machines.
// Not in the default run (`npm run bench`): `npm run bench -- cluster` (registered in run.mjs as an extra).
import { startRedisCluster } from '@kumo/local-redis';
import { KumoApi, runCrawl } from './lib/api-client.mjs';
import { barsChart, roundsChart, summaryRows } from './lib/charts.mjs';
import { interleave } from './lib/interleave.mjs';
import { round } from './lib/stats.mjs';
import { prepareSite, startKumo, startRedis, startSiteProcess } from './lib/system.mjs';

export const name = 'cluster';
export const description =
  'Pages/s of a generated site through API → crawl workers (2 processes × 20 jobs) → done, analyze: false, on a ' +
  'local Redis Cluster (3 masters + 3 replicas, cluster-node-timeout 5 s) vs a single redis-server, both systems ' +
  'running side by side and crawled alternately. 2 shared cores: a functional figure, not capacity.';

const APPS = ['api', 'crawl-worker', 'analysis-worker'];
const MAX_DEPTH = 10;
const OVERRIDES = { API_PROCESSES: '1', WORKER_PROCESSES: '2', CRAWL_CONCURRENCY: '20' };

/** One crawl through the API of `kumo`, followed over SSE; pages/s from the POST to `done`. */
async function crawl(kumo, seed) {
  const api = new KumoApi(kumo.apiUrl, kumo.key);
  const result = await runCrawl(
    api,
    { urls: [seed], maxDepth: MAX_DEPTH, maxPages: 10_000, analyze: false },
    { idleTimeoutMs: 20_000 },
  );
  if (result.pages.total === 0) throw new Error(`no page event: ${result.endReason}`);
  const ms = result.doneMs ?? result.lastPageMs;
  return {
    pages: result.pages.total,
    ms,
    done: result.doneMs !== null,
    endReason: result.endReason,
    pagesPerSecond: (result.pages.total / ms) * 1000,
  };
}

/** @param {import('./lib/context.mjs').BenchContext} ctx */
export async function run(ctx) {
  const pages = ctx.quick ? 300 : 1000;
  const site = await prepareSite({ pages });
  const server = await startSiteProcess(ctx, site.dir);
  const seed = `${server.url}/index.html`;

  const redis = await startRedis(ctx);
  const cluster = await startRedisCluster({ dir: ctx.tmp('cluster'), masters: 3, replicasPerMaster: 1 });
  ctx.defer(() => cluster.stop());

  const single = await startKumo(ctx, { redisUrl: redis.url, apps: APPS, overrides: OVERRIDES });
  const onCluster = await startKumo(ctx, {
    redis: { REDIS_CLUSTER_NODES: cluster.nodes.join(',') },
    apps: APPS,
    overrides: OVERRIDES,
  });
  for (const [label, kumo] of [
    ['single Redis', single],
    ['cluster', onCluster],
  ]) {
    for (const reason of Object.values(kumo.blocked)) ctx.blocked(`${label}: ${reason}`);
  }
  if (
    !single.apiUrl ||
    !onCluster.apiUrl ||
    Object.keys(single.blocked).length + Object.keys(onCluster.blocked).length > 0
  ) {
    throw new Error('kumo is not running on both Redis setups: see blockedBy');
  }
  ctx.data.settings = {
    sitePages: pages,
    clusterNodes: cluster.nodes.length,
    clusterMasters: (await cluster.masters()).length,
    ...OVERRIDES,
  };

  const variants = [
    { name: 'single', run: () => crawl(single, seed) },
    { name: 'cluster', run: () => crawl(onCluster, seed) },
  ];
  const out = await interleave(ctx, variants);
  for (const [variant, { values }] of Object.entries(out)) {
    for (const value of values)
      if (!value.done) ctx.blocked(`a ${variant} crawl did not reach done (${value.endReason})`);
  }
  const rate = (variant) => out[variant].values.map((v) => v.pagesPerSecond);
  ctx.metric({
    id: 'cluster-vs-single',
    label: 'crawl pages/s, Redis Cluster vs single Redis',
    unit: 'pages/s',
    kumo: rate('cluster'),
    baseline: rate('single'),
    baselineLabel: 'same system on one redis-server',
    note: 'functional figure on 2 shared cores (six cluster nodes on the same CPUs), not a capacity figure',
  });
  ctx.note(
    'On 2 shared cores the cluster costs CPU the crawl would otherwise use (six redis-server processes, replication, ' +
      'one connection per node per client): read the ratio as "runs unchanged, at this overhead here", not as capacity.',
  );
  ctx.data.runs = Object.fromEntries(
    Object.entries(out).map(([variant, { values }]) => [
      variant,
      values.map((v) => ({ pages: v.pages, ms: round(v.ms), pagesPerSecond: round(v.pagesPerSecond) })),
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
}
