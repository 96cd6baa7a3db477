import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startAcceptedCrawl } from '../helpers/api-harness.js';
import { startSystem, type RunningSystem } from '../helpers/api-processes.js';
import { crawlJobStarts } from '../helpers/crawl-job-starts.js';
import { uniquePrefix } from '../helpers/env.js';

// The frontier from outside: a polite crawl's jobs wait in Redis until their host can take them (no job picked up
// and refused again and again), every limit holds across two crawl processes, crawls share a host, and a cancel
// settles a crawl whose jobs are planned far ahead. The servers record each request's arrival per host.

const redisUrl = inject('redisUrl');
const prefix = uniquePrefix('polite');
/** Deployment delay between request starts per host. */
const DELAY_MS = 250;
/**
 * Limits are kept on the starts the workers are granted; a request reaches the server a little after its start,
 * and on a loaded machine (the whole suite runs at once on two cores) one request can take ~100 ms longer than the
 * next to get out of its process. Gaps are checked to this tolerance; a real violation (two requests started
 * together, a limit ignored) shows as a gap near 0.
 */
const TOLERANCE_MS = 120;

interface Hit {
  path: string;
  at: number;
}

interface TestSite {
  url: string;
  hits: Hit[];
  pageHits(): Hit[];
  close(): Promise<void>;
}

/**
 * A site of `pages` pages per tree (`/<tree>/<i>`, page i linking to 2i+1 and 2i+2), Japanese text, optional robots
 * Crawl-delay, and `/busy` answering 503 with Retry-After once.
 */
async function startTestSite(options: {
  pages: number;
  crawlDelayS?: number;
  retryAfterS?: number;
}): Promise<TestSite> {
  const hits: Hit[] = [];
  let busyServed = false;
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    hits.push({ path, at: Date.now() });
    if (path === '/robots.txt') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`User-agent: *\n${options.crawlDelayS ? `Crawl-delay: ${options.crawlDelayS}\n` : ''}Allow: /\n`);
      return;
    }
    if (path === '/busy' && !busyServed && options.retryAfterS !== undefined) {
      busyServed = true;
      res.writeHead(503, { 'retry-after': String(options.retryAfterS), 'content-type': 'text/plain' });
      res.end('busy');
      return;
    }
    const match = /^\/(\w+)\/(\d+)$/.exec(path);
    const index = match ? Number(match[2]) : path === '/busy' ? -1 : Number.NaN;
    if (Number.isNaN(index)) {
      res.writeHead(404).end();
      return;
    }
    const tree = match?.[1] ?? 'p';
    const links = [2 * index + 1, 2 * index + 2]
      .filter((child) => index >= 0 && child < options.pages)
      .map((child) => `<a href="/${tree}/${child}">次へ ${child}</a>`);
    if (index === 0 && options.retryAfterS !== undefined) links.unshift('<a href="/busy">混雑</a>');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(
      `<html><head><title>頁 ${index}</title></head><body><p>東京の天気は晴れです。</p>${links.join('')}</body></html>`,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    pageHits: () => hits.filter((hit) => hit.path !== '/robots.txt'),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Checks that successive request arrivals are at least `minMs` apart, naming the two requests that are not. */
function expectSpaced(hits: readonly Hit[], minMs: number): void {
  const sorted = [...hits].sort((a, b) => a.at - b.at);
  for (let index = 1; index < sorted.length; index++) {
    const [before, after] = [sorted[index - 1]!, sorted[index]!];
    expect(after.at - before.at, `${before.path} then ${after.path}`).toBeGreaterThanOrEqual(minMs - TOLERANCE_MS);
  }
}

let system: RunningSystem;
let jobStarts: ReturnType<typeof crawlJobStarts>;
const sites: TestSite[] = [];

async function site(options: Parameters<typeof startTestSite>[0]): Promise<TestSite> {
  const started = await startTestSite(options);
  sites.push(started);
  return started;
}

async function crawlStatus(id: string): Promise<{ status: string; counts: Record<string, number> }> {
  return (await (await system.request(`/v1/crawls/${id}`)).json()) as {
    status: string;
    counts: Record<string, number>;
  };
}

async function waitFor<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await sleep(50);
  }
}

function settled(id: string) {
  return waitFor(
    `crawl ${id} to settle`,
    () => crawlStatus(id),
    (crawl) => ['completed', 'failed', 'cancelled'].includes(crawl.status),
    90_000,
  );
}

/** Starts a crawl without analysis (what is measured here is fetching) from one seed. */
function crawlOf(seed: string, maxDepth: number, maxPages: number, extra: Record<string, unknown> = {}) {
  return startAcceptedCrawl(system, { urls: [seed], maxDepth, maxPages, analyze: false, ...extra });
}

beforeAll(async () => {
  system = await startSystem({
    redisUrl,
    prefix,
    overrides: {
      WORKER_PROCESSES: '2',
      CRAWL_HOST_DELAY_MS: String(DELAY_MS),
      CRAWL_HOST_CONCURRENCY: '4',
      QUEUE_KEEP_COMPLETED_COUNT: '100000',
    },
  });
  jobStarts = crawlJobStarts(redisUrl, prefix);
}, 120_000);

afterAll(async () => {
  await system?.stop();
  await jobStarts?.close();
  await Promise.all(sites.map((one) => one.close()));
});

