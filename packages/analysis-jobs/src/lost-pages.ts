import type { PageResult } from '@kumo/contract';
import type { CrawlStore } from '@kumo/crawl-state';
import { crawlJobId, holdWhileRedisRefuses } from '@kumo/queues';
import { walkEvents } from './analysis-events.js';
import { AnalysisJobsErrorCode } from './errors.js';

/** Admitted URLs checked for a page result per round trip (one HMGET of the page index). */
const CHECK_BATCH = 500;

/** The few fields of a crawl job the lost page's result is made from (BullMQ's `Job`, or a test's object). */
export interface LostJob {
  data: { depth?: unknown };
  failedReason?: string | undefined;
}

/** Where the aggregate looks a crawl job up by id (the crawl queue: `KumoQueues.crawl`). */
export interface CrawlJobLookup {
  getJob(jobId: string): Promise<LostJob | undefined | null>;
}

/** Why a page was lost when its job is gone too (removed, or never added). */
const NO_JOB = 'its crawl job ended without recording a result, and the job is gone';

/**
 * Makes every URL the crawl admitted end with a page result, once every job of the crawl is done: an admitted URL
 * (in the seen-set) without one — its crawl job failed for good without recording it (on an infrastructure error,
 * or stalled more often than allowed), or was never added — is recorded `failed` with code
 * `KUMO_ANALYSIS_JOBS_PAGE_LOST`, the job's failed reason as message and its depth (0 when the job is gone too), so
 * `discovered = fetched + failed + skipped` holds for every crawl. Idempotent (the page append is, per URL). Returns
 * how many pages were lost.
 */
export async function recordLostPages(
  state: Pick<CrawlStore, 'admission' | 'pages' | 'results'>,
  crawlJobs: CrawlJobLookup | undefined,
  crawlId: string,
): Promise<number> {
  const seen = await state.admission.seenUrls(crawlId);
  let lost = 0;
  for (let start = 0; start < seen.length; start += CHECK_BATCH) {
    const batch = seen.slice(start, start + CHECK_BATCH);
    const recorded = await state.pages.pagesRecorded(crawlId, batch);
    for (const [index, url] of batch.entries()) {
      if (recorded[index]) continue;
      const job = await crawlJobs?.getJob(crawlJobId(crawlId, url)).catch(() => undefined);
      const depth = job?.data.depth;
      const page: PageResult = {
        url,
        finalUrl: url,
        depth: typeof depth === 'number' && Number.isInteger(depth) ? depth : 0,
        status: 'failed',
        error: { code: AnalysisJobsErrorCode.PAGE_LOST, message: job?.failedReason || NO_JOB },
        timings: {},
      };
      await holdWhileRedisRefuses(() => state.results.appendPage(crawlId, page), { operation: 'record a lost page' });
      lost++;
    }
  }
  return lost;
}

/**
 * The pages of a crawl recorded lost (`KUMO_ANALYSIS_JOBS_PAGE_LOST`) so far, from its result stream. A retried
 * aggregate needs it: a run that died after `recordLostPages` but before settling left those pages recorded, so the
 * retry appends none, yet the crawl lost them and must end `failed`.
 */
export async function countLostPages(
  results: Pick<CrawlStore, 'results'>['results'],
  crawlId: string,
  pageSize: number,
): Promise<number> {
  let lost = 0;
  await walkEvents(results, crawlId, { pageSize }, (event) => {
    if (event.type !== 'page') return;
    const page = JSON.parse(event.data) as Partial<PageResult> | null;
    if (page?.status === 'failed' && page.error?.code === AnalysisJobsErrorCode.PAGE_LOST) lost++;
  });
  return lost;
}
