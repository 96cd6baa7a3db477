import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { analyzeText, loadTokenizer, type JapaneseTokenizer } from '@kumo/analyzer';
import { startEmbeddedRedis, type RedisHandle } from '@kumo/local-redis';
import {
  createKumoWorker,
  pageTextDigest,
  translateJobError,
  UnrecoverableError,
  type AnalyzeJobData,
} from '@kumo/queues';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Harness, fetchedPage, jobOf } from './__fixtures__/harness.js';
import { AnalysisCache, analysisCacheKey, analysisCacheHash } from './analysis-cache.js';
import {
  createAnalyzeProcessor,
  TimedTokenizer,
  type AnalyzeProcessorDeps,
  type AnalyzeResult,
} from './analyze-processor.js';
import { AnalysisJobsOptionsError, InvalidAnalysisJobError } from './errors.js';

const TEXT =
  '東京の天気は晴れです。東京タワーから富士山が見えました。天気予報によると、明日も東京は晴れるそうです。' +
  '富士山の写真を撮りに、多くの観光客が展望台に集まりました。';
const OTHER = '大阪の料理は美味しい。大阪城の近くで料理教室に参加しました。';

let redis: RedisHandle;
let dir: string;
let tokenizer: JapaneseTokenizer;
const harnesses: Harness[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'kumo-analyze-processor-'));
  [redis, tokenizer] = await Promise.all([startEmbeddedRedis({ dir }), loadTokenizer()]);
});

afterEach(async () => {
  for (const harness of harnesses.splice(0)) await harness.close();
});

