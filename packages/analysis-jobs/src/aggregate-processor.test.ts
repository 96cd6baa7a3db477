import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { analyzeText, loadTokenizer, ReportBuilder, type JapaneseTokenizer } from '@kumo/analyzer';
import { reportSchema, type Analysis, type CrawlRequestInput } from '@kumo/contract';
import { startEmbeddedRedis, type RedisHandle } from '@kumo/local-redis';
import { createMetrics } from '@kumo/observability';
import {
  crawlJobId,
  createKumoWorker,
  translateJobError,
  UnrecoverableError,
  type AggregateJobData,
} from '@kumo/queues';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Harness, fetchedPage, jobOf } from './__fixtures__/harness.js';
import {
  createAggregateProcessor,
  finalStatusOf,
  type AggregateProcessorDeps,
  type AggregateResult,
  type FinalStatus,
} from './aggregate-processor.js';
import { AnalysisJobsOptionsError, CrawlGoneError, InvalidAnalysisJobError } from './errors.js';

const TEXTS = [
  '東京の天気は晴れです。東京タワーから富士山が見えました。天気予報によると明日も東京は晴れるそうです。',
  '富士山の写真を撮りに、多くの観光客が展望台に集まりました。東京から富士山までバスで行けます。',
  '京都の寺院を訪ねました。京都の紅葉は美しく、観光客で賑わっていました。写真をたくさん撮りました。',
  '大阪の料理は美味しい。大阪城の近くで料理教室に参加しました。観光客にも人気の料理です。',
  '天気が良い日は富士山がよく見えます。東京の展望台から写真を撮る観光客が多いです。',
];

let redis: RedisHandle;
let dir: string;
let tokenizer: JapaneseTokenizer;
let analyses: Analysis[];
const harnesses: Harness[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'kumo-aggregate-processor-'));
  [redis, tokenizer] = await Promise.all([startEmbeddedRedis({ dir }), loadTokenizer()]);
  analyses = await Promise.all(TEXTS.map((text) => analyzeText(text, tokenizer)));
});

afterEach(async () => {
  for (const harness of harnesses.splice(0)) await harness.close();
});

