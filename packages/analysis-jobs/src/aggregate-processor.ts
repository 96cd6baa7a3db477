import { diffKeywords, ReportBuilder, type ReportBuilderOptions } from '@kumo/analyzer';
import type { CrawlCounts, PageResult, Report } from '@kumo/contract';
import { isTerminalStatus, type CrawlState, type CrawlStore } from '@kumo/crawl-state';
import type { AppMetrics, Logger, StageTimer } from '@kumo/observability';
import type { AggregateJobData, AggregateJobResult, KumoProcessor } from '@kumo/queues';
import { forEachAnalysis, walkEvents } from './analysis-events.js';
import { AnalysisJobsOptionsError, CrawlGoneError, InvalidAnalysisJobError } from './errors.js';
import { countLostPages, recordLostPages, type CrawlJobLookup } from './lost-pages.js';

/** Events read per round trip while paging through a result stream. */
export const DEFAULT_AGGREGATE_PAGE_SIZE = 500;

/** What an aggregate job returns (BullMQ stores it). */
export interface AggregateResult extends AggregateJobResult {
  /** `analysis` events merged into the report. */
  analyses: number;
  /** True when the crawl was already finished and this run only made sure `done` and the cleanup happened. */
  resumed: boolean;
}

/** The terminal statuses the aggregate job sets. */
export type FinalStatus = 'completed' | 'failed' | 'cancelled';

/** What the final status is decided from. */
export interface FinalStatusInput {
  cancelRequested: boolean;
  counts: Pick<CrawlCounts, 'fetched' | 'failed'>;
  /**
   * Pages skipped because of an error rather than a rule: a `skipped` page carrying `error`, such as a site whose
   * robots.txt answers 5xx or 429 (`KUMO_CRAWLER_ROBOTS_UNAVAILABLE`). Such a crawl could not reach anything.
   * @defaultValue 0
   */
  skippedWithError?: number;
  /**
   * Admitted pages whose crawl job ended without recording a result (`recordLostPages`): the crawl did not do all it
   * was asked, whatever else it fetched. @defaultValue 0
   */
  lost?: number;
}

/**
 * The status a crawl ends with once every job is done: `cancelled` when a cancel was requested (whatever was
 * fetched before); `failed` when pages were lost (their jobs ended without a result: never a silent `completed`),
 * or when no page was fetched and at least one failed or was skipped because of an error; else `completed` (a crawl
 * whose pages were all skipped by rule, e.g. disallowed by robots.txt, did what was asked).
 */
export function finalStatusOf(crawl: FinalStatusInput): FinalStatus {
  if (crawl.cancelRequested) return 'cancelled';
  if ((crawl.lost ?? 0) > 0) return 'failed';
  if (crawl.counts.fetched === 0 && (crawl.counts.failed > 0 || (crawl.skippedWithError ?? 0) > 0)) return 'failed';
  return 'completed';
}

/** The data of an `aggregate` job, or `InvalidAnalysisJobError` (never retried). */
export function aggregateJobData(data: unknown): AggregateJobData {
  const value = data as Partial<AggregateJobData> | null;
  if (!value || typeof value.crawlId !== 'string' || value.crawlId.length === 0) {
    const got = JSON.stringify(data)?.slice(0, 200) ?? String(data);
    throw new InvalidAnalysisJobError(`aggregate job data must be { crawlId }, got ${got}`);
  }
  return { crawlId: value.crawlId };
}

/** What {@link createAggregateProcessor} works with. */
export interface AggregateProcessorDeps {
  /**
   * The crawl state it reads and writes: the record, the result stream, the report, the settle at the end, and the
   * admitted URLs and page index (every admitted URL gets a page result, see `recordLostPages`).
   */
  state: Pick<CrawlStore, 'records' | 'results' | 'reports' | 'lifecycle' | 'admission' | 'pages'>;
  /**
   * The crawl queue, where a lost page's job is looked up for its depth and failed reason. @defaultValue none (a
   * lost page then gets depth 0 and a generic message)
   */
  crawlJobs?: CrawlJobLookup;
  /** Times the `aggregate` stage and logs one line per job. */
  timer: StageTimer;
  /** For warnings (malformed events). */
  logger: Logger;
  /** Limits of the report (keywords, phrases, pairs, variations). @defaultValue the analyzer's (100/50/50/20/3) */
  reportOptions?: ReportBuilderOptions;
  /** Events read per `XRANGE` round trip. @defaultValue 500 (`DEFAULT_AGGREGATE_PAGE_SIZE`) */
  pageSize?: number;
  /** Clock for `finishedAt`; tests may replace it. @defaultValue Date.now */
  now?: () => number;
  /**
   * Where the crawl-level metrics go, one observation per crawl when it settles: `kumo_crawls_finished_total{status}`,
   * `kumo_crawl_pages{status}` (pages fetched) and `kumo_crawl_duration_seconds{status}` (created to settled).
   * Labelled by final status only, so their cardinality stays three whatever the number of crawls.
   * @defaultValue none
   */
  metrics?: Pick<AppMetrics, 'counter' | 'histogram'>;
  /**
   * Adds the `crawl.finished` webhook delivery of a settled crawl whose request has a `webhook` (`KumoQueues` of
   * @kumo/queues: one job per crawl, so a retried run adds nothing twice). @defaultValue none: no delivery is added
   */
  webhooks?: { addWebhookDelivery(crawlId: string): Promise<unknown> };
}