afterAll(async () => {
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Deps overrides, and the TTL of the analysis cache the processor gets. */
type SetupOverrides = Partial<AnalyzeProcessorDeps> & { cacheTtlMs?: number };

function setup({ cacheTtlMs = 60_000, ...overrides }: SetupOverrides = {}) {
  const harness = new Harness(redis.url);
  harnesses.push(harness);
  const processor = createAnalyzeProcessor({
    tokenizer,
    state: harness.state,
    cache: new AnalysisCache(harness.store, { cacheTtlMs }),
    timer: harness.timer,
    logger: harness.logger,
    metrics: harness.metrics,
    ...overrides,
  });
  const run = (data: AnalyzeJobData, id?: string) => processor(jobOf(data, id)) as Promise<AnalyzeResult>;
  return { harness, run };
}

/**
 * A crawl with one fetched page whose text waits in `tmp`, and its analyze job's data, as the crawl job leaves them:
 * the job carries the text's digest (`digestOf`, the stored text by default; `null` for a job without one).
 */
async function pageWithText(
  harness: Harness,
  text: string,
  url = 'http://127.0.0.1/a.html',
  digestOf: string | null = text,
): Promise<AnalyzeJobData> {
  const crawlId = await harness.createCrawl();
  await harness.state.results.appendPage(crawlId, fetchedPage(url));
  await harness.state.texts.putPageText(crawlId, 'pk-a', text);
  return { crawlId, url, pageKey: 'pk-a', ...(digestOf === null ? {} : { textDigest: pageTextDigest(digestOf) }) };
}

async function analysisEvents(harness: Harness, crawlId: string) {
  const events = await harness.state.results.readEvents(crawlId, { count: 100 });
  return events.filter((event) => event.type === 'analysis').map((event) => JSON.parse(event.data));
}

describe('createAnalyzeProcessor', () => {
  it('analyses the stored text, appends the analysis event, deletes the text and returns counts only', async () => {
    const { harness, run } = setup();
    const data = await pageWithText(harness, TEXT);
    const expected = await analyzeText(TEXT, tokenizer);

    const result = await run(data, 'job-1');

    expect(result).toEqual({ tokens: expected.tokens, terms: expected.terms.length, cached: false });
    expect(expected.tokens).toBeGreaterThan(20);
    expect(await analysisEvents(harness, data.crawlId)).toEqual([{ url: data.url, analysis: expected }]);
    expect(await harness.state.texts.readPageText(data.crawlId, data.pageKey)).toBeNull();
    expect((await harness.state.records.counts(data.crawlId))?.analyzed).toBe(1);
    const [line] = harness.logs('job finished');
    expect(line).toMatchObject({ crawlId: data.crawlId, jobId: 'job-1', url: data.url, outcome: 'analyzed' });
    expect(Object.keys(line!.stages as object).sort()).toEqual(['analyze', 'tokenize']);
  });

  it('tokenises identical page texts once: the second page is served from the content-hash cache', async () => {
    const { harness, run } = setup();
    const first = await pageWithText(harness, TEXT);
    const second = await pageWithText(harness, TEXT, 'http://127.0.0.1/copy.html');

    const a = await run(first);
    const b = await run(second);

    expect([a.cached, b.cached]).toEqual([false, true]);
    const [one] = await analysisEvents(harness, first.crawlId);
    const [two] = await analysisEvents(harness, second.crawlId);
    expect(two.analysis).toEqual(one.analysis);
    expect(await harness.metric('kumo_analysis_cache_total', { result: 'miss' })).toBe(1);
    expect(await harness.metric('kumo_analysis_cache_total', { result: 'hit' })).toBe(1);
    const key = analysisCacheKey(harness.store.keySpace, analysisCacheHash(pageTextDigest(TEXT)));
    const ttl = await harness.store.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
    // The cached run never tokenised: no tokenize stage in its log line.
    const lines = harness.logs('job finished');
    expect(lines.map((line) => Object.keys(line.stages as object).includes('tokenize'))).toEqual([true, false]);
  });

  it('serves a job without a text digest (added before jobs carried one) from the cache as well', async () => {
    const { harness, run } = setup();
    await run(await pageWithText(harness, TEXT));
    const old = await pageWithText(harness, TEXT, 'http://127.0.0.1/old.html', null);

    expect(old.textDigest).toBeUndefined();
    expect((await run(old)).cached).toBe(true);
    const [event] = await analysisEvents(harness, old.crawlId);
    expect(event.analysis).toEqual(await analyzeText(TEXT, tokenizer));
  });

  it('analyses the text it finds when the job was added for another (a crawl job re-run on a changed page)', async () => {
    const { harness, run } = setup();
    // OTHER's analysis is cached; the page now holds TEXT, while its job still carries OTHER's digest.
    await run(await pageWithText(harness, OTHER));
    const changed = await pageWithText(harness, TEXT, 'http://127.0.0.1/changed.html', OTHER);

    const result = await run(changed);

    expect(result.cached).toBe(false);
    const [event] = await analysisEvents(harness, changed.crawlId);
    expect(event.analysis).toEqual(await analyzeText(TEXT, tokenizer));
  });

  it('returns without a second event when the page was analysed before (a re-run after a crash)', async () => {
    const { harness, run } = setup();
    const data = await pageWithText(harness, TEXT);
    await run(data);

    const again = await run(data);

    expect(again).toEqual({ tokens: 0, terms: 0, cached: false, skipped: 'already-analyzed' });
    expect(await analysisEvents(harness, data.crawlId)).toHaveLength(1);
    expect(harness.logs('analysis skipped')).toEqual([]);
  });

  it('keeps the text when a run dies before the append, so the retry analyses it', async () => {
    const { harness, run } = setup();
    const dying: JapaneseTokenizer = {
      tokenize: () => [],
      tokenizeAsync: async () => [],
      // eslint-disable-next-line require-yield -- dies before producing anything, as a killed process would
      async *tokenizeChunks() {
        throw new Error('process died while tokenising');
      },
    };
    const data = await pageWithText(harness, TEXT);
    const { timer, logger, state, store } = harness;
    const cache = new AnalysisCache(store, { cacheTtlMs: 60_000 });
    const crashed = createAnalyzeProcessor({ tokenizer: dying, state, cache, timer, logger });

    await expect(crashed(jobOf(data))).rejects.toThrow(/process died/);
    expect(await analysisEvents(harness, data.crawlId)).toEqual([]);

    const retried = await run(data);
    expect(retried.skipped).toBeUndefined();
    expect(await analysisEvents(harness, data.crawlId)).toHaveLength(1);
  });

  const skips: [string, 'text-missing' | 'cancelled' | 'crawl-gone', (h: Harness) => Promise<AnalyzeJobData>][] = [
    [
      'the text expired before the job ran',
      'text-missing',
      async (harness) => ({ ...(await pageWithText(harness, TEXT)), pageKey: 'never-stored' }),
    ],
    [
      'the crawl was cancelled',
      'cancelled',
      async (harness) => {
        const data = await pageWithText(harness, TEXT);
        await harness.state.lifecycle.requestCancel(data.crawlId);
        return data;
      },
    ],
    [
      'the crawl record is gone',
      'crawl-gone',
      async () => ({ crawlId: 'cgone00000000000000000', url: 'http://127.0.0.1/x', pageKey: 'pk' }),
    ],
  ];
  it.each(skips)('records a skipped analysis, without failing, when %s', async (_name, reason, prepare) => {
    const { harness, run } = setup();
    const data = await prepare(harness);

    const result = await run(data);

    expect(result).toEqual({ tokens: 0, terms: 0, cached: false, skipped: reason });
    expect(await analysisEvents(harness, data.crawlId)).toEqual([]);
    expect(harness.logs('analysis skipped')).toMatchObject([{ reason, crawlId: data.crawlId, url: data.url }]);
    expect(await harness.metric('kumo_analysis_skipped_total', { reason })).toBe(1);
    expect(await harness.state.texts.readPageText(data.crawlId, data.pageKey)).toBeNull();
  });

  it('never serves an analysis an older analyzer cached (keyed by the bare text hash), nor one of another glossary', async () => {
    const { harness, run } = setup();
    const data = await pageWithText(harness, OTHER);
    const stale = { ...(await analyzeText(OTHER, tokenizer)), tokens: 1 };
    const bareHash = createHash('sha256').update(OTHER, 'utf8').digest('hex');
    await harness.store.set(analysisCacheKey(harness.store.keySpace, bareHash), JSON.stringify(stale), 60_000);
    expect(analysisCacheHash(pageTextDigest(OTHER))).not.toBe(bareHash);
    expect(analysisCacheHash(pageTextDigest(OTHER), 'fingerprint')).not.toBe(analysisCacheHash(pageTextDigest(OTHER)));

    const result = await run(data);

    expect(result.cached).toBe(false);
    const [event] = await analysisEvents(harness, data.crawlId);
    expect(event.analysis).toEqual(await analyzeText(OTHER, tokenizer));
  });

  it('replaces a damaged cache entry instead of failing every page with that text', async () => {
    const { harness, run } = setup();
    const data = await pageWithText(harness, OTHER);
    const key = analysisCacheKey(harness.store.keySpace, analysisCacheHash(pageTextDigest(OTHER)));
    await harness.store.set(key, '{"tokens":"many"}', 60_000);

    const result = await run(data);

    expect(result.cached).toBe(false);
    const [event] = await analysisEvents(harness, data.crawlId);
    expect(event.analysis).toEqual(await analyzeText(OTHER, tokenizer));
    expect(JSON.parse((await harness.store.get(key))!)).toEqual(event.analysis);
    expect(harness.logs('analysis cache entry unreadable: recomputed')).toHaveLength(1);
  });

  const badData: [string, unknown][] = [
    ['null', null],
    ['no pageKey', { crawlId: 'c1', url: 'http://a/' }],
    ['empty url', { crawlId: 'c1', url: '', pageKey: 'p' }],
    ['numeric crawlId', { crawlId: 1, url: 'http://a/', pageKey: 'p' }],
    ['a text digest that is no SHA-256', { crawlId: 'c1', url: 'http://a/', pageKey: 'p', textDigest: 'abc' }],
  ];
  it.each(badData)('rejects job data that is %s as unrecoverable', async (_name, data) => {
    const { run } = setup();
    const error = await run(data as AnalyzeJobData).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidAnalysisJobError);
    // What every kumo worker hands BullMQ for it: BullMQ's own UnrecoverableError, never retried.
    const handed = translateJobError(error, jobOf(data)).error;
    expect(handed).toBeInstanceOf(UnrecoverableError);
    expect(handed).toMatchObject({ code: 'KUMO_ANALYSIS_JOBS_INVALID_JOB', name: 'UnrecoverableError', cause: error });
  });

  const badOptions: [string, SetupOverrides, RegExp][] = [
    ['a zero cache TTL', { cacheTtlMs: 0 }, /cacheTtlMs/],
    ['a cache TTL above the cache maximum', { cacheTtlMs: 31 * 86_400_000 }, /cacheTtlMs/],
    ['a fractional cache TTL', { cacheTtlMs: 1.5 }, /cacheTtlMs/],
    ['no tokenizer', { tokenizer: undefined as unknown as JapaneseTokenizer }, /tokenizer/],
  ];
  it.each(badOptions)('fails fast on %s', (_name, overrides, message) => {
    expect(() => setup(overrides)).toThrow(AnalysisJobsOptionsError);
    expect(() => setup(overrides)).toThrow(message);
  });

  it('runs as a real BullMQ worker on the analyze queue', async () => {
    const { harness } = setup();
    const data = await pageWithText(harness, OTHER);
    const processor = createAnalyzeProcessor({
      tokenizer,
      state: harness.state,
      cache: new AnalysisCache(harness.store, { cacheTtlMs: 60_000 }),
      timer: harness.timer,
      logger: harness.logger,
    });
    const worker = createKumoWorker('analyze', processor, {
      connection: harness.bullConnection,
      config: harness.config,
      concurrency: 1,
    });
    try {
      const job = await harness.queues.analyze.add('analyze', data);
      const done = await new Promise<AnalyzeResult>((resolve, reject) => {
        worker.on('completed', (finished, value) => finished.id === job.id && resolve(value as AnalyzeResult));
        worker.on('failed', (failed, error) => failed?.id === job.id && reject(error));
      });
      expect(done.terms).toBeGreaterThan(0);
      expect(await analysisEvents(harness, data.crawlId)).toHaveLength(1);
    } finally {
      await worker.close();
    }
  });
});

describe('TimedTokenizer', () => {
  it('returns the same tokens as the tokenizer it wraps, in every mode, and accumulates the time spent', async () => {
    const inner = await loadTokenizer();
    const text = '東京の天気は晴れです。'.repeat(50);
    const timed = new TimedTokenizer(inner);
    const expected = inner.tokenize(text, { maxChunkChars: 200 });
    expect(timed.tokenize(text, { maxChunkChars: 200 })).toEqual(expected);
    expect(await timed.tokenizeAsync(text, { maxChunkChars: 200 })).toEqual(expected);
    const chunks: number[] = [];
    for await (const chunk of timed.tokenizeChunks(text, { maxChunkChars: 200 })) chunks.push(chunk.length);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.reduce((sum, n) => sum + n, 0)).toBe(expected.length);
    expect(timed.ms).toBeGreaterThan(0);
  });
});
