// `api`: requests/s and p50/p99 of GET /v1/crawls/:id and POST /v1/crawls with autocannon (50 connections) against a
// bare Express app answering constant JSON bodies; and p99 of GET /v1/crawls/:id at a fixed request rate while 4
// crawls with analysis saturate the workers, against the same rate on an idle system.
import { createRequire } from 'node:module';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { KumoApi, runCrawl } from './lib/api-client.mjs';
import { barsChart, summaryRows } from './lib/charts.mjs';
import { interleave } from './lib/interleave.mjs';
import { openEventStream } from './lib/sse-client.mjs';
import { commandCalls, commandsPer, openRedis } from './lib/redis.mjs';
import { benchDir } from './lib/results.mjs';
import { prepareSite, startKumo, startListeningProcess, startRedis, startSiteProcess } from './lib/system.mjs';

const require = createRequire(import.meta.url);
const autocannon = require('autocannon');

export const name = 'api';
export const description =
  'autocannon, 50 connections: requests/s and p50/p99 of GET /v1/crawls/:id and POST /v1/crawls on one API process ' +
  'vs a bare Express 5 app (one process, constant JSON of the same size); and GET p99 at 200 requests/s while 4 ' +
  'crawls with analysis run vs idle.';

const CONNECTIONS = 50;
const LOADED_RATE = 200;