/** Pages fetched per crawl: from a single page to a large site. */
const CRAWL_PAGE_BUCKETS = [1, 10, 50, 100, 500, 1_000, 5_000, 10_000, 50_000, 100_000];
/** Seconds from creation to settling: a small crawl (1 s) to a polite crawl of a large site (a day). */
const CRAWL_DURATION_BUCKETS = [1, 5, 15, 60, 300, 900, 3_600, 4 * 3_600, 24 * 3_600];

/** The crawl-level metrics an aggregate job records when it settles a crawl. */
function crawlOutcomeMetrics(metrics: Pick<AppMetrics, 'counter' | 'histogram'>) {
  const finished = metrics.counter('kumo_crawls_finished_total', 'Crawls settled, by final status', ['status']);
  const pages = metrics.histogram(
    'kumo_crawl_pages',
    'Pages fetched per settled crawl, by final status',
    ['status'],
    CRAWL_PAGE_BUCKETS,
  );
  const duration = metrics.histogram(
    'kumo_crawl_duration_seconds',
    "Seconds from a crawl's creation to its settling, by final status",
    ['status'],
    CRAWL_DURATION_BUCKETS,
  );
  return (status: FinalStatus, fetched: number, seconds: number) => {
    finished.inc({ status });
    pages.observe({ status }, fetched);
    duration.observe({ status }, Math.max(0, seconds));
  };
}

/**
 * The BullMQ processor of a crawl's root `aggregate` job, which BullMQ runs once every child (crawl and analyze
 * jobs, the dynamic ones included) is done. It decides the final status (`finalStatusOf`), builds the report in two
 * cursor walks over the result stream (pass 1: term and phrase statistics; keyword selection; pass 2: co-occurrence
 * of the keywords; `partial: true` for a cancelled crawl; `diff` against the previous run's report when the crawl has
 * a `previousId`), stores it, sets the final status, appends the `done`
 * event and deletes the crawl's `tmp` data.
 *
 * Idempotent: a retried run (after a crash) that finds the crawl already terminal does not aggregate again; it keeps
 * the stored report and status, and only makes sure `done` is appended (once: `appendDone` remembers it) and `tmp`
 * is cleaned up. A crawl with `analyze: false` gets a report with its page counts and empty lists.
 */
