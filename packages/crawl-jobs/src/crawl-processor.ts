import { createHash } from 'node:crypto';
import type { CrawlRequest, PageResult } from '@kumo/contract';
import { crawlInputOf, LruCache, type Crawler, type CrawlPageOutcome } from '@kumo/crawler';
import type { CrawlStore } from '@kumo/crawl-state';
import type { JobTimer, Logger, StageTimer } from '@kumo/observability';
import {
  crawlJobId,
  holdWhileRedisRefuses,
  type CrawlJobData,
  type CrawlJobResult,
  type Job,
  type KumoProcessor,
  type KumoQueues,
  jobAttempt,
  pageTextDigest,
  sourceKeyOf,
} from '@kumo/queues';
import { CrawlJobsOptionsError, CrawlRetryError, InvalidCrawlJobError } from './errors.js';
import { createHostScheduling } from './host-scheduling.js';
import { limiterHost, type HostLimiter } from './host-state.js';
import { previousFetchOf, validatorsEntryOf, type PreviousFetch } from './page-revalidation.js';
import { createSourceJob, isSiteSource, SOURCE_SETTINGS_DEFAULTS, type SourceSettings } from './source-job.js';

/** What {@link createCrawlProcessor} works with. The crawl-worker builds each from its configuration. */
export interface CrawlProcessorDeps {
  /** The process's crawler (`createCrawler`, with a `RedisRobotsStore`). */
  crawler: Crawler;
  /**
   * The crawl state it reads and writes: the record, the queued → running move, link admission, the `page` events,
   * page texts (for analysis, and kept for readers when the crawl has `store`), the page index (which links
   * already have a page, when a job runs again after a crash), and the validators of fetched pages (conditional
   * re-fetch by the next run, and of this run when it has a `previousId`).
   */
  state: Pick<
    CrawlStore,
    'records' | 'lifecycle' | 'admission' | 'results' | 'texts' | 'pages' | 'contents' | 'validators'
  >;
  /** Where analyze and crawl children are added (dynamic children of the crawl's root). */
  queues: Pick<KumoQueues, 'addChildren' | 'crawl'>;
  /** Per-host politeness shared by every process. */
  limiter: HostLimiter;
  /**
   * Times the `fetch`, `parse`, `enqueue` and `reuse` (a `304`'s previous analysis recorded, nothing tokenised)
   * stages and logs one line per job.
   */
  timer: StageTimer;
  /** For warnings (a crawl that vanished, a recovered admission). */
  logger: Logger;
  /**
   * Random extra delay added to a limiter wait, as a fraction of the wait (at least `minJitterMs`), so jobs that
   * waited for one host do not all come back at the same moment. @defaultValue 0.5
   */
  jitter?: number;
  /** Smallest jitter added to a limiter wait, in ms. @defaultValue 20 */
  minJitterMs?: number;
  /**
   * The longest wait for a host that a job sleeps in-process (keeping its worker slot) before asking the limiter again;
   * longer waits send the job back to *delayed*. @defaultValue 2000
   */
  holdMs?: number;
  /** How many such waits one job sleeps before it goes back to *delayed* all the same. @defaultValue 5 */
  maxHolds?: number;
  /** Limits of `sources` (sitemaps and feeds): `CRAWL_SOURCE_*`. @defaultValue `SOURCE_SETTINGS_DEFAULTS` */
  sources?: SourceSettings;
  /** Crawl requests cached per process (a request never changes once created). @defaultValue 1000 */
  requestCacheSize?: number;
  /** Clock; tests may replace it. @defaultValue Date.now */
  now?: () => number;
  /** Random source in [0, 1); tests may replace it. @defaultValue Math.random */
  random?: () => number;
}

/**
 * Admitted links checked together when a re-run looks for links without a job: one HMGET of the page index, then
 * their job lookups (one HGETALL each) in flight at once.
 */
const JOB_LOOKUP_BATCH = 100;

/** Key of a page's text in `tmp` (and of its analyze job): a digest, since URLs can be long. */
export function pageKeyOf(url: string): string {
  return createHash('sha256').update(url).digest('hex').slice(0, 32);
}

/** Whether a page gets an analyze job: a fetched page with text, of a crawl that asked for analysis. */
function toAnalyze(request: CrawlRequest, outcome: CrawlPageOutcome): boolean {
  return request.analyze === true && outcome.page.status === 'fetched' && outcome.text.length > 0;
}

/** What a crawl job needs of its crawl besides the cancel flag, cached per process (it never changes). */
interface CrawlSettings {
  request: CrawlRequest;
  /** The schedule's previous run, whose validators this crawl sends. */
  previousId?: string;
  /** Set once a job of this process found the crawl cancelled: a cancelled crawl stays cancelled. */
  seenCancelled?: true;
}

