#!/usr/bin/env node
// `npm run profile -- <app> [--pages N] [--no-analyze] [--delay MS] [--idle SECONDS] [--http SECONDS] [--out DIR]`: runs the whole system as the benchmarks do, with
// the named app's processes (its supervisor and every worker) under `node --cpu-prof` (node:cluster workers inherit
// the primary's flags), drives one crawl of a generated site to `done`, stops the app gracefully so V8
// writes its profiles, and prints the .cpuprofile paths with each one's top self-time functions. With `--idle S`
// there is no crawl: the app just runs idle for S seconds (the `idle` benchmark's evidence); with `--http S`, the
// crawl is followed by S seconds of autocannon on GET and POST (the `api` benchmark's evidence); with `--delay MS` the
// crawl workers keep MS between requests to the host (`CRAWL_HOST_DELAY_MS`: the `politeness` benchmark's evidence).
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { KumoApi, runCrawl } from './lib/api-client.mjs';
import { BenchContext } from './lib/context.mjs';
import { topFunctions, topOwners } from './lib/cpuprofile.mjs';
import { benchDir } from './lib/results.mjs';
import { prepareSite, startKumo, startRedis, startSiteProcess } from './lib/system.mjs';

const APPS = ['api', 'crawl-worker', 'analysis-worker'];
const require = createRequire(import.meta.url);
const autocannon = require('autocannon');

const cannon = (options) =>
  new Promise((resolve, reject) => autocannon(options, (error, result) => (error ? reject(error) : resolve(result))));

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      pages: { type: 'string', default: '300' },
      'no-analyze': { type: 'boolean', default: false },
      delay: { type: 'string' },
      idle: { type: 'string' },
      http: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const app = positionals[0];
  if (!APPS.includes(app))
    throw new Error(
      `usage: npm run profile -- <${APPS.join('|')}> [--pages N] [--no-analyze] [--delay MS] [--idle S] [--http S] [--out DIR]`,
    );
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const dir = path.resolve(values.out ?? path.join(benchDir, 'profiles', `${app}-${stamp}`));
  const ctx = new BenchContext({ name: `profile-${app}`, rounds: 1, quick: false, log: (line) => console.error(line) });
  try {
    const redis = await startRedis(ctx);
    const site = await prepareSite({ pages: Number(values.pages) });
    const server = await startSiteProcess(ctx, site.dir);
    const others = APPS.filter((name) => name !== app);
    const kumo = await startKumo(ctx, {
      redisUrl: redis.url,
      apps: others,
      overrides: {
        API_PROCESSES: '1',
        WORKER_PROCESSES: '2',
        ...(values.delay === undefined ? {} : { CRAWL_HOST_DELAY_MS: values.delay }),
      },
    });
    // The profiled app joins the same prefix under `node --cpu-prof`; node:cluster gives its workers the same flags
    // (Node 20 refuses --cpu-prof in NODE_OPTIONS, so the flags go on the command line).
    await kumo.restart(app, {}, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
    if (Object.keys(kumo.blocked).length > 0) throw new Error(Object.values(kumo.blocked).join('\n'));

    if (values.idle !== undefined) {
      // The idle benchmark's question: what does a process with nothing to do spend its CPU on?
      ctx.log(`leaving ${app} idle for ${values.idle} s under --cpu-prof`);
      await sleep(Number(values.idle) * 1000);
    } else {
      const analyze = !values['no-analyze'];
      ctx.log(`crawling ${site.manifest.pages.length} pages (analyze: ${analyze}) with ${app} under --cpu-prof`);
      const result = await runCrawl(
        new KumoApi(kumo.apiUrl, kumo.key),
        { urls: [`${server.url}/index.html`], maxDepth: 10, maxPages: 10_000, analyze },
        { idleTimeoutMs: 30_000 },
      );
      const doneMs = (result.doneMs ?? 0).toFixed(0);
      ctx.log(`crawl ${result.endReason}: ${result.pages.total} pages, ${result.analyses} analyses in ${doneMs} ms`);
      if (values.http !== undefined) {
        // The api benchmark's question: where does a request's time go? GET, then POST, 50 connections each.
        const seconds = Number(values.http) / 2;
        const headers = { authorization: `Bearer ${kumo.key}`, 'content-type': 'application/json' };
        const body = JSON.stringify({ urls: [`${server.url}/index.html`], maxDepth: 0, maxPages: 1, analyze: false });
        ctx.log(`autocannon: GET /v1/crawls/:id then POST /v1/crawls, ${seconds} s each`);
        await cannon({ url: `${kumo.apiUrl}/v1/crawls/${result.id}`, headers, duration: seconds, connections: 50 });
        await cannon({
          url: `${kumo.apiUrl}/v1/crawls`,
          method: 'POST',
          headers,
          body,
          duration: seconds,
          connections: 50,
        });
      }
    }
    // A graceful stop: V8 writes a profile when each process exits.
    await kumo.stop(app);
  } finally {
    await ctx.cleanup();
  }

  const files = readdirSync(dir).filter((file) => file.endsWith('.cpuprofile'));
  if (files.length === 0) throw new Error(`no .cpuprofile was written to ${dir}`);
  for (const file of files) {
    const full = path.join(dir, file);
    console.log(full);
    console.log('  self time by package:');
    for (const owner of topOwners(full, 10)) {
      console.log(`  ${String(owner.ms).padStart(7)} ms ${String(owner.share).padStart(5)}%  ${owner.owner}`);
    }
    console.log('  self time by function:');
    for (const fn of topFunctions(full, 12)) {
      console.log(`  ${String(fn.ms).padStart(7)} ms ${String(fn.share).padStart(5)}%  ${fn.name}  ${fn.where}`);
    }
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error?.stack ?? error);
    process.exit(1);
  },
);
