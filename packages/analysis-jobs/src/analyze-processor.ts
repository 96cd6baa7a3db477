import { performance } from 'node:perf_hooks';
import {
  analyzeText,
  type Glossary,
  type Homograph,
  type AnalyzeOptions,
  type JapaneseTokenizer,
  type Token,
  type TokenizeOptions,
  type WordPath,
} from '@kumo/analyzer';
import type { Analysis } from '@kumo/contract';
import { CrawlStateErrorCode, type CrawlStore } from '@kumo/crawl-state';
import type { AppMetrics, Counter, JobTimer, Logger, StageTimer } from '@kumo/observability';
import { pageTextDigest, type AnalyzeJobData, type AnalyzeJobResult, type KumoProcessor } from '@kumo/queues';
import { analysisCacheHash, type AnalysisCache } from './analysis-cache.js';
import { CrawlGlossaries } from './crawl-glossaries.js';
import { AnalysisJobsErrorCode, AnalysisJobsOptionsError, InvalidAnalysisJobError } from './errors.js';

/** Why an analyze job recorded no analysis. */
export type AnalysisSkipReason = 'already-analyzed' | 'text-missing' | 'cancelled' | 'crawl-gone';

/** What an analyze job returns (BullMQ stores it): counts only, never the analysis itself. */
export interface AnalyzeResult extends AnalyzeJobResult {
  /** Terms the page's analysis kept (at most 50). */
  terms: number;
  /** Set when no analysis was recorded by this run, and why. */
  skipped?: AnalysisSkipReason;
}

/** What {@link createAnalyzeProcessor} works with. The analysis-worker builds each from its configuration. */
export interface AnalyzeProcessorDeps {
  /** The process-wide kuromoji tokenizer (`loadTokenizer()`), loaded before the worker takes jobs. */
  tokenizer: JapaneseTokenizer;
  /** The crawl state it reads and writes: the record, page texts, the `analysis` events and the analysis index. */
  state: Pick<CrawlStore, 'records' | 'texts' | 'results' | 'pages'>;
  /** Analyses by content hash, shared by every crawl (`new AnalysisCache(store, { cacheTtlMs })`). */
  cache: AnalysisCache;
  /** Times the `tokenize` and `analyze` stages and logs one line per job. */
  timer: StageTimer;
  /** For warnings (a missing text, a damaged cache entry). */
  logger: Logger;
  /**
   * Where the `kumo_analysis_cache_total{result}` and `kumo_analysis_skipped_total{reason}` counters go.
   * @defaultValue none (no counters)
   */
  metrics?: AppMetrics;
  /** Passed to `analyzeText` (terms and phrases kept, chunk size). @defaultValue the analyzer's defaults */
  analyzeOptions?: AnalyzeOptions;
  /**
   * The deployment's user dictionary (`ANALYZER_USER_DICTIONARY`, compiled with `Glossary.compile`), merged with each
   * crawl's own `glossary`. @defaultValue none
   */
  glossary?: Glossary;
}

interface Computed {
  tokenizeMs: number;
  analyzeMs: number;
}

function isCode(error: unknown, code: string): boolean {
  return error instanceof Error && (error as { code?: unknown }).code === code;
}

function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/** What `pageTextDigest` returns. */
const SHA256_HEX = /^[0-9a-f]{64}$/;

/** The data of an `analyze` job, or `InvalidAnalysisJobError` (never retried). */
export function analyzeJobData(data: unknown): AnalyzeJobData {
  const value = data as Partial<AnalyzeJobData> | null;
  if (
    !value ||
    !nonEmpty(value.crawlId) ||
    !nonEmpty(value.url) ||
    !nonEmpty(value.pageKey) ||
    (value.textDigest !== undefined && !(typeof value.textDigest === 'string' && SHA256_HEX.test(value.textDigest)))
  ) {
    const got = JSON.stringify(data)?.slice(0, 200) ?? String(data);
    throw new InvalidAnalysisJobError(`analyze job data must be { crawlId, url, pageKey, textDigest? }, got ${got}`);
  }
  const { crawlId, url, pageKey, textDigest } = value;
  return { crawlId, url, pageKey, ...(textDigest === undefined ? {} : { textDigest }) };
}

/**
 * Wraps the process's tokenizer to measure the time spent inside kuromoji for one job, so the job's `tokenize` and
 * `analyze` (counting, ranking) stages can be told apart. Per job rather than through the process-wide
 * `kumo:analyzer:tokenize` channel, because jobs running concurrently would mix their events there.
 */
