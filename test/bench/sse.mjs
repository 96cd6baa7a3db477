// `sse`: 1,000 SSE clients on one API process following one crawl with analysis: events delivered per second, the
// delay from the Redis stream append (the event id is its time) to each client, and the API's Redis connections
// with 1 client vs 1,000 (the design: one blocking reader per active bucket per process, never one per client).
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { KumoApi } from './lib/api-client.mjs';
import { timeChart } from './lib/charts.mjs';
import { clientsByName, deleteMatching, info, openRedis } from './lib/redis.mjs';
import { openEventStream } from './lib/sse-client.mjs';
import { bin, extent, quantile, round } from './lib/stats.mjs';
import { prepareSite, startKumo, startRedis, startSiteProcess } from './lib/system.mjs';

export const name = 'sse';
export const description =
  '1,000 SSE clients on one API process following one crawl with analysis (150-page site): events delivered/s, ' +
  'append → client delay (p50/p99, live events only), and the API’s Redis connections with 1 vs 1,000 clients.';

/** Connections the API process holds (its command and SSE-reader connections are named after the prefix). */
function apiConnections(byName, prefix) {
  return Object.entries(byName)
    .filter(([name]) => name.startsWith('kumo:api') && name.endsWith(`:${prefix}`))
    .reduce((sum, [, count]) => sum + count, 0);
}

/** @param {import('./lib/context.mjs').BenchContext} ctx */
export async function run(ctx) {
  const clients = ctx.quick ? 200 : 1000;
  const sitePages = ctx.quick ? 60 : 150;
  const redisServer = await startRedis(ctx);
  const site = await prepareSite({ pages: sitePages, seed: 11 });
  const server = await startSiteProcess(ctx, site.dir);
  const kumo = await startKumo(ctx, {
    redisUrl: redisServer.url,
    apps: ['api', 'crawl-worker', 'analysis-worker'],
    overrides: { API_PROCESSES: '1', WORKER_PROCESSES: '2' },
  });
  for (const reason of Object.values(kumo.blocked)) ctx.blocked(reason);
  if (!kumo.apiUrl || !kumo.apps['crawl-worker'] || !kumo.apps['analysis-worker'])
    throw new Error('kumo is not running: see blockedBy');
  const api = new KumoApi(kumo.apiUrl, kumo.key);
  const redis = openRedis(redisServer.url, 'bench:sse');
  ctx.defer(() => redis.quit());
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  ctx.defer(() => agent.destroy());
  ctx.data.settings = { clients, sitePages };

  const rounds = [];
  for (let r = -1; r < ctx.rounds; r++) {
    await deleteMatching(redis, `${kumo.prefix}:cache:analysis:*`);
    const idleConnections = apiConnections(await clientsByName(redis), kumo.prefix);
    // The warm-up round follows a quarter of the site: it warms the same code in a quarter of the time.
    const created = await api.postCrawl({
      urls: [`${server.url}/index.html`],
      maxDepth: 10,
      maxPages: r < 0 ? Math.ceil(sitePages / 4) : 10_000,
      analyze: true,
    });

    /** Per client: when it opened, events received, done seen; delays of live events go to one list. */
    const states = [];
    const delays = [];
    const deliveries = [];
    const open = () => {
      const state = { openedAt: Number.NaN, events: 0, done: false };
      states.push(state);
      state.stream = openEventStream(api.eventsUrl(created.id), {
        key: api.key,
        agent,
        onOpen: ({ at }) => (state.openedAt = at),
        onEvent: (event) => {
          state.events += 1;
          deliveries.push(event.at);
          const appended = Number(event.id?.split('-')[0]);
          // Replayed events (appended before this client connected) measure the replay, not the fan-out.
          if (appended >= state.openedAt) delays.push(event.at - appended);
          if (event.type === 'done') state.done = true;
        },
      });
    };
    open();
    await sleep(500);
    const oneClient = apiConnections(await clientsByName(redis), kumo.prefix);
    for (let i = 1; i < clients; i++) open();

    const samples = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const byName = await clientsByName(redis);
        const total = Number((await info(redis, 'clients')).connected_clients);
        samples.push({ at: performance.now(), api: apiConnections(byName, kumo.prefix), total });
        await sleep(250);
      }
    })();
    const giveUp = new AbortController();
    const ends = await Promise.race([
      Promise.all(states.map((s) => s.stream.ended)),
      sleep(300_000, null, { signal: giveUp.signal }).catch(() => null),
    ]);
    giveUp.abort();
    sampling = false;
    await sampler;
    if (!ends) states.forEach((s) => s.stream.close());

    const doneClients = states.filter((s) => s.done).length;
    const events = states.reduce((sum, s) => sum + s.events, 0);
    const [first, last] = extent(deliveries);
    const result = {
      clients: states.length,
      doneClients,
      events,
      eventsPerClient: events / states.length,
      deliveredPerSecond: (events / (last - first)) * 1000,
      delayP50: quantile(delays, 0.5),
      delayP99: quantile(delays, 0.99),
      liveEvents: delays.length,
      idleConnections,
      oneClientConnections: oneClient,
      maxApiConnections: Math.max(...samples.map((s) => s.api)),
      minApiConnections: Math.min(...samples.map((s) => s.api)),
      maxTotalConnections: Math.max(...samples.map((s) => s.total)),
    };
    ctx.log(
      `${r < 0 ? 'warm-up' : `round ${r + 1}/${ctx.rounds}`}: ${JSON.stringify(Object.fromEntries(Object.entries(result).map(([k, v]) => [k, round(v)])))}`,
    );
    if (r >= 0) {
      rounds.push(result);
      if (doneClients < states.length)
        ctx.note(`round ${r + 1}: only ${doneClients} of ${states.length} clients saw done`);
      if (r === ctx.rounds - 1) {
        const rate = bin(
          deliveries.map((t) => t - first),
          500,
        ).map((b) => ({ t: b.t / 1000, value: b.count * 2, series: 'events delivered/s' }));
        ctx.chart(
          'delivery',
          `Events delivered per second to ${states.length} clients (last round)`,
          timeChart(rate, { y: 'events/s', step: true }),
        );
      }
    }
  }

  ctx.metric({
    id: 'delivered',
    label: `events delivered/s to ${clients} clients`,
    unit: 'events/s',
    kumo: rounds.map((r) => r.deliveredPerSecond),
  });
  ctx.metric({ id: 'delay-p50', label: 'append → client delay p50', unit: 'ms', kumo: rounds.map((r) => r.delayP50) });
  ctx.metric({ id: 'delay-p99', label: 'append → client delay p99', unit: 'ms', kumo: rounds.map((r) => r.delayP99) });
  ctx.metric({
    id: 'connections',
    label: `API Redis connections, ${clients} clients vs 1`,
    unit: 'connections',
    kumo: rounds.map((r) => r.maxApiConnections),
    baseline: rounds.map((r) => r.oneClientConnections),
    baselineLabel: '1 client',
    target: { op: '<=', value: 1 },
  });
  ctx.data.rounds = rounds.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, round(v)])));
}