afterAll(async () => {
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function setup(overrides: Partial<AggregateProcessorDeps> = {}) {
  const harness = new Harness(redis.url);
  harnesses.push(harness);
  const processor = createAggregateProcessor({
    state: harness.state,
    timer: harness.timer,
    logger: harness.logger,
    pageSize: 3,
    now: () => Date.parse('2026-11-22T00:00:00Z'),
    ...overrides,
  });
  const run = (crawlId: string) => processor(jobOf<AggregateJobData>({ crawlId }, crawlId)) as Promise<AggregateResult>;
  return { harness, run };
}

/** A crawl whose jobs are all done: pages appended, every fetched page analysed, a leftover text in tmp. */
async function finishedCrawl(harness: Harness, request: Partial<CrawlRequestInput> = {}, failed = 1) {
  const crawlId = await harness.createCrawl(request);
  const urls = TEXTS.map((_, index) => `http://127.0.0.1/p${index}.html`);
  await harness.state.admission.admitUrls(crawlId, urls, 100);
  for (const [index, url] of urls.entries()) {
    await harness.state.results.appendPage(crawlId, fetchedPage(url));
    if (request.analyze !== false) await harness.state.results.appendAnalysis(crawlId, url, analyses[index]!);
  }
  for (let index = 0; index < failed; index++) {
    await harness.state.results.appendPage(crawlId, fetchedPage(`http://127.0.0.1/missing${index}.html`, 'failed'));
  }
  await harness.state.texts.putPageText(crawlId, 'leftover', 'テキスト');
  return crawlId;
}

async function events(harness: Harness, crawlId: string) {
  return harness.state.results.readEvents(crawlId, { count: 1000 });
}

/** Every key of this harness's prefix still in Redis. */
async function keysOf(harness: Harness, purpose: string, crawlId: string): Promise<string[]> {
  const all = await harness.bullConnection.keys(`${harness.config.KUMO_PREFIX}:${purpose}:*`);
  return all.filter((key) => key.includes(crawlId));
}

describe('createAggregateProcessor', () => {
  it('builds the report from the result stream in two passes, finishes the crawl, appends done, cleans tmp', async () => {
    const { harness, run } = setup();
    const crawlId = await finishedCrawl(harness);
    const expected = new ReportBuilder();
    for (const analysis of analyses) expected.addPage(analysis);
    expected.selectKeywords();
    for (const analysis of analyses) expected.addCooccurrencePage(analysis);

    const result = await run(crawlId);

    expect(result).toEqual({ status: 'completed', pages: 5, analyses: 5, resumed: false });
    const report = await harness.state.reports.getReport(crawlId);
    expect(report).toEqual(expected.build(crawlId, { fetched: 5, failed: 1 }));
    expect(reportSchema.parse(report)).toEqual(report);
    expect(report!.keywords.length).toBeGreaterThan(0);
    expect(report!.cooccurrence.length).toBeGreaterThan(0);
    const crawl = (await harness.state.records.getCrawl(crawlId))!.crawl;
    expect(crawl).toMatchObject({ status: 'completed', finishedAt: '2026-11-22T00:00:00.000Z' });
    const all = await events(harness, crawlId);
    expect(all.at(-1)!.type).toBe('done');
    expect(JSON.parse(all.at(-1)!.data)).toEqual({
      status: 'completed',
      counts: crawl.counts,
      truncated: crawl.truncated,
    });
    expect(await keysOf(harness, 'tmp', crawlId)).toEqual([]);
    const [line] = harness.logs('job finished');
    expect(line).toMatchObject({ crawlId, jobId: crawlId, outcome: 'completed' });
    expect(Object.keys(line!.stages as object)).toEqual(['aggregate']);
  });

  const statuses: [string, FinalStatus, (harness: Harness) => Promise<string>][] = [
    [
      'a crawl whose cancel was requested',
      'cancelled',
      async (harness) => {
        const crawlId = await finishedCrawl(harness);
        await harness.state.lifecycle.requestCancel(crawlId);
        return crawlId;
      },
    ],
    [
      'a crawl whose every page failed',
      'failed',
      async (harness) => {
        const crawlId = await harness.createCrawl();
        await harness.state.results.appendPage(crawlId, fetchedPage('http://127.0.0.1/a', 'failed'));
        await harness.state.results.appendPage(crawlId, fetchedPage('http://127.0.0.1/b', 'failed'));
        return crawlId;
      },
    ],
    ['a crawl with nothing fetched nor failed', 'completed', (harness) => harness.createCrawl()],
    [
      'a crawl whose pages were all skipped by robots.txt rules',
      'completed',
      async (harness) => {
        const crawlId = await harness.createCrawl();
        const page = fetchedPage('http://127.0.0.1/private', 'skipped');
        await harness.state.results.appendPage(crawlId, { ...page, reason: 'robots' });
        return crawlId;
      },
    ],
    [
      'a crawl whose only site was unreachable (skipped with an error)',
      'failed',
      async (harness) => {
        const crawlId = await harness.createCrawl();
        const page = fetchedPage('http://127.0.0.1:9/', 'skipped');
        const error = { code: 'KUMO_CRAWLER_ROBOTS_UNAVAILABLE', message: 'robots.txt unavailable: ECONNREFUSED' };
        await harness.state.results.appendPage(crawlId, { ...page, reason: 'robots', error });
        return crawlId;
      },
    ],
  ];
  it.each(statuses)('ends %s as %s, with a done event', async (_name, status, prepare) => {
    const { harness, run } = setup();
    const crawlId = await prepare(harness);

    expect((await run(crawlId)).status).toBe(status);

    expect((await harness.state.records.getCrawl(crawlId))!.crawl.status).toBe(status);
    const done = (await events(harness, crawlId)).filter((event) => event.type === 'done');
    expect(done.map((event) => JSON.parse(event.data).status)).toEqual([status]);
    expect(await harness.state.reports.getReport(crawlId)).not.toBeNull();
  });

  it('marks the report of a cancelled crawl partial: the analyses made before the cancel, nothing else changed', async () => {
    const { harness, run } = setup();
    const crawlId = await finishedCrawl(harness);
    const complete = await finishedCrawl(harness);
    await harness.state.lifecycle.requestCancel(crawlId);

    expect((await run(crawlId)).status).toBe('cancelled');
    await run(complete);

    const partial = await harness.state.reports.getReport(crawlId);
    const full = await harness.state.reports.getReport(complete);
    expect(partial).toMatchObject({ partial: true });
    expect(reportSchema.parse(partial)).toEqual(partial);
    expect(partial!.keywords).toEqual(full!.keywords);
    expect(full).not.toHaveProperty('partial');
  });

  it('records each admitted page left without a result failed (KUMO_ANALYSIS_JOBS_PAGE_LOST) and ends the crawl failed', async () => {
    const lostUrl = 'http://127.0.0.1/lost.html';
    const goneUrl = 'http://127.0.0.1/gone.html';
    const looked: string[] = [];
    const { harness, run } = setup({
      crawlJobs: {
        getJob: async (jobId) => {
          looked.push(jobId);
          return jobId.endsWith(crawlJobId('', lostUrl).slice(1))
            ? { data: { depth: 2 }, failedReason: 'job stalled more than allowable limit' }
            : undefined;
        },
      },
    });
    const crawlId = await finishedCrawl(harness, { analyze: false }, 0);
    // Admitted, but their jobs ended without recording a page: failed for good, or gone.
    await harness.state.admission.admitUrls(crawlId, [lostUrl, goneUrl], 100);

    const result = await run(crawlId);

    expect(result).toMatchObject({ status: 'failed', pages: 5 });
    expect(looked.sort()).toEqual([crawlJobId(crawlId, goneUrl), crawlJobId(crawlId, lostUrl)].sort());
    const pages = (await harness.state.pages.readPages(crawlId, { limit: 100 })).items;
    const lost = pages.filter((page) => page.status === 'failed');
    expect(
      lost.map(({ url, depth, error }) => ({ url, depth, error })).sort((a, b) => a.url.localeCompare(b.url)),
    ).toEqual([
      {
        url: goneUrl,
        depth: 0,
        error: { code: 'KUMO_ANALYSIS_JOBS_PAGE_LOST', message: expect.stringContaining('gone') },
      },
      {
        url: lostUrl,
        depth: 2,
        error: { code: 'KUMO_ANALYSIS_JOBS_PAGE_LOST', message: 'job stalled more than allowable limit' },
      },
    ]);
    const counts = (await harness.state.records.counts(crawlId))!;
    expect(counts).toMatchObject({ discovered: 7, fetched: 5, failed: 2, skipped: 0 });
    expect(counts.discovered).toBe(counts.fetched + counts.failed + counts.skipped);
    const done = (await events(harness, crawlId)).at(-1)!;
    expect(JSON.parse(done.data)).toMatchObject({ status: 'failed', counts: { discovered: 7, fetched: 5, failed: 2 } });
  });

  it('ends the crawl failed on a retry after a run that recorded lost pages and died before settling', async () => {
    const lostUrl = 'http://127.0.0.1/lost.html';
    const { harness } = setup();
    const crawlId = await finishedCrawl(harness, { analyze: false }, 0);
    await harness.state.admission.admitUrls(crawlId, [lostUrl], 100);
    const deps = {
      timer: harness.timer,
      logger: harness.logger,
      pageSize: 3,
      now: () => Date.parse('2026-11-22T00:00:00Z'),
    };
    // The first run records the lost page, then dies before the crawl is settled.
    const crashing = createAggregateProcessor({
      ...deps,
      state: {
        ...harness.state,
        lifecycle: {
          settle: async () => {
            throw new Error('process died');
          },
        },
      } as unknown as AggregateProcessorDeps['state'],
    });
    await expect(crashing(jobOf<AggregateJobData>({ crawlId }, crawlId))).rejects.toThrow('process died');
    expect((await harness.state.records.getCrawl(crawlId))!.crawl.status).not.toBe('failed');

    // BullMQ runs the job again (attemptsMade 1): the lost page is already recorded, the crawl still lost it.
    const retry = Object.assign(jobOf<AggregateJobData>({ crawlId }, crawlId), { attemptsMade: 1 });
    const result = (await createAggregateProcessor({ ...deps, state: harness.state })(retry)) as AggregateResult;

    expect(result).toMatchObject({ status: 'failed', pages: 5 });
    const pages = (await harness.state.pages.readPages(crawlId, { limit: 100 })).items;
    expect(pages.filter((page) => page.status === 'failed').map((page) => page.url)).toEqual([lostUrl]);
    const done = (await events(harness, crawlId)).at(-1)!;
    expect(JSON.parse(done.data)).toMatchObject({ status: 'failed', counts: { discovered: 6, fetched: 5, failed: 1 } });
  });

  it('is idempotent: a retried run keeps the report and status and appends no second done', async () => {
    const { harness, run } = setup();
    const crawlId = await finishedCrawl(harness);
    await run(crawlId);
    const report = await harness.state.reports.getReport(crawlId);
    const before = await events(harness, crawlId);
    // A run that died after appending done but before the cleanup left tmp data behind.
    await harness.state.texts.putPageText(crawlId, 'late', 'テキスト');

    const again = await run(crawlId);

    expect(again).toEqual({ status: 'completed', pages: 5, analyses: 0, resumed: true });
    expect(await events(harness, crawlId)).toEqual(before);
    expect(await harness.state.reports.getReport(crawlId)).toEqual(report);
    expect(await keysOf(harness, 'tmp', crawlId)).toEqual([]);
  });

  it('records each settled crawl once in the crawl-level metrics, by final status only', async () => {
    const metrics = createMetrics({ app: 'aggregate-test', defaultMetrics: false });
    const { harness, run } = setup({ metrics });
    const crawlId = await finishedCrawl(harness);
    await run(crawlId);
    await run(crawlId); // a retried run settles nothing new

    const values = async (name: string) =>
      (await metrics.registry.getSingleMetric(name)!.get()).values.map((value) => ({
        labels: value.labels,
        value: value.value,
        // A histogram's values name their series (`…_bucket`, `…_sum`, `…_count`); a counter's do not.
        metricName: (value as { metricName?: string }).metricName,
      }));
    expect(await values('kumo_crawls_finished_total')).toEqual([
      { labels: { status: 'completed' }, value: 1, metricName: undefined },
    ]);
    const pages = await values('kumo_crawl_pages');
    expect(pages.find((value) => value.metricName === 'kumo_crawl_pages_sum')).toMatchObject({ value: 5 });
    expect(pages.find((value) => value.metricName === 'kumo_crawl_pages_count')).toMatchObject({ value: 1 });
    const seconds = await values('kumo_crawl_duration_seconds');
    expect(seconds.find((value) => value.metricName === 'kumo_crawl_duration_seconds_count')).toMatchObject({
      labels: { status: 'completed' },
      value: 1,
    });
  });

  it('completes the job of a crawl finished elsewhere without a report: builds it and appends done once', async () => {
    const { harness, run } = setup();
    const crawlId = await finishedCrawl(harness);
    await harness.state.lifecycle.finish(crawlId, 'cancelled', new Date());

    expect(await run(crawlId)).toMatchObject({ status: 'cancelled', resumed: true, analyses: 5 });

    expect((await harness.state.reports.getReport(crawlId))!.keywords.length).toBeGreaterThan(0);
    const done = (await events(harness, crawlId)).filter((event) => event.type === 'done');
    expect(done).toHaveLength(1);
  });

  it('gives a crawl with analyze: false a report with its page counts and empty lists', async () => {
    const { harness, run } = setup();
    const crawlId = await finishedCrawl(harness, { analyze: false }, 2);

    expect(await run(crawlId)).toMatchObject({ status: 'completed', analyses: 0 });

    expect(await harness.state.reports.getReport(crawlId)).toEqual({
      id: crawlId,
      pages: { fetched: 5, failed: 2 },
      keywords: [],
      phrases: [],
      cooccurrence: [],
      variations: [],
    });
  });

  it('skips malformed analysis events with a warning', async () => {
    const { harness, run } = setup();
    const crawlId = await finishedCrawl(harness);
    const key = harness.state.live.streamKey(crawlId);
    await harness.bullConnection.xadd(key, '*', 'type', 'analysis', 'data', '{not json');

    expect((await run(crawlId)).analyses).toBe(5);
    expect(harness.logs('malformed analysis events ignored')).toMatchObject([{ crawlId, malformed: 1 }]);
  });

  it('fails a crawl that is gone as unrecoverable', async () => {
    const { run } = setup();
    const error = await run('cgone00000000000000000').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CrawlGoneError);
    // What every kumo worker hands BullMQ for it: BullMQ's own UnrecoverableError, never retried.
    const handed = translateJobError(error, jobOf({ crawlId: 'cgone00000000000000000' })).error;
    expect(handed).toBeInstanceOf(UnrecoverableError);
    expect(handed).toMatchObject({ code: 'KUMO_ANALYSIS_JOBS_CRAWL_GONE', name: 'UnrecoverableError', cause: error });
  });

  it('rejects job data without a crawl id as unrecoverable', async () => {
    const { harness } = setup();
    const processor = createAggregateProcessor({ state: harness.state, timer: harness.timer, logger: harness.logger });
    await expect(processor(jobOf({} as AggregateJobData))).rejects.toBeInstanceOf(InvalidAnalysisJobError);
  });

  const badOptions: [string, Partial<AggregateProcessorDeps>, RegExp][] = [
    ['a zero page size', { pageSize: 0 }, /pageSize/],
    ['a huge page size', { pageSize: 1_000_000 }, /pageSize/],
    ['a negative keyword limit', { reportOptions: { maxKeywords: -1 } }, /maxKeywords/],
  ];
  it.each(badOptions)('fails fast on %s', (_name, overrides, message) => {
    expect(() => setup(overrides)).toThrow(message);
  });
  it('reports a bad page size as its own options error', () => {
    expect(() => setup({ pageSize: 0 })).toThrow(AnalysisJobsOptionsError);
  });

  it('runs as the root of a real BullMQ flow once its children are done', async () => {
    const { harness } = setup();
    const crawlId = await finishedCrawl(harness);
    const processor = createAggregateProcessor({ state: harness.state, timer: harness.timer, logger: harness.logger });
    const worker = createKumoWorker('aggregate', processor, {
      connection: harness.bullConnection,
      config: harness.config,
      concurrency: 1,
    });
    try {
      const completed = new Promise<AggregateResult>((resolve, reject) => {
        worker.on('completed', (job, value) => job.id === crawlId && resolve(value as AggregateResult));
        worker.on('failed', (job, error) => job?.id === crawlId && reject(error));
      });
      await harness.queues.addCrawlFlow({ crawlId, seeds: [] });
      expect((await completed).status).toBe('completed');
      expect((await events(harness, crawlId)).at(-1)!.type).toBe('done');
    } finally {
      await worker.close();
    }
  });
});

describe('finalStatusOf', () => {
  // name, cancel requested, fetched, failed, skipped with an error, expected
  const cases: [string, boolean, number, number, number, FinalStatus][] = [
    ['pages fetched, none failed', false, 3, 0, 0, 'completed'],
    ['some fetched, some failed', false, 2, 5, 0, 'completed'],
    ['some fetched, some unreachable', false, 2, 0, 3, 'completed'],
    ['every page failed', false, 0, 4, 0, 'failed'],
    ['every page skipped because the site was unreachable', false, 0, 0, 1, 'failed'],
    ['nothing fetched nor failed (all skipped by rule)', false, 0, 0, 0, 'completed'],
    ['cancelled after some pages', true, 3, 1, 0, 'cancelled'],
    ['cancelled before anything was fetched', true, 0, 0, 0, 'cancelled'],
    ['cancelled wins over every page failing', true, 0, 2, 1, 'cancelled'],
  ];
  it.each(cases)('%s', (_name, cancelRequested, fetched, failed, skippedWithError, expected) => {
    expect(finalStatusOf({ cancelRequested, counts: { fetched, failed }, skippedWithError })).toBe(expected);
  });

  // name, cancel requested, fetched, lost, expected
  const lostCases: [string, boolean, number, number, FinalStatus][] = [
    ['pages fetched, one lost without a result', false, 40, 1, 'failed'],
    ['pages fetched, none lost', false, 40, 0, 'completed'],
    ['cancelled wins over lost pages', true, 40, 2, 'cancelled'],
  ];
  it.each(lostCases)('%s', (_name, cancelRequested, fetched, lost, expected) => {
    expect(finalStatusOf({ cancelRequested, counts: { fetched, failed: lost }, lost })).toBe(expected);
  });
});