export class TimedTokenizer implements JapaneseTokenizer {
  /** Milliseconds spent producing tokens so far (including the brief event-loop turns between chunks). */
  ms = 0;
  readonly #inner: JapaneseTokenizer;
  /**
   * The inner tokenizer's word paths, timed (what `analyzeText` counts first); absent when the inner tokenizer has
   * none, so that the analysis then takes tokens.
   */
  readonly tokenizeChunksPath?: (text: string, options?: TokenizeOptions) => AsyncGenerator<WordPath, void, undefined>;

  constructor(inner: JapaneseTokenizer) {
    this.#inner = inner;
    if (inner.tokenizeChunksPath !== undefined) {
      this.tokenizeChunksPath = (text, options) =>
        this.#timed((inner.tokenizeChunksPath as NonNullable<typeof inner.tokenizeChunksPath>)(text, options));
    }
  }

  homographReadings(wordId: number): readonly Homograph[] {
    return this.#inner.homographReadings?.(wordId) ?? [];
  }

  tokenize(text: string, options?: TokenizeOptions): Token[] {
    const started = performance.now();
    try {
      return this.#inner.tokenize(text, options);
    } finally {
      this.ms += performance.now() - started;
    }
  }

  async tokenizeAsync(text: string, options?: TokenizeOptions): Promise<Token[]> {
    const tokens: Token[] = [];
    for await (const chunk of this.tokenizeChunks(text, options)) for (const token of chunk) tokens.push(token);
    return tokens;
  }

  tokenizeChunks(text: string, options?: TokenizeOptions): AsyncGenerator<Token[], void, undefined> {
    return this.#timed(this.#inner.tokenizeChunks(text, options));
  }

  /** The inner tokenizer's shared tokens (what `analyzeText` counts over), or its ordinary ones when it has none. */
  tokenizeChunksShared(text: string, options?: TokenizeOptions): AsyncGenerator<readonly Token[], void, undefined> {
    const inner = this.#inner;
    return this.#timed(inner.tokenizeChunksShared?.(text, options) ?? inner.tokenizeChunks(text, options));
  }

  async *#timed<T>(inner: AsyncGenerator<T, void, undefined>): AsyncGenerator<T, void, undefined> {
    try {
      for (;;) {
        // Includes the inner generator's event-loop turn before each chunk: short, and other jobs' work can run in it.
        const started = performance.now();
        const next = await inner.next();
        this.ms += performance.now() - started;
        if (next.done) return;
        yield next.value;
      }
    } finally {
      await inner.return(undefined);
    }
  }
}

/**
 * The BullMQ processor of `analyze` jobs. Per job: reads the page text from `tmp` and, in the same round trip, the
 * analysis cache (`cache` purpose) entry of the text's digest, which the job carries; on a miss analyses the text
 * with the process's tokenizer (chunk by chunk, so the job's lock keeps being renewed) and caches the result;
 * appends the `analysis` event at once, and the same script deletes the text. Returns only counts.
 *
 * The text is read first and deleted only by the append, so a process that dies in between leaves it for the
 * retry. A missing text is never an error: when the page's analysis is already indexed (a re-run after a crash) the
 * job just returns; otherwise (the text expired, or was cleaned up with its crawl) the page is recorded as a skipped
 * analysis: a warning, `kumo_analysis_skipped_total{reason}`, and `skipped` in the job's return value. A crawl whose
 * cancel was requested gets no more analyses (its report, marked `partial`, covers those made before); its texts
 * are dropped.
 */
