import { readFileSync } from 'node:fs';
import http from 'node:http';
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { ownerOf } from '@kumo/api';
import { crawlRequestSchema, type Analysis, type PageResult } from '@kumo/contract';
import { newCrawlId } from '@kumo/crawl-state';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TEST_API_KEYS } from '../helpers/api-harness.js';
import { openCrawlClient, type CrawlClient } from '../helpers/crawl-harness.js';
import { testEnv, uniquePrefix } from '../helpers/env.js';
import { childPidsOf, startApp, type AppProcess } from '../helpers/processes.js';

// A 10,000-page crawl (results, analyses, stored text and links, written through the crawl-state API the way the
// workers write them) exported by a client that reads slowly, while the API process's RSS is sampled against the
// same process idle: the target, within 50 MB, is asserted. A bound, not a timing: what keeps it is the
// export holding a bounded number of bytes (EXPORT_LIMITS) and the API's heap flags (API_NODE_FLAGS), not speed.

const redisUrl = inject('redisUrl');
const PAGES = 10_000;
const TEXT_CHARS = 2_000;
const LINKS = 40;
/** Writes in flight while filling the crawl. */
const WRITE_BATCH = 250;
/**
 * The slow client's pause after each chunk it receives (up to 64 KB): at most ~3 MB/s, well below what the API can
 * produce, so the export has to wait for the client and every chunk it wrote stays in flight a while (what makes
 * V8 promote the garbage of a stream to the old generation: see docs/deploy.md, "Sizing").
 */
const PAUSE_PER_CHUNK_MS = 20;
/** The target: the API process's RSS during an export at most this far above the same process idle. */
const MAX_RISE_BYTES = 50 * 1024 * 1024;

let api: AppProcess;
let apiUrl: string;
let client: CrawlClient;
let crawlId: string;

function rssOf(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? 0) * 1024;
}

/** The API's serving process: the supervisor's one worker (API_PROCESSES=1). */
function apiWorkerPid(): number {
  const [pid] = childPidsOf(api.child.pid!);
  if (pid === undefined) throw new Error('the API supervisor has no worker process');
  return pid;
}

function pageOf(index: number, site: string): PageResult {
  return {
    url: `${site}/p/${index}.html`,
    finalUrl: `${site}/p/${index}.html`,
    depth: index === 0 ? 0 : 1,
    status: 'fetched',
    httpStatus: 200,
    contentType: 'text/html',
    charset: 'utf-8',
    title: `ページ ${index} の題名`,
    lang: 'ja',
    bytes: TEXT_CHARS * 4,
    textLength: TEXT_CHARS,
    links: LINKS,
    timings: { fetchMs: 12.5, parseMs: 3.25 },
  };
}

function analysisOf(index: number): Analysis {
  return {
    tokens: 900,
    terms: Array.from({ length: 50 }, (_, t) => ({
      term: `用語${(index + t) % 997}`,
      reading: 'ヨウゴ',
      pos: '名詞',
      count: 50 - t,
    })),
    phrases: Array.from({ length: 20 }, (_, p) => ({ phrase: `複合語${(index * 7 + p) % 503}`, count: 20 - p })),
  };
}

function textOf(index: number): string {
  const line = `これは ${index} 番目のページの本文です。クローラーが抽出した見える文字列。\n`;
  return line.repeat(Math.ceil(TEXT_CHARS / line.length)).slice(0, TEXT_CHARS);
}

/** Fills the crawl's result stream, analyses and stored contents as the crawl and analyze jobs would. */
async function fillCrawl(site: string): Promise<string> {
  const id = newCrawlId();
  const request = crawlRequestSchema.parse({
    urls: [`${site}/p/0.html`],
    maxDepth: 1,
    maxPages: PAGES,
    store: ['text', 'links'],
  });
  await client.state.records.createCrawl({ id, owner: ownerOf(TEST_API_KEYS[0]), request, createdAt: new Date() });
  for (let start = 0; start < PAGES; start += WRITE_BATCH) {
    await Promise.all(
      Array.from({ length: Math.min(WRITE_BATCH, PAGES - start) }, async (_, offset) => {
        const index = start + offset;
        const page = pageOf(index, site);
        const links = Array.from({ length: LINKS }, (_l, l) => `${site}/p/${(index * 31 + l) % PAGES}.html`);
        await client.state.contents.putContent(id, page.url, { text: textOf(index), links });
        await client.state.results.appendPage(id, page);
        await client.state.results.appendAnalysis(id, page.url, analysisOf(index));
      }),
    );
  }
  await client.state.lifecycle.finish(id, 'completed', new Date());
  return id;
}

/** Samples the API worker's RSS every `intervalMs` until stopped; returns the samples. */
function sampleRss(pid: number, intervalMs = 100) {
  const samples: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      samples.push(rssOf(pid));
      await sleep(intervalMs);
    }
  })();
  return {
    samples,
    async stop() {
      running = false;
      await loop;
      return samples;
    },
  };
}