function cannon(options) {
  return new Promise((resolve, reject) => {
    autocannon({ connections: CONNECTIONS, ...options }, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

/** The figures of one autocannon run; fails the round when anything but 2xx came back. */
function figures(result, seconds) {
  const bad = result.non2xx + result.errors + result.timeouts;
  if (bad > 0) throw new Error(`${bad} non-2xx / errors / timeouts of ${result.requests.total} (${result.url})`);
  return {
    requestsPerSecond: result['2xx'] / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    total: result.requests.total,
  };
}

/** @param {import('./lib/context.mjs').BenchContext} ctx */
export async function run(ctx) {
  const seconds = ctx.quick ? 2 : 4;
  const sitePages = ctx.quick ? 100 : 300;
  const redisServer = await startRedis(ctx);
  // Four different sites: the analysis cache is by content, four copies of one site would be analysed once.
  const sites = await Promise.all([1, 2, 3, 4].map((seed) => prepareSite({ pages: sitePages, seed })));
  const servers = await Promise.all(sites.map((site) => startSiteProcess(ctx, site.dir)));
  const kumo = await startKumo(ctx, {
    redisUrl: redisServer.url,
    apps: ['api', 'crawl-worker', 'analysis-worker'],
    overrides: { API_PROCESSES: '1', WORKER_PROCESSES: '2' },
  });
  for (const reason of Object.values(kumo.blocked)) ctx.blocked(reason);
  if (!kumo.apiUrl) throw new Error('the API is not running: see blockedBy');
  const api = new KumoApi(kumo.apiUrl, kumo.key);
  const auth = { authorization: `Bearer ${kumo.key}`, 'content-type': 'application/json' };

  // A finished crawl to GET, and real response bodies for the Express app to answer with.
  const small = await runCrawl(api, {
    urls: [`${servers[0].url}/index.html`],
    maxDepth: 1,
    maxPages: 5,
    analyze: false,
  });
  const crawlId = small.id;
  const getBody = await api.getCrawl(crawlId);
  const postPayload = JSON.stringify({
    urls: [`${servers[0].url}/index.html`],
    maxDepth: 0,
    maxPages: 1,
    analyze: false,
  });
  const express = await startListeningProcess(ctx, [
    path.join(benchDir, 'baselines/express-app.mjs'),
    JSON.stringify({ getBody, postBody: { id: crawlId, status: 'queued', links: { self: `/v1/crawls/${crawlId}` } } }),
  ]);
  ctx.data.settings = {
    connections: CONNECTIONS,
    seconds,
    loadedRate: LOADED_RATE,
    sitePages,
    getBodyBytes: JSON.stringify(getBody).length,
  };

  // 1. Responsiveness under load, while the workers run (they are stopped for the throughput part).
  if (kumo.apps['crawl-worker'] && kumo.apps['analysis-worker']) {
    const getAtRate = async () =>
      figures(
        await cannon({
          url: `${kumo.apiUrl}/v1/crawls/${crawlId}`,
          headers: auth,
          duration: seconds,
          connections: 10,
          overallRate: LOADED_RATE,
        }),
        seconds,
      );
    const loaded = await interleave(ctx, [
      { name: 'idle', run: getAtRate },
      {
        name: 'loaded',
        async run() {
          const crawls = await Promise.all(
            servers.map((server) =>
              api.postCrawl({ urls: [`${server.url}/index.html`], maxDepth: 10, maxPages: 10_000, analyze: true }),
            ),
          );
          // Measure once analysis is under way in every crawl: the workers are saturated then.
          await Promise.all(crawls.map((crawl) => firstEvent(api, crawl.id, 'analysis')));
          const result = await getAtRate();
          const counts = await Promise.all(crawls.map((crawl) => api.getCrawl(crawl.id)));
          await Promise.all(crawls.map((crawl) => api.request(`/v1/crawls/${crawl.id}`, { method: 'DELETE' })));
          await Promise.all(crawls.map((crawl) => firstEvent(api, crawl.id, 'done', 120_000)));
          const running = counts.filter((c) => c.status === 'running').length;
          if (running < crawls.length)
            throw new Error(`only ${running} of 4 crawls were still running at the end of the window`);
          return result;
        },
      },
    ]);
    ctx.metric({
      id: 'p99-under-load',
      label: `GET p99 at ${LOADED_RATE} req/s, 4 crawls running vs idle`,
      unit: 'ms',
      kumo: loaded.loaded.values.map((v) => v.p99),
      baseline: loaded.idle.values.map((v) => v.p99),
      baselineLabel: 'idle system',
      target: { op: '<=', value: 3 },
    });
    ctx.data.underLoad = loaded;
  } else {
    ctx.blocked('the worker apps are not running: no p99 under load');
  }

  // Redis commands per request (INFO commandstats around a round): each one is a round trip the API waits for.
  const redis = openRedis(redisServer.url, 'bench:api');
  ctx.defer(() => redis.quit());
  const withRedisCommands = async (fn) => {
    const before = await commandCalls(redis);
    const result = await fn();
    const per = commandsPer(before, await commandCalls(redis), result.total);
    return { ...result, redisCommandsPerRequest: per.total, redisCommands: per.byCommand };
  };

  // 2. Throughput, API alone: no worker takes the crawls POST creates, as no worker answers the Express app.
  await kumo.stop('crawl-worker');
  await kumo.stop('analysis-worker');
  await sleep(1000);
  const out = await interleave(ctx, [
    {
      name: 'kumo GET',
      run: () =>
        withRedisCommands(async () =>
          figures(
            await cannon({ url: `${kumo.apiUrl}/v1/crawls/${crawlId}`, headers: auth, duration: seconds }),
            seconds,
          ),
        ),
    },
    {
      name: 'express GET',
      run: async () =>
        figures(
          await cannon({ url: `${express.url}/v1/crawls/${crawlId}`, headers: auth, duration: seconds }),
          seconds,
        ),
    },
    {
      name: 'kumo POST',
      run: () =>
        withRedisCommands(async () =>
          figures(
            await cannon({
              url: `${kumo.apiUrl}/v1/crawls`,
              method: 'POST',
              headers: auth,
              body: postPayload,
              duration: seconds,
            }),
            seconds,
          ),
        ),
    },
    {
      name: 'express POST',
      run: async () =>
        figures(
          await cannon({
            url: `${express.url}/v1/crawls`,
            method: 'POST',
            headers: auth,
            body: postPayload,
            duration: seconds,
          }),
          seconds,
        ),
    },
  ]);
  for (const method of ['GET', 'POST']) {
    const commands = out[`kumo ${method}`].values.at(-1)?.redisCommands;
    if (commands) {
      const list = Object.entries(commands).map(([command, n]) => `${command} ${Math.round(n * 100) / 100}`);
      ctx.note(`${method}: Redis commands per request (last round): ${list.join(', ')}`);
    }
    const kumoRuns = out[`kumo ${method}`].values;
    const expressRuns = out[`express ${method}`].values;
    ctx.metric({
      id: `${method.toLowerCase()}-rps`,
      label: `${method} ${method === 'GET' ? '/v1/crawls/:id' : '/v1/crawls'} requests/s`,
      unit: 'req/s',
      kumo: kumoRuns.map((v) => v.requestsPerSecond),
      baseline: expressRuns.map((v) => v.requestsPerSecond),
      baselineLabel: 'bare Express',
      target: { op: '>=', value: 0.5 },
    });
    ctx.metric({
      id: `${method.toLowerCase()}-redis-commands`,
      label: `${method}: Redis commands per request`,
      unit: 'commands',
      kumo: kumoRuns.map((v) => v.redisCommandsPerRequest),
      note: 'INFO commandstats around the round (every process on this Redis; the workers are stopped)',
    });
    for (const quantile of ['p50', 'p99']) {
      ctx.metric({
        id: `${method.toLowerCase()}-${quantile}`,
        label: `${method} latency ${quantile}`,
        unit: 'ms',
        kumo: kumoRuns.map((v) => v[quantile]),
        baseline: expressRuns.map((v) => v[quantile]),
        baselineLabel: 'bare Express',
      });
    }
  }
  ctx.chart(
    'rps',
    'Requests/s with 50 connections (median, min–max)',
    barsChart(
      summaryRows(out, (v) => v.requestsPerSecond),
      'requests/s',
    ),
  );
  ctx.chart(
    'p99',
    'p99 latency with 50 connections (median, min–max)',
    barsChart(
      summaryRows(out, (v) => v.p99),
      'ms',
    ),
  );
}

/** Resolves at the first event of `type` on a crawl's stream (replayed from the start, so none is missed). */
function firstEvent(api, id, type, timeoutMs = 60_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stream.close();
      reject(new Error(`no ${type} event on ${id} within ${timeoutMs} ms`));
    }, timeoutMs);
    const stream = openEventStream(api.eventsUrl(id), {
      key: api.key,
      onEvent: (event) => {
        if (event.type !== type) return;
        clearTimeout(timer);
        stream.close();
        resolve(event);
      },
    });
    void stream.ended.then(({ reason }) => {
      clearTimeout(timer);
      reject(new Error(`stream of ${id} ended before a ${type} event (${reason})`));
    });
  });
}