export function createAnalyzeProcessor(deps: AnalyzeProcessorDeps): KumoProcessor<AnalyzeJobData, AnalyzeResult> {
  if (!deps.tokenizer || typeof deps.tokenizer.tokenizeChunks !== 'function') {
    throw new AnalysisJobsOptionsError('tokenizer must be a loaded JapaneseTokenizer (loadTokenizer())');
  }
  const cacheCounter: Counter<'result'> | undefined = deps.metrics?.counter(
    'kumo_analysis_cache_total',
    'Analyze jobs by analysis-cache result (hit: the page text was analysed before)',
    ['result'],
  );
  const skippedCounter: Counter<'reason'> | undefined = deps.metrics?.counter(
    'kumo_analysis_skipped_total',
    'Analyze jobs that recorded no analysis, by reason',
    ['reason'],
  );

  const glossaries = new CrawlGlossaries(deps.state.records, deps.tokenizer, deps.glossary);

  async function analyse(
    text: string,
    glossary: Glossary | undefined,
  ): Promise<{ analysis: Analysis; computed: Computed }> {
    const tokenizer = new TimedTokenizer(deps.tokenizer);
    const started = performance.now();
    const analysis = await analyzeText(text, tokenizer, { ...deps.analyzeOptions, glossary });
    const totalMs = performance.now() - started;
    return { analysis, computed: { tokenizeMs: tokenizer.ms, analyzeMs: Math.max(0, totalMs - tokenizer.ms) } };
  }

  /**
   * The analysis cached under `hash`, or null: on a miss, and for a damaged or outdated entry, which is then
   * recomputed and replaced rather than failing every page with this text.
   */
  async function cached(hash: string, context: object): Promise<Analysis | null> {
    try {
      return await deps.cache.get(hash);
    } catch (error) {
      if (!isCode(error, AnalysisJobsErrorCode.CACHE_ENTRY)) throw error;
      deps.logger.warn({ ...context, err: error }, 'analysis cache entry unreadable: recomputed');
      return null;
    }
  }

  /** Records a job that found nothing to analyse. */
  function skip(timer: JobTimer, reason: AnalysisSkipReason, context: object): AnalyzeResult {
    if (reason !== 'already-analyzed') {
      skippedCounter?.inc({ reason });
      deps.logger.warn({ ...context, reason }, 'analysis skipped');
    }
    timer.finish('skipped', { reason });
    return { tokens: 0, terms: 0, cached: false, skipped: reason };
  }

  return async (job) => {
    const { crawlId, url, pageKey, textDigest } = analyzeJobData(job.data);
    const context = { crawlId, jobId: job.id, url };
    const timer = deps.timer.job(context);

    // Read once per crawl and process; the cache hash depends on it.
    const glossary = await glossaries.of(crawlId);
    // The text, the cancel flag and the cached analysis of the text the job was added for, in one round trip: the
    // cancel flag is only looked at when there is a text, the analysis only when the text is the one expected.
    const expectedHash = textDigest === undefined ? undefined : analysisCacheHash(textDigest, glossary?.fingerprint);
    const [text, cancelled, expectedHit] = await Promise.all([
      deps.state.texts.readPageText(crawlId, pageKey),
      deps.state.records.isCancelRequested(crawlId),
      expectedHash === undefined ? null : cached(expectedHash, context),
    ]);
    if (text === null) {
      if (await deps.state.pages.hasAnalysis(crawlId, url)) return skip(timer, 'already-analyzed', context);
      const gone = (await deps.state.records.counts(crawlId)) === null;
      return skip(timer, gone ? 'crawl-gone' : 'text-missing', context);
    }
    if (cancelled) {
      await deps.state.texts.dropPageText(crawlId, pageKey);
      return skip(timer, 'cancelled', context);
    }

    const hash = analysisCacheHash(pageTextDigest(text), glossary?.fingerprint);
    // The text differs from the one the job was added for only when a crawl job ran again (after a crash) and
    // stored a changed page under the same key: that text's own entry is looked up then.
    const hit = hash === expectedHash ? expectedHit : await cached(hash, context);
    const { analysis, computed } =
      hit === null ? await analyse(text, glossary) : { analysis: hit, computed: undefined };
    if (computed) {
      timer.record('tokenize', computed.tokenizeMs);
      timer.record('analyze', computed.analyzeMs);
    }
    cacheCounter?.inc({ result: computed ? 'miss' : 'hit' });

    try {
      // At once: clients following the events see the analysis as soon as it exists; the text goes in the same
      // script. Caching a fresh analysis goes alongside (both are idempotent, so a retry after either failed is
      // harmless).
      await Promise.all([
        deps.state.results.appendAnalysis(crawlId, url, analysis, pageKey),
        computed ? deps.cache.put(hash, analysis) : undefined,
      ]);
    } catch (error) {
      if (!isCode(error, CrawlStateErrorCode.CRAWL_NOT_FOUND)) throw error;
      return skip(timer, 'crawl-gone', context);
    }

    const result: AnalyzeResult = { tokens: analysis.tokens, terms: analysis.terms.length, cached: !computed };
    timer.finish('analyzed', { cached: result.cached, tokens: result.tokens, terms: result.terms });
    return result;
  };
}