function validJob(data: unknown): CrawlJobData {
  const value = data as Partial<CrawlJobData> | null;
  if (
    !value ||
    typeof value.crawlId !== 'string' ||
    value.crawlId.length === 0 ||
    typeof value.url !== 'string' ||
    typeof value.depth !== 'number' ||
    !Number.isInteger(value.depth) ||
    value.depth < 0 ||
    (value.source !== undefined &&
      (typeof value.source !== 'object' ||
        !['sitemap', 'feed'].includes((value.source as { type?: unknown }).type as string)))
  ) {
    throw new InvalidCrawlJobError(
      `crawl job data must be { crawlId, url, depth }, got ${JSON.stringify(data)?.slice(0, 200)}`,
    );
  }
  return value as CrawlJobData;
}

function cancelledPage(data: CrawlJobData): PageResult {
  return { url: data.url, finalUrl: data.url, depth: data.depth, status: 'skipped', reason: 'cancelled', timings: {} };
}

/**
 * The BullMQ processor of `crawl` jobs. Per job: a cancelled crawl records the page `skipped`/`cancelled` without
 * fetching; robots.txt is consulted before the host limiter (a disallowed page costs the host nothing); a lease
 * due within `holdMs` is waited for in-process, and a longer wait moves the job to *delayed* (never spun on);
 * transient failures are retried by BullMQ while attempts are left (429/503 also back the host off by
 * `Retry-After`), and recorded as `failed` on the last attempt; the page is appended to the result stream at once
 * (its text for analysis stored in the same round trip), then its analyze job is added and its links admitted
 * (together), then the crawl jobs of newly admitted links, each delayed until its planned start. Returns only
 * `{ status, links }`.
 *
 * Safe to run again after a crash: the page append is idempotent per URL, child job ids are deterministic, and a
 * re-run re-adds children for links it admitted earlier but whose jobs never got added.
 */
