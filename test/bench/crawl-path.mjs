#!/usr/bin/env node
// `node test/bench/crawl-path.mjs [<checkout>]`: which of kumo's source files a crawl's path runs through, from
// `POST /v1/crawls` to the report (issue 13's "a newcomer who follows one crawl"). The checkout must be built
// (`npm run build`); it defaults to this one, and any older checkout can be measured the same way.
//
// Method: start the checkout's launcher twice under NODE_V8_COVERAGE (precise call counts, every process): once
// serving one crawl of the sample site (depth 2, with analysis, then its report and its pages), once idle for as
// long. A function is on the crawl's path when it ran in the first run and never in the second, so start-up,
// timers and shutdown do not count. A file is on the path when one of its functions is; files are counted by their
// source (`src/**/*.ts`, mapped from `dist/**/*.js`), by workspace. The launcher and the sample site are not kumo's
// crawl path and are left out.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startEmbeddedRedis } from '@kumo/local-redis';

const checkoutArgument = process.argv.slice(2).find((argument) => !argument.startsWith('--'));
const checkout = path.resolve(checkoutArgument ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '../..'));
const EXCLUDED_WORKSPACES = new Set(['apps/launcher', 'packages/sample-site', 'packages/local-redis']);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts the launcher, waits for its banner, runs `work(banner)`, stops it with SIGTERM and waits for the exit. */
async function withLauncher(redisUrl, coverageDir, work) {
  const apiPort = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'kumo-crawl-path-'));
  const child = spawn(process.execPath, ['apps/launcher/dist/main.js'], {
    cwd: checkout,
    env: {
      ...process.env,
      NODE_ENV: 'development',
      NODE_V8_COVERAGE: coverageDir,
      REDIS_URL: redisUrl,
      KUMO_PREFIX: `path${Date.now().toString(36)}`,
      API_PORT: String(apiPort),
      SAMPLE_SITE_PORT: '0',
      KUMO_DATA_DIR: dataDir,
      WORKER_PROCESSES: '1',
      API_WORKER_PROCESSES: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const deadline = Date.now() + 180_000;
  while (!output.includes('Press Ctrl-C to stop.')) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no banner:\n${output.slice(-3000)}`);
    await sleep(200);
  }
  const value = (label) =>
    output
      .split('\n')
      .find((line) => line.trimStart().startsWith(label))
      ?.trimStart()
      .slice(label.length)
      .trim()
      .split(/\s+/)[0];
  const banner = { apiUrl: value('API '), apiKey: value('API key'), sampleUrl: value('Sample site') };
  try {
    await work(banner);
  } finally {
    child.kill('SIGTERM');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function crawlOnce({ apiUrl, apiKey, sampleUrl }) {
  const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
  const created = await fetch(`${apiUrl}/v1/crawls`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ urls: [sampleUrl], maxDepth: 2 }),
  });
  if (created.status !== 202) throw new Error(`POST /v1/crawls: ${created.status} ${await created.text()}`);
  const { id } = await created.json();
  const started = Date.now();
  for (;;) {
    const crawl = await (await fetch(`${apiUrl}/v1/crawls/${id}`, { headers })).json();
    if (crawl.status === 'completed') break;
    if (['failed', 'cancelled'].includes(crawl.status)) throw new Error(`crawl ${id} ended ${crawl.status}`);
    if (Date.now() - started > 120_000) throw new Error(`crawl ${id} still ${crawl.status}`);
    await sleep(250);
  }
  const report = await fetch(`${apiUrl}/v1/crawls/${id}/report`, { headers });
  if (report.status !== 200) throw new Error(`report: ${report.status}`);
  const pages = await fetch(`${apiUrl}/v1/crawls/${id}/pages`, { headers });
  if (pages.status !== 200) throw new Error(`pages: ${pages.status}`);
  return Date.now() - started;
}

/** Functions that ran, as `source file → Set of "name@offset"`, over every process's coverage file in `dir`. */
function functionsRun(dir) {
  const run = new Map();
  for (const file of readdirSync(dir)) {
    const { result } = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
    for (const script of result) {
      if (!script.url.startsWith('file://')) continue;
      const relative = path.relative(checkout, fileURLToPath(script.url));
      const match = /^((?:apps|packages)\/[^/]+)\/dist\/(.+)\.js$/.exec(relative);
      if (!match || EXCLUDED_WORKSPACES.has(match[1])) continue;
      const source = `${match[1]}/src/${match[2]}.ts`;
      for (const fn of script.functions) {
        const top = fn.ranges[0];
        if (top.count === 0 || (fn.functionName === '' && top.startOffset === 0)) continue; // the module body
        if (!run.has(source)) run.set(source, new Set());
        run.get(source).add(`${fn.functionName}@${top.startOffset}`);
      }
    }
  }
  return run;
}

const redisDir = mkdtempSync(path.join(tmpdir(), 'kumo-crawl-path-redis-'));
const redis = await startEmbeddedRedis({ dir: redisDir });
const crawlCoverage = mkdtempSync(path.join(tmpdir(), 'kumo-cov-crawl-'));
const idleCoverage = mkdtempSync(path.join(tmpdir(), 'kumo-cov-idle-'));
try {
  let crawlMs = 0;
  await withLauncher(redis.url, crawlCoverage, async (banner) => {
    crawlMs = await crawlOnce(banner);
  });
  await withLauncher(redis.url, idleCoverage, () => sleep(crawlMs + 1_000));
  const crawl = functionsRun(crawlCoverage);
  const idle = functionsRun(idleCoverage);
  const onPath = [...crawl]
    .filter(([source, functions]) => [...functions].some((fn) => !idle.get(source)?.has(fn)))
    .map(([source]) => source)
    .sort();
  const workspaces = new Map();
  for (const source of onPath) {
    const workspace = source.split('/').slice(0, 2).join('/');
    workspaces.set(workspace, (workspaces.get(workspace) ?? 0) + 1);
  }
  console.log(`checkout ${checkout}`);
  console.log(`crawl took ${crawlMs} ms; files run at all: ${crawl.size}`);
  console.log(`files on the crawl's path: ${onPath.length} in ${workspaces.size} workspaces`);
  for (const [workspace, count] of [...workspaces].sort()) console.log(`  ${workspace}: ${count}`);
  if (process.argv.includes('--files')) for (const source of onPath) console.log(`    ${source}`);
} finally {
  await redis.stop();
  rmSync(redisDir, { recursive: true, force: true });
  rmSync(crawlCoverage, { recursive: true, force: true });
  rmSync(idleCoverage, { recursive: true, force: true });
}
