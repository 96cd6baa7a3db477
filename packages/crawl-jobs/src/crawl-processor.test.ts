import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { createRedisClient } from '@kumo/keyspace';
import { startEmbeddedRedis, type RedisHandle } from '@kumo/local-redis';
import { createLogger } from '@kumo/observability';
import { crawlJobId, pageTextDigest } from '@kumo/queues';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Harness, page, TestSite } from './__fixtures__/harness.js';
import { createCrawlProcessor, pageKeyOf } from './crawl-processor.js';
import { limiterHost } from './host-state.js';

let redis: RedisHandle;
let dir: string;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'kumo-crawl-processor-'));
  redis = await startEmbeddedRedis({ dir });
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(async () => {
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function setup(routes: ConstructorParameters<typeof TestSite>[0], overrides: Record<string, string> = {}) {
  const site = await new TestSite(routes).start();
  const harness = new Harness(redis.url, overrides);
  cleanups.push(
    () => site.close(),
    () => harness.close(),
  );
  return { site, harness };
}

const robots = () => ({ headers: { 'content-type': 'text/plain' }, body: 'User-agent: *\nDisallow: /private/\n' });

describe('createCrawlProcessor', () => {
  it('crawls a site: each page once, robots and content-type skips, 404 failed, depth and nofollow honoured', async () => {
    const { site, harness } = await setup({
      '/robots.txt': robots,
      '/index.html': page('トップ', [
        '/a.html',
        '/b.html',
        '/private/secret.html',
        '/data.csv',
        '/missing.html',
        '/nofollow.html',
        'mailto:someone@example.com',
      ]),
      '/a.html': page('A', ['/a1.html', '/index.html']),
      '/b.html': page('B', ['/index.html', '/a.html', '/a.html#part']),
      '/a1.html': page('A1', ['/a2.html']),
      '/a2.html': page('A2'),
      '/nofollow.html': page('NF', ['/hidden.html'], '<meta name="robots" content="nofollow">'),
      '/hidden.html': page('Hidden'),
      '/private/secret.html': page('Secret'),
      '/data.csv': () => ({ headers: { 'content-type': 'text/csv' }, body: 'a,b\n1,2\n' }),
    });
    harness.startWorker();
    const id = await harness.submit({ urls: [`${site.url}/index.html`], maxDepth: 2, maxPages: 100 });
    await harness.waitDrained();

    const pages = await harness.pages(id);
    const byPath = new Map(pages.map((p) => [new URL(p.url).pathname, p]));
    expect(pages).toHaveLength(byPath.size);
    const expected: [string, string, string | undefined, number][] = [
      ['/index.html', 'fetched', undefined, 0],
      ['/a.html', 'fetched', undefined, 1],
      ['/b.html', 'fetched', undefined, 1],
      ['/nofollow.html', 'fetched', undefined, 1],
      ['/missing.html', 'failed', undefined, 1],
      ['/private/secret.html', 'skipped', 'robots', 1],
      ['/data.csv', 'skipped', 'content-type', 1],
      ['/a1.html', 'fetched', undefined, 2],
    ];
    expect([...byPath.keys()].sort()).toEqual(expected.map(([p]) => p).sort());
    for (const [p, status, reason, depth] of expected) {
      expect(byPath.get(p), p).toMatchObject({ status, depth, ...(reason ? { reason } : {}) });
    }
    expect(byPath.get('/missing.html')).toMatchObject({ httpStatus: 404, error: { code: 'KUMO_CRAWLER_HTTP_4XX' } });
    for (const p of ['/index.html', '/a.html', '/b.html', '/a1.html', '/nofollow.html', '/missing.html', '/data.csv']) {
      expect(site.count(p), p).toBe(1);
    }
    for (const p of ['/private/secret.html', '/a2.html', '/hidden.html']) expect(site.count(p), p).toBe(0);
    expect(site.count('/robots.txt')).toBe(1);

    const crawl = await harness.state.records.getCrawl(id);
    expect(crawl?.crawl.status).toBe('running');
    expect(crawl?.crawl.counts).toMatchObject({ discovered: 8, fetched: 5, failed: 1, skipped: 2 });

    // Fetched pages with text have their text in tmp and an analyze child of the root.
    const analyzeJobs = await harness.queues.analyze.getJobs(['waiting', 'prioritized']);
    expect(analyzeJobs.map((job) => new URL(job.data.url).pathname).sort()).toEqual(
      ['/a.html', '/a1.html', '/b.html', '/index.html', '/nofollow.html'].sort(),
    );
    const indexUrl = `${site.url}/index.html`;
    const indexText = await harness.state.texts.readPageText(id, pageKeyOf(indexUrl));
    expect(indexText).toContain('トップの本文です。');
    // Each job carries its text's digest (its analysis is looked up in the cache as the text is read).
    const indexAnalyzeJob = analyzeJobs.find((job) => job.data.url === indexUrl);
    expect(indexAnalyzeJob?.data).toEqual({
      crawlId: id,
      url: indexUrl,
      pageKey: pageKeyOf(indexUrl),
      textDigest: pageTextDigest(indexText!),
    });
    const root = await harness.queues.aggregate.getJob(id);
    expect(await root?.getState()).toBe('waiting-children');

    // The job returns counts only; each job logs its stages with its ids.
    const indexJob = await harness.queues.crawl.getJob(crawlJobId(id, indexUrl));
    expect(indexJob?.returnvalue).toEqual({ status: 'fetched', links: 6 });
    const finished = harness.logLines.filter((line) => line.msg === 'job finished' && line.url === indexUrl);
    expect(finished).toHaveLength(1);
    expect(finished[0]).toMatchObject({ crawlId: id, jobId: indexJob?.id, outcome: 'fetched' });
    expect(Object.keys(finished[0]!.stages as object).sort()).toEqual(['enqueue', 'fetch', 'parse']);
  });

  it('keeps text and every outgoing link of fetched pages for a crawl with store, none without', async () => {
    const { site, harness } = await setup({
      '/robots.txt': robots,
      '/index.html': page('トップ', ['/a.html', 'https://elsewhere.test/x', '/missing.html']),
      '/a.html': page('A'),
    });
    harness.startWorker();
    const stored = await harness.submit({ urls: [`${site.url}/index.html`], analyze: false, store: ['text', 'links'] });
    const plain = await harness.submit({ urls: [`${site.url}/a.html`], maxDepth: 0, analyze: false });
    await harness.waitDrained();

    const pages = await harness.pages(stored);
    await harness.state.contents.attachContents(stored, pages, ['text', 'links']);
    const byPath = new Map(pages.map((p) => [new URL(p.url).pathname, p]));
    expect(byPath.get('/index.html')?.text).toContain('トップの本文です。');
    expect(byPath.get('/index.html')?.outLinks).toEqual([
      `${site.url}/a.html`,
      'https://elsewhere.test/x',
      `${site.url}/missing.html`,
    ]);
    expect(byPath.get('/a.html')).toMatchObject({ outLinks: [] });
    expect(byPath.get('/missing.html')?.status).toBe('failed');
    expect(byPath.get('/missing.html')).not.toHaveProperty('text');

    const plainPages = await harness.pages(plain);
    await harness.state.contents.attachContents(plain, plainPages, ['text', 'links']);
    expect(plainPages[0]).not.toHaveProperty('text');
    expect(plainPages[0]).not.toHaveProperty('outLinks');
  });

  it('records pages of a cancelled crawl as skipped/cancelled without fetching them', async () => {
    const { site, harness } = await setup({ '/robots.txt': robots, '/index.html': page('Top', ['/a.html']) });
    const id = await harness.submit({ urls: [`${site.url}/index.html`, `${site.url}/other.html`], analyze: false });
    await harness.state.lifecycle.requestCancel(id);
    harness.startWorker();
    await harness.waitDrained();

    const pages = await harness.pages(id);
    expect(pages.map((p) => [new URL(p.url).pathname, p.status, p.reason]).sort()).toEqual([
      ['/index.html', 'skipped', 'cancelled'],
      ['/other.html', 'skipped', 'cancelled'],
    ]);
    expect(site.totalRequests).toBe(0);
    // analyze: false, every child done: the root is ready to aggregate.
    expect(await (await harness.queues.aggregate.getJob(id))?.getState()).toBe('waiting');
  });

  it("skips the pages of a crawl cancelled while it runs, giving back a lease granted with the cancel flag's answer", async () => {
    let cancel = () => {};
    // The first page cancels the crawl as it is fetched. The others wait for the host's delay, longer than a job waits
    // in-process, so they come back from delayed, their crawl's request cached by then.
    const { site, harness } = await setup(
      {
        '/robots.txt': robots,
        '/index.html': (hits) => {
          cancel();
          return page('Top')(hits);
        },
        '/a.html': page('A'),
        '/b.html': page('B'),
      },
      { CRAWL_HOST_DELAY_MS: '2100' },
    );
    const urls = ['/index.html', '/a.html', '/b.html'].map((p) => `${site.url}${p}`);
    const id = await harness.submit({ urls, analyze: false });
    cancel = () => void harness.state.lifecycle.requestCancel(id);
    harness.startWorker();
    await harness.waitDrained();

    const pages = await harness.pages(id);
    expect(pages.map((p) => [new URL(p.url).pathname, p.status, p.reason ?? null]).sort()).toEqual([
      ['/a.html', 'skipped', 'cancelled'],
      ['/b.html', 'skipped', 'cancelled'],
      ['/index.html', 'fetched', null],
    ]);
    expect(site.totalRequests - site.count('/robots.txt')).toBe(1);
    // The crawl's request was cached by its first job, so the next read its cancel flag with its host lease: the
    // lease went back at once instead of holding a slot of the host until it expires.
    const leases = harness.keyStore.keySpace.hostKey('ratelimit', limiterHost(site.url), 'leases');
    const raw = createRedisClient(redis.url);
    try {
      expect(await raw.zcard(leases)).toBe(0);
    } finally {
      raw.disconnect();
    }
  });

  it('keeps host concurrency across workers by delaying jobs, never by spinning', async () => {
    const paths = Array.from({ length: 8 }, (_, i) => `/p${i}.html`);
    const routes = Object.fromEntries(paths.map((p) => [p, () => ({ body: `<title>${p}</title>`, delayMs: 60 })]));
    const { site, harness } = await setup(
      { '/robots.txt': robots, '/index.html': page('Top', paths), ...routes },
      { CRAWL_HOST_CONCURRENCY: '1' },
    );
    harness.startWorker(undefined, 4);
    harness.startWorker(undefined, 4);
    const id = await harness.submit({ urls: [`${site.url}/index.html`], analyze: false });
    await harness.waitDrained(30_000);

    const pages = await harness.pages(id);
    expect(pages.filter((p) => p.status === 'fetched')).toHaveLength(9);
    expect(site.maxInFlight).toBe(1);
    for (const p of ['/index.html', ...paths]) expect(site.count(p), p).toBe(1);
    expect(harness.done.some((done) => done.outcome === 'delayed')).toBe(true);
  });

  it('retries transient failures, records the page failed after the last attempt, and backs off on Retry-After', async () => {
    const { site, harness } = await setup(
      {
        '/robots.txt': robots,
        '/index.html': page('Top', ['/flaky.html', '/down.html']),
        '/flaky.html': (hits) =>
          hits === 0 ? { status: 503, headers: { 'retry-after': '1' }, body: 'busy' } : { body: '<title>ok</title>' },
        '/down.html': () => ({ status: 500, body: 'broken' }),
      },
      { CRAWL_ATTEMPTS: '3' },
    );
    harness.startWorker();
    const id = await harness.submit({ urls: [`${site.url}/index.html`], analyze: false });
    await harness.waitDrained(30_000);

    const byPath = new Map((await harness.pages(id)).map((p) => [new URL(p.url).pathname, p]));
    expect(byPath.get('/flaky.html')).toMatchObject({ status: 'fetched', httpStatus: 200 });
    expect(site.count('/flaky.html')).toBe(2);
    expect(byPath.get('/down.html')).toMatchObject({
      status: 'failed',
      httpStatus: 500,
      error: { code: 'KUMO_CRAWLER_HTTP_5XX' },
    });
    expect(site.count('/down.html')).toBe(3);
    expect(harness.done.filter((done) => done.outcome === 'retrying').length).toBeGreaterThanOrEqual(3);
    // Each page is recorded once, however many attempts it took.
    expect((await harness.state.records.counts(id))?.fetched).toBe(2);
  });

  it('a page whose result Redis refuses to record (full, 3 s) is fetched once, recorded when it takes writes again', async () => {
    const { site, harness } = await setup(
      { '/robots.txt': robots, '/slow.html': () => ({ body: '<title>slow</title>', delayMs: 1500 }) },
      { CRAWL_ATTEMPTS: '1' },
    );
    const admin = createRedisClient(redis.url, { connectionName: 'kumo:test:admin' });
    cleanups.push(async () => {
      await admin.call('CONFIG', 'SET', 'maxmemory', '0');
      await admin.quit();
    });
    harness.startWorker();
    const id = await harness.submit({ urls: [`${site.url}/slow.html`], maxDepth: 0, analyze: false });
    await expect.poll(() => site.count('/slow.html'), { timeout: 20_000 }).toBe(1);
    // Full under noeviction while the page is on its way: its append is refused with OOM.
    await admin.call('CONFIG', 'SET', 'maxmemory', '1');
    await sleep(3000);
    await admin.call('CONFIG', 'SET', 'maxmemory', '0');
    await harness.waitDrained(30_000);

    expect((await harness.pages(id)).map((p) => [new URL(p.url).pathname, p.status])).toEqual([
      ['/slow.html', 'fetched'],
    ]);
    expect(site.count('/slow.html')).toBe(1);
    expect(harness.done.map((done) => done.outcome)).toEqual(['completed']);
  });

  it('fails a job with malformed data at once, without retrying it', async () => {
    const { harness } = await setup({});
    harness.startWorker();
    const job = await harness.queues.crawl.add('crawl', { nope: true } as never, { attempts: 3 });
    await harness.waitDrained();
    const after = await harness.queues.crawl.getJob(job.id!);
    expect(await after?.getState()).toBe('failed');
    expect(after?.attemptsMade).toBe(1);
    expect(after?.failedReason).toMatch(/crawl job data/);
  });

  it('re-queues links admitted by a run that died before adding their jobs', async () => {
    const { site, harness } = await setup({
      '/robots.txt': robots,
      '/index.html': page('Top', ['/x.html', '/y.html']),
      '/x.html': page('X'),
      '/y.html': page('Y'),
    });
    const id = await harness.submit({ urls: [`${site.url}/index.html`], maxDepth: 1, analyze: false });
    // The dead run got as far as admitting the links...
    await harness.state.admission.admitUrls(id, [`${site.url}/x.html`, `${site.url}/y.html`], 100);
    // ...and its process died holding the job: a worker that never finishes, closed without waiting.
    let taken!: () => void;
    const tookJob = new Promise<void>((resolve) => (taken = resolve));
    const doomed = harness.startWorker(async () => {
      taken();
      return new Promise<never>(() => {});
    }, 1);
    await tookJob;
    await doomed.close(true);
    await sleep(50);

    harness.startWorker();
    await harness.waitDrained(30_000);
    const byPath = new Map((await harness.pages(id)).map((p) => [new URL(p.url).pathname, p.status]));
    expect(Object.fromEntries(byPath)).toEqual({
      '/index.html': 'fetched',
      '/x.html': 'fetched',
      '/y.html': 'fetched',
    });
  });

  it('on a re-run checks only the links somebody admitted: one re-queued, none looked up one by one', async () => {
    const links = Array.from({ length: 3000 }, (_, i) => `/l/${i}.html`);
    const { site, harness } = await setup({ '/robots.txt': robots, '/index.html': page('Top', links) });
    const url = (path: string) => `${site.url}${path}`;
    const id = await harness.submit({ urls: [url('/index.html')], maxDepth: 1, maxPages: 5, analyze: false });

    // The dead run: its process died holding the job...
    let taken!: () => void;
    const tookJob = new Promise<void>((resolve) => (taken = resolve));
    const doomed = harness.startWorker(async () => {
      taken();
      return new Promise<never>(() => {});
    }, 1);
    await tookJob;
    await doomed.close(true);
    // ...after admitting three links: /l/0 got no job, /l/1 got its job, /l/2 was even recorded already.
    await harness.state.admission.admitUrls(id, [url('/l/0.html'), url('/l/1.html'), url('/l/2.html')], 5);
    await harness.queues.addChildren('crawl', id, [{ crawlId: id, url: url('/l/1.html'), depth: 1 }]);
    await harness.state.results.appendPage(id, {
      url: url('/l/2.html'),
      finalUrl: url('/l/2.html'),
      depth: 1,
      status: 'failed',
      httpStatus: 404,
      timings: {},
    });

    const warnings: Record<string, unknown>[] = [];
    const logger = createLogger({
      name: 'crawl-jobs-test',
      level: 'warn',
      destination: new Writable({
        write(chunk: Buffer, _encoding, callback) {
          for (const line of chunk.toString().split('\n')) if (line.trim()) warnings.push(JSON.parse(line));
          callback();
        },
      }),
    });
    const hgetallCalls = async () =>
      Number(/cmdstat_hgetall:calls=(\d+)/.exec(await harness.keyStore.info('commandstats'))?.[1] ?? 0);
    const before = await hgetallCalls();
    harness.startWorker(
      createCrawlProcessor({
        crawler: harness.crawler,
        state: harness.state,
        queues: harness.queues,
        limiter: harness.limiter,
        timer: harness.timer,
        logger,
      }),
    );
    await harness.waitDrained(30_000);

    // The re-run admitted the one link the budget had left (/l/3), and re-queued /l/0 only.
    expect(warnings.filter((line) => line.msg === 'links re-queued')).toMatchObject([{ crawlId: id, recovered: 1 }]);
    const paths = (await harness.pages(id)).map((p) => new URL(p.url).pathname).sort();
    expect(paths).toEqual(['/index.html', '/l/0.html', '/l/1.html', '/l/2.html', '/l/3.html']);
    for (const path of ['/index.html', '/l/0.html', '/l/1.html', '/l/3.html']) expect(site.count(path), path).toBe(1);
    expect(site.count('/l/2.html')).toBe(0);
    // Not one lookup per link of the page (3,000): the index job's re-run, its children and the admitted links.
    const calls = (await hgetallCalls()) - before;
    expect(calls, `HGETALL calls: ${calls}`).toBeLessThan(50);
  });
});