export function createAggregateProcessor(
  deps: AggregateProcessorDeps,
): KumoProcessor<AggregateJobData, AggregateResult> {
  const pageSize = deps.pageSize ?? DEFAULT_AGGREGATE_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 10_000) {
    throw new AnalysisJobsOptionsError(`pageSize must be an integer from 1 to 10000, got ${String(pageSize)}`);
  }
  // Fail at start-up rather than on the first crawl.
  new ReportBuilder(deps.reportOptions);
  const now = deps.now ?? Date.now;
  const recordOutcome = deps.metrics ? crawlOutcomeMetrics(deps.metrics) : undefined;

  /** The report of the crawl's analyses; `partial` (a cancelled crawl) marks it as covering only those made. */
  async function buildReport(
    crawl: CrawlState,
    context: object,
    partial: boolean,
  ): Promise<{ report: Report; analyses: number }> {
    const { id, request, counts } = crawl.crawl;
    const builder = new ReportBuilder(deps.reportOptions);
    let analyses = 0;
    if (request.analyze !== false) {
      const first = await forEachAnalysis(deps.state.results, id, { pageSize }, (analysis) =>
        builder.addPage(analysis),
      );
      builder.selectKeywords();
      if (first.lastId !== undefined) {
        await forEachAnalysis(deps.state.results, id, { pageSize, until: first.lastId }, (analysis) =>
          builder.addCooccurrencePage(analysis),
        );
      }
      analyses = first.analyses;
      if (first.malformed > 0) {
        deps.logger.warn({ ...context, malformed: first.malformed }, 'malformed analysis events ignored');
      }
    }
    const report = builder.build(id, { fetched: counts.fetched, failed: counts.failed });
    const diff = request.analyze !== false ? await diffOf(crawl, report) : undefined;
    return {
      report: { ...report, ...(partial ? { partial: true } : {}), ...(diff === undefined ? {} : { diff }) },
      analyses,
    };
  }

  /**
   * The keyword changes since the previous run, for a crawl with a `previousId` whose report is still readable (the
   * previous crawl's results have not expired); undefined otherwise.
   */
  async function diffOf(crawl: CrawlState, report: Report): Promise<Report['diff']> {
    const { previousId } = crawl.crawl;
    if (previousId === undefined) return undefined;
    const previous = await deps.state.reports.getReport(previousId);
    if (previous === null || !Array.isArray(previous.keywords)) return undefined;
    return diffKeywords(previousId, previous.keywords, report.keywords);
  }

  /**
   * Pages skipped because of an error (e.g. robots.txt unreachable: the site is down). Only looked for when nothing
   * was fetched nor failed, where it decides between `completed` and `failed`; the stream is then short.
   */
  async function skippedWithError(crawl: CrawlState): Promise<number> {
    const { id, counts } = crawl.crawl;
    if (counts.fetched > 0 || counts.failed > 0 || counts.skipped === 0) return 0;
    let found = 0;
    await walkEvents(deps.state.results, id, { pageSize }, (event) => {
      if (event.type !== 'page') return;
      const page = JSON.parse(event.data) as Partial<PageResult> | null;
      if (page?.status === 'skipped' && page.error !== undefined) found++;
    });
    return found;
  }

  return async (job) => {
    const { crawlId } = aggregateJobData(job.data);
    const context = { crawlId, jobId: job.id };
    const timer = deps.timer.job(context);
    const crawl = await deps.state.records.getCrawl(crawlId);
    if (!crawl) {
      timer.finish('gone');
      throw new CrawlGoneError(crawlId);
    }

    const outcome = await timer.stage('aggregate', async () => {
      const resumed = isTerminalStatus(crawl.crawl.status);
      let analyses = 0;
      // Every admitted URL ends with a page result before anything is counted: the counts then add up.
      const appended = resumed ? 0 : await recordLostPages(deps.state, deps.crawlJobs, crawlId);
      // A retry (the job ran before: it failed, or its process died) may follow a run that recorded lost pages and
      // died before settling: it appends none, so it counts them in the stream (lost pages are counted failed).
      const retried = job.attemptsMade > 0 || (job.attemptsStarted ?? 0) > 1 || (job.stalledCounter ?? 0) > 0;
      const lost =
        appended > 0 || resumed || !retried || crawl.crawl.counts.failed === 0
          ? appended
          : await countLostPages(deps.state.results, crawlId, pageSize);
      if (lost > 0) deps.logger.warn({ ...context, lost }, 'pages lost: their jobs ended without a result');
      const counted = lost > 0 ? ((await deps.state.records.getCrawl(crawlId)) ?? crawl) : crawl;
      // A resumed run keeps the status already set; settle's finish would keep it anyway (the first one wins, so a
      // crawl finished meanwhile by another run keeps that run's status).
      const decided = resumed
        ? (crawl.crawl.status as FinalStatus)
        : finalStatusOf({
            cancelRequested: counted.cancelRequested,
            counts: counted.crawl.counts,
            skippedWithError: await skippedWithError(counted),
            lost,
          });
      // The report is stored before the status becomes terminal, so a terminal crawl normally has one already. A
      // cancelled crawl's report covers the pages analysed before the cancel: `partial: true`.
      if (!resumed || (await deps.state.reports.getReport(crawlId)) === null) {
        const built = await buildReport(counted, context, decided === 'cancelled');
        analyses = built.analyses;
        await deps.state.reports.putReport(crawlId, built.report);
      }
      // The terminal status, the tmp cleanup, then `done`: a client that sees `done` sees the crawl settled.
      const status: FinalStatus = await deps.state.lifecycle.settle(crawlId, decided, new Date(now()));
      // After `done`, on resumed runs too: a run that died between the two adds the delivery when it is retried.
      if (crawl.crawl.request.webhook) await deps.webhooks?.addWebhookDelivery(crawlId);
      return { status, analyses, resumed, lost, counts: counted.crawl.counts };
    });

    // Once per crawl: a resumed run settles nothing new.
    const { counts, lost, ...settled } = outcome;
    if (!outcome.resumed) {
      const seconds = (now() - Date.parse(crawl.crawl.createdAt)) / 1000;
      recordOutcome?.(outcome.status, counts.fetched, seconds);
    }
    const result: AggregateResult = { ...settled, pages: counts.fetched };
    timer.finish(outcome.status, {
      analyses: outcome.analyses,
      resumed: outcome.resumed,
      fetched: counts.fetched,
      failed: counts.failed,
      ...(lost > 0 ? { lost } : {}),
    });
    return result;
  };
}
