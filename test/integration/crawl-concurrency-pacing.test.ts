import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { crawlToCompletion, startSystem, type RunningSystem } from '../helpers/api-processes.js';
import { crawlJobStarts } from '../helpers/crawl-job-starts.js';
import { uniquePrefix } from '../helpers/env.js';

// A host whose limit is its concurrency, not a delay (a deployment without a delay, a crawl that allows one request
// at a time): its jobs are planned as far apart as a request holds its slot, so they wait in Redis until the host can
// take them. Planned by the fetch time alone, they came due before their slot freed, and each was refused, held,
// refused again and sent back to *delayed*: several starts per page.

const redisUrl = inject('redisUrl');
const prefix = uniquePrefix('pacing');
const PAGES = 60;
/** How long the server takes to answer a page. */
const RESPONSE_MS = 15;

let system: RunningSystem;
let jobStarts: ReturnType<typeof crawlJobStarts>;
let server: Server;
let siteUrl: string;
let inFlight = 0;
let mostInFlight = 0;

beforeAll(async () => {
  // Page i links to 2i+1 and 2i+2: a tree of PAGES pages, each answered after RESPONSE_MS.
  server = createServer((req, res) => {
    const match = /^\/p\/(\d+)$/.exec(req.url ?? '');
    if (!match) {
      res.writeHead(404).end();
      return;
    }
    inFlight++;
    mostInFlight = Math.max(mostInFlight, inFlight);
    const index = Number(match[1]);
    const links = [2 * index + 1, 2 * index + 2]
      .filter((child) => child < PAGES)
      .map((child) => `<a href="/p/${child}">次へ ${child}</a>`);
    setTimeout(() => {
      inFlight--;
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<html><head><title>頁 ${index}</title></head><body><p>京都の紅葉。</p>${links.join('')}</body></html>`);
    }, RESPONSE_MS);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  siteUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  system = await startSystem({
    redisUrl,
    prefix,
    overrides: {
      WORKER_PROCESSES: '2',
      CRAWL_CONCURRENCY: '20',
      CRAWL_HOST_DELAY_MS: '0',
      QUEUE_KEEP_COMPLETED_COUNT: '100000',
    },
  });
  jobStarts = crawlJobStarts(redisUrl, prefix);
}, 120_000);

afterAll(async () => {
  await system?.stop();
  await jobStarts?.close();
  await new Promise((resolve) => server?.close(resolve));
});

describe('a host whose limit is concurrency (two crawl processes, real Redis)', () => {
  it('starts each job of a one-request-at-a-time crawl about once, with one request in flight', async () => {
    const id = await crawlToCompletion(system, [`${siteUrl}/p/0`], 10, {
      maxPages: PAGES,
      analyze: false,
      politeness: { concurrency: 1 },
    });
    const starts = await jobStarts.of(id);
    expect(starts).toHaveLength(PAGES);
    expect(mostInFlight).toBe(1);
    // A page may now and then be refused once (its planned start met a request a little late to free its slot).
    const total = starts.reduce((a, b) => a + b, 0);
    expect(total / PAGES, `starts per page: ${JSON.stringify(starts)}`).toBeLessThanOrEqual(1.1);
    expect(Math.max(...starts)).toBeLessThanOrEqual(2);
  });
});