export function createCrawlProcessor(deps: CrawlProcessorDeps): KumoProcessor<CrawlJobData, CrawlJobResult> {
  const jitter = deps.jitter ?? 0.5;
  const minJitterMs = deps.minJitterMs ?? 20;
  if (!(jitter >= 0) || !(minJitterMs >= 0)) throw new CrawlJobsOptionsError('jitter and minJitterMs must be ≥ 0');
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const holdMs = deps.holdMs ?? 2000;
  const maxHolds = deps.maxHolds ?? 5;
  // A request never changes once the crawl is created: a process reads it once per crawl, not once per page.
  const requests = new LruCache<string, CrawlSettings>(deps.requestCacheSize ?? 1000);

  /**
   * The crawl's request and cancel flag, or null when the crawl is gone (expired or deleted). `queued` is true when
   * the record was read (not cached) and still said `queued`: the caller then moves it to `running`. The cancel flag of
   * a crawl whose request is cached is a promise (asked for now, awaited later): a page's job awaits it together with
   * its host lease (`withLease`), one round trip for both.
   */
  async function crawlOf(
    crawlId: string,
  ): Promise<(CrawlSettings & { cancelled: boolean | Promise<boolean>; queued: boolean }) | null> {
    const cached = requests.get(crawlId);
    if (cached) {
      if (cached.seenCancelled) return { ...cached, cancelled: true, queued: false };
      const cancelled = deps.state.records.isCancelRequested(crawlId);
      // Awaited by whichever path the job takes; one that throws before then must not leave it unhandled.
      cancelled.catch(() => undefined);
      return { ...cached, cancelled, queued: false };
    }
    const state = await deps.state.records.getCrawl(crawlId);
    if (!state) return null;
    const { request, previousId } = state.crawl;
    const settings: CrawlSettings = { request, ...(previousId === undefined ? {} : { previousId }) };
    requests.set(crawlId, settings);
    return { ...settings, cancelled: state.cancelRequested, queued: state.crawl.status === 'queued' };
  }

  const scheduling = createHostScheduling({
    crawler: deps.crawler,
    state: deps.state,
    queues: deps.queues,
    limiter: deps.limiter,
    logger: deps.logger,
    jitter,
    minJitterMs,
    holdMs,
    maxHolds,
    now,
    random,
  });

  const runSource = createSourceJob({
    crawler: deps.crawler,
    state: deps.state,
    scheduling,
    logger: deps.logger,
    settings: deps.sources ?? SOURCE_SETTINGS_DEFAULTS,
  });

  /** Fetches the page under a host lease (see `HostScheduling.withLease`). */
  async function fetchWithLease(
    job: Job<CrawlJobData, CrawlJobResult>,
    token: string | undefined,
    request: CrawlRequest,
    signal: AbortSignal | undefined,
    previous: PreviousFetch | undefined,
    cancelled: Promise<boolean>,
  ): Promise<CrawlPageOutcome | 'cancelled'> {
    const { url, depth } = job.data;
    const input = {
      url,
      depth,
      ...crawlInputOf(request),
      ...(signal ? { signal } : {}),
      ...(previous ? { revalidate: previous.revalidation } : {}),
    };
    return scheduling.withLease(
      job,
      token,
      request,
      signal,
      (onFetched) => deps.crawler.crawlPage(onFetched === undefined ? input : { ...input, onFetched }),
      cancelled,
    );
  }

  /** Crawl jobs for `links` at `depth`, each delayed until the start its host's schedule planned for it. */
  async function addCrawlJobs(crawlId: string, request: CrawlRequest, links: readonly string[], depth: number) {
    await scheduling.addCrawlJobs(
      crawlId,
      request,
      links.map((url) => ({ crawlId, url, depth })),
    );
  }

  /**
   * Links of this page that an earlier run may have admitted without adding their crawl jobs (a crash in between):
   * those in the crawl's seen-set (admitted by someone) with no page recorded and no job in any state. Links outside
   * the seen-set were never admitted (page budget) and need no check, so the cost is one SMISMEMBER round trip per
   * 1,000 links, then, for the admitted ones only, one HMGET and `JOB_LOOKUP_BATCH` job lookups in flight per batch.
   */
  async function unqueuedLinks(crawlId: string, links: readonly string[]): Promise<string[]> {
    const seen = await deps.state.admission.seenAmong(crawlId, links);
    // At most the crawl's page budget: only links somebody admitted.
    const admitted = links.filter((_link, index) => seen[index]);
    const result: string[] = [];
    for (let start = 0; start < admitted.length; start += JOB_LOOKUP_BATCH) {
      const batch = admitted.slice(start, start + JOB_LOOKUP_BATCH);
      // A page already recorded, or a job that exists (in any state), means the link is taken care of.
      const recorded = await deps.state.pages.pagesRecorded(crawlId, batch);
      const candidates = batch.filter((_link, index) => !recorded[index]);
      const jobs = await Promise.all(candidates.map((link) => deps.queues.crawl.getJob(crawlJobId(crawlId, link))));
      candidates.forEach((link, index) => {
        if (!jobs[index]) result.push(link);
      });
    }
    return result;
  }

  /**
   * Adds the analyze job of a page whose text was stored under `pageKey` (none when undefined) and admits the page's
   * links, in one round trip, then adds the admitted links' crawl jobs; returns how many links were admitted.
   */
  async function enqueue(
    timer: JobTimer,
    data: CrawlJobData,
    request: CrawlRequest,
    outcome: CrawlPageOutcome,
    pageKey: string | undefined,
    rerun: boolean,
  ): Promise<number> {
    return timer.stage('enqueue', async () => {
      const { crawlId, url, depth } = data;
      const follows = depth < request.maxDepth && !outcome.nofollow && outcome.links.length > 0;
      // Independent of each other, so in one round trip. Both are idempotent, and a failed try runs again as a re-run
      // (which adds the crawl jobs of links an earlier try admitted).
      const [, admitted] = await Promise.all([
        pageKey === undefined
          ? undefined
          : deps.queues.addChildren('analyze', crawlId, [
              { crawlId, url, pageKey, textDigest: pageTextDigest(outcome.text) },
            ]),
        follows ? deps.state.admission.admitUrls(crawlId, outcome.links, request.maxPages) : [],
      ]);
      if (!follows) return 0;
      const toAdd = [...admitted];
      if (rerun) {
        const fresh = new Set(admitted);
        const recovered = await unqueuedLinks(
          crawlId,
          outcome.links.filter((link) => !fresh.has(link)),
        );
        if (recovered.length > 0) deps.logger.warn({ crawlId, url, recovered: recovered.length }, 'links re-queued');
        toAdd.push(...recovered);
      }
      await addCrawlJobs(crawlId, request, toAdd, depth + 1);
      return admitted.length;
    });
  }

  /**
   * After the page is recorded: a page a `304` stood in for gets the previous run's analysis (stage `reuse`: no
   * analyze job, nothing tokenised), and a page with validators is remembered for the next run.
   */
  async function rememberAndReuse(
    timer: JobTimer,
    crawlId: string,
    request: CrawlRequest,
    outcome: CrawlPageOutcome,
    previous: PreviousFetch | undefined,
  ): Promise<void> {
    const { url } = outcome.page;
    const analysis = previous?.analysis;
    if (outcome.notModified === true && request.analyze && analysis !== undefined) {
      await timer.stage('reuse', () =>
        holdWhileRedisRefuses(() => deps.state.results.appendAnalysis(crawlId, url, analysis), {
          operation: "record the previous run's analysis",
        }),
      );
    }
    const entry = validatorsEntryOf(outcome, previous);
    if (entry !== undefined) {
      await holdWhileRedisRefuses(() => deps.state.validators.remember(crawlId, url, entry), {
        operation: 'remember the validators',
      });
    }
  }

  return async (job, token, signal) => {
    const data = validJob(job.data);
    const { crawlId, url } = data;
    const timer = deps.timer.job({ crawlId, jobId: job.id, url });
    const found = await crawlOf(crawlId);
    if (!found) {
      deps.logger.warn({ crawlId, jobId: job.id, url }, 'crawl job of an unknown or expired crawl: dropped');
      timer.finish('dropped');
      return { status: 'skipped', links: 0 };
    }
    // queued → running with the crawl's first job: once per crawl and process (later jobs find the request cached),
    // and the script moves only a queued crawl, so the other processes' first jobs change nothing.
    if (found.queued && found.cancelled === false) await deps.state.lifecycle.markRunning(crawlId, new Date(now()));
    const skipCancelled = async (): Promise<CrawlJobResult> => {
      const cached = requests.get(crawlId);
      if (cached) cached.seenCancelled = true;
      // Its planned starts no longer count against the host's other crawls.
      await deps.limiter.leave(limiterHost(url), crawlId);
      // A source is recorded under its key (as admitted); a site's sitemap source was never admitted.
      const indexKey = data.source === undefined ? url : sourceKeyOf(url);
      if (!isSiteSource(data)) {
        await holdWhileRedisRefuses(() => deps.state.results.appendPage(crawlId, cancelledPage(data), indexKey), {
          operation: 'record a cancelled page',
        });
      }
      timer.finish('cancelled');
      return { status: 'skipped', links: 0 };
    };
    if (found.cancelled === true) return skipCancelled();

    if (data.source !== undefined) {
      if ((await found.cancelled) === true) return skipCancelled();
      const result = await runSource({ job, token, signal, request: found.request, timer });
      return result === 'cancelled' ? skipCancelled() : result;
    }

    // A page the previous run fetched with validators is asked for conditionally (its entry read before the fetch,
    // with the analysis that stands in for it on a `304`).
    const previous = await previousFetchOf(deps.state.validators, found.previousId, found.request, url);
    const outcome = await fetchWithLease(job, token, found.request, signal, previous, Promise.resolve(found.cancelled));
    if (outcome === 'cancelled') return skipCancelled();
    if (outcome.page.timings.fetchMs !== undefined) timer.record('fetch', outcome.page.timings.fetchMs);
    if (outcome.page.timings.parseMs !== undefined) timer.record('parse', outcome.page.timings.parseMs);

    // From here on the page has been fetched: a write Redis refuses (full, read-only, failing over) is held and tried
    // again within this job (its lock kept), never retried by fetching the page again.
    const attempt = jobAttempt(job);
    if (outcome.transient && !attempt.final) {
      const { retryAfterMs } = outcome;
      if (retryAfterMs !== undefined) {
        await holdWhileRedisRefuses(() => deps.limiter.backOff(limiterHost(url), retryAfterMs), {
          operation: 'back the host off',
        });
      }
      timer.finish('retry', { code: outcome.page.error?.code, attempt: attempt.number });
      throw new CrawlRetryError(url, outcome.page.error?.code ?? 'unknown', outcome.page.error);
    }

    // Stored content first, so a reader that sees the page also finds its text and links.
    const store = found.request.store ?? [];
    if (store.length > 0 && outcome.page.status === 'fetched') {
      const content = {
        ...(store.includes('text') ? { text: outcome.text } : {}),
        ...(store.includes('links') ? { links: outcome.outLinks } : {}),
      };
      await holdWhileRedisRefuses(() => deps.state.contents.putContent(crawlId, url, content), {
        operation: 'store the page content',
      });
    }
    // The page goes to the result stream next: clients see it at once, whatever happens next. The text its analyze
    // job reads is stored in the same round trip (should the append fail, the text expires with the tmp TTL).
    const pageKey = toAnalyze(found.request, outcome) ? pageKeyOf(url) : undefined;
    await holdWhileRedisRefuses(
      () =>
        Promise.all([
          deps.state.results.appendPage(crawlId, outcome.page),
          pageKey === undefined ? undefined : deps.state.texts.putPageText(crawlId, pageKey, outcome.text),
        ]),
      { operation: 'record the page' },
    );
    await rememberAndReuse(timer, crawlId, found.request, outcome, previous);
    // A job that stalled (its process died) or failed before may have admitted links without adding their jobs; so
    // may a try of this one whose answer was lost (a connection that dropped after Redis ran the admission).
    let tries = 0;
    const links = await holdWhileRedisRefuses(
      () => enqueue(timer, data, found.request, outcome, pageKey, attempt.rerun || tries++ > 0),
      { operation: 'admit and queue the links' },
    );
    timer.finish(outcome.page.status, { links });
    return { status: outcome.page.status, links };
  };
}