/**
 * GETs `path` and reads the body slowly (a pause after every chunk); returns bytes, newlines and CRLFs (the CSV
 * record delimiter: the texts' own line breaks are bare LFs).
 */
function slowRead(
  path: string,
  pauseMs: number,
): Promise<{ status: number; bytes: number; newlines: number; crlfs: number }> {
  return new Promise((resolve, reject) => {
    const request = http.get(
      `${apiUrl}${path}`,
      { headers: { authorization: `Bearer ${TEST_API_KEYS[0]}` } },
      (response) => {
        void (async () => {
          let bytes = 0;
          let newlines = 0;
          let crlfs = 0;
          let previous = 0;
          for await (const chunk of response as AsyncIterable<Buffer>) {
            bytes += chunk.length;
            for (const byte of chunk) {
              if (byte === 0x0a) {
                newlines++;
                if (previous === 0x0d) crlfs++;
              }
              previous = byte;
            }
            await sleep(pauseMs);
          }
          resolve({ status: response.statusCode ?? 0, bytes, newlines, crlfs });
        })().catch(reject);
      },
    );
    request.on('error', reject);
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

beforeAll(async () => {
  const prefix = uniquePrefix('apxm');
  client = openCrawlClient({ redisUrl, prefix });
  api = startApp(
    'api',
    testEnv({
      redisUrl,
      prefix,
      overrides: { API_PORT: '0', API_KEYS: TEST_API_KEYS.join(','), API_RATE_LIMIT_PER_MINUTE: '100000' },
    }),
  );
  const [ready] = await api.waitReady(1, 90_000);
  apiUrl = `http://127.0.0.1:${String(ready?.port)}`;
  crawlId = await fillCrawl('http://site.invalid');
}, 600_000);

afterAll(async () => {
  await api?.stop();
  if (client && crawlId) {
    const { keys } = client;
    await client.store.del(
      keys.record(crawlId),
      keys.events(crawlId),
      keys.pageIndex(crawlId),
      keys.analysisIndex(crawlId),
      keys.pageTexts(crawlId),
      keys.pageLinks(crawlId),
    );
  }
  await client?.close();
});

describe('export of a 10,000-page crawl', () => {
  it('streams every page to a slow client, NDJSON and CSV, with the API process RSS within 50 MB of idle', async () => {
    const pid = apiWorkerPid();
    // The worker runs with API_NODE_FLAGS' default (what bounds V8's headroom; docs/deploy.md, "Sizing").
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    expect(cmdline).toEqual(expect.arrayContaining(['--max-semi-space-size=2', '--heap-growing-percent=50']));
    // Idle: after a first read of the crawl, so what every request loads once (routes, scripts) is in.
    const warm = await fetch(`${apiUrl}/v1/crawls/${crawlId}/pages?limit=5&include=text,links`, {
      headers: { authorization: `Bearer ${TEST_API_KEYS[0]}` },
    });
    expect(warm.status).toBe(200);
    await warm.arrayBuffer();
    await sleep(2000);
    const idleSamples: number[] = [];
    for (let i = 0; i < 20; i++) {
      idleSamples.push(rssOf(pid));
      await sleep(100);
    }
    const idle = median(idleSamples);

    const figures: Record<string, unknown> = { idleMb: mb(idle) };
    for (const [name, path, rows] of [
      ['ndjson', `/v1/crawls/${crawlId}/export?format=ndjson&include=analysis,text,links`, PAGES],
      ['csv', `/v1/crawls/${crawlId}/export?format=csv&include=text,links`, undefined],
    ] as const) {
      const sampler = sampleRss(pid);
      const started = performance.now();
      const read = await slowRead(path, PAUSE_PER_CHUNK_MS);
      const seconds = (performance.now() - started) / 1000;
      const samples = await sampler.stop();
      const peak = Math.max(...samples);
      figures[name] = {
        mb: mb(read.bytes),
        seconds: Math.round(seconds * 10) / 10,
        peakRssMb: mb(peak),
        aboveIdleMb: mb(peak - idle),
        aboveIdleBytes: peak - idle,
        samples: samples.length,
      };
      expect(read.status).toBe(200);
      if (rows !== undefined) expect(read.newlines).toBe(rows);
      else {
        expect(read.newlines).toBeGreaterThan(PAGES);
        // The header row and one row per page.
        expect(read.crlfs).toBe(PAGES + 1);
      }
    }
    // The figures (docs/deploy.md, "Redis memory and throughput"), printed before the bound is checked.
    process.stdout.write(`export memory: ${JSON.stringify(figures)} (load ${loadavg()[0]!.toFixed(1)})\n`);
    for (const name of ['ndjson', 'csv'] as const) {
      expect((figures[name] as { aboveIdleBytes: number }).aboveIdleBytes).toBeLessThanOrEqual(MAX_RISE_BYTES);
    }
  }, 600_000);
});