describe('the crawl frontier (two crawl processes, real Redis)', () => {
  it('never starts requests to a host closer than its robots Crawl-delay, and starts each job once', async () => {
    const slow = await site({ pages: 7, crawlDelayS: 1 });
    const id = await crawlOf(`${slow.url}/p/0`, 3, 7);
    expect((await settled(id)).status).toBe('completed');
    expect(slow.pageHits()).toHaveLength(7);
    expectSpaced(slow.pageHits(), 1000);
    const starts = await jobStarts.of(id);
    expect(starts).toHaveLength(7);
    // Planned ahead: each job waits delayed until its start and is picked up once (a stray refusal at most).
    expect(Math.max(...starts)).toBeLessThanOrEqual(2);
  });

  it('holds every process back during a 503 Retry-After, then fetches the page again', async () => {
    const busy = await site({ pages: 7, retryAfterS: 2 });
    const id = await crawlOf(`${busy.url}/p/0`, 3, 20);
    expect((await settled(id)).status).toBe('completed');
    const hits = busy.pageHits();
    const refused = hits.find((hit) => hit.path === '/busy')!;
    expect(hits.filter((hit) => hit.path === '/busy')).toHaveLength(2);
    // Requests already on their way when the 503 arrived aside (none here: the host's delay spaces them), nothing
    // reaches the host until the back-off has passed.
    const during = hits.filter((hit) => hit.at > refused.at && hit.at < refused.at + 2000 - TOLERANCE_MS);
    expect(during).toEqual([]);
    expectSpaced(hits, DELAY_MS);
  });

  it('shares a host between two crawls: the second does not wait for the first to finish', async () => {
    const shared = await site({ pages: 40 });
    const first = await crawlOf(`${shared.url}/a/0`, 6, 40);
    await waitFor(
      'the first crawl to fetch 3 pages',
      async () => shared.pageHits().length,
      (count) => count >= 3,
    );
    const second = await crawlOf(`${shared.url}/b/0`, 6, 10);
    await Promise.all([settled(first), settled(second)]);
    const hits = shared.pageHits();
    const lastOfFirst = Math.max(...hits.filter((hit) => hit.path.startsWith('/a/')).map((hit) => hit.at));
    const ofSecond = hits.filter((hit) => hit.path.startsWith('/b/'));
    expect(ofSecond).toHaveLength(10);
    // All of the second crawl's pages come while the first is still crawling: the host is shared, not queued.
    for (const hit of ofSecond) expect(hit.at).toBeLessThan(lastOfFirst);
    expectSpaced(hits, DELAY_MS);
  });

  it("keeps a crawl's stricter politeness on its own requests, while another crawl of the host goes at the deployment's pace", async () => {
    const shared = await site({ pages: 12 });
    const strict = await crawlOf(`${shared.url}/a/0`, 4, 5, { politeness: { delayMs: 2000, concurrency: 1 } });
    const relaxed = await crawlOf(`${shared.url}/b/0`, 4, 12);
    await Promise.all([settled(strict), settled(relaxed)]);
    const hits = shared.pageHits();
    const ofStrict = hits.filter((hit) => hit.path.startsWith('/a/'));
    const ofRelaxed = hits.filter((hit) => hit.path.startsWith('/b/'));
    expect(ofStrict).toHaveLength(5);
    expect(ofRelaxed).toHaveLength(12);
    expectSpaced(ofStrict, 2000);
    expectSpaced(hits, DELAY_MS);
    // The relaxed crawl is not held to the strict one's pace: it is done before the strict crawl's last request.
    expect(Math.max(...ofRelaxed.map((hit) => hit.at))).toBeLessThan(Math.max(...ofStrict.map((hit) => hit.at)));
  });

  it('lets a crawl of a slow host never delay a crawl of another host', async () => {
    const slow = await site({ pages: 15, crawlDelayS: 2 });
    const fast = await site({ pages: 15 });
    const slowId = await crawlOf(`${slow.url}/p/0`, 4, 15);
    await waitFor(
      'the slow crawl to start',
      async () => slow.pageHits().length,
      (count) => count >= 1,
    );
    const fastId = await crawlOf(`${fast.url}/p/0`, 4, 15);
    expect((await settled(fastId)).status).toBe('completed');
    // 15 pages 250 ms apart take well under the slow host's 28 s; the slow crawl is still far from done.
    expect((await crawlStatus(slowId)).status).toBe('running');
    expect(slow.pageHits().length).toBeLessThan(15);
    await system.request(`/v1/crawls/${slowId}`, { method: 'DELETE' });
    await settled(slowId);
  });

  it('settles a cancelled crawl at once: its jobs planned for later stop waiting, and its host hears nothing more', async () => {
    const slow = await site({ pages: 30, crawlDelayS: 1 });
    const id = await crawlOf(`${slow.url}/p/0`, 5, 30);
    await waitFor(
      '3 pages',
      async () => slow.pageHits().length,
      (count) => count >= 3,
    );
    const cancelledAt = Date.now();
    expect((await system.request(`/v1/crawls/${id}`, { method: 'DELETE' })).status).toBe(202);
    const crawl = await settled(id);
    expect(crawl.status).toBe('cancelled');
    // Its remaining ~25 pages were planned up to 25 s ahead; the crawl settles within a few seconds all the same.
    expect(Date.now() - cancelledAt).toBeLessThan(10_000);
    const heardAfter = slow.pageHits().filter((hit) => hit.at > cancelledAt + 2500);
    expect(heardAfter).toEqual([]);
    expect(crawl.counts.skipped).toBeGreaterThan(0);
  });
});
