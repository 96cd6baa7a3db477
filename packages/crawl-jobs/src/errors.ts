import { defineError, type ErrorCodeOf, errorCodesOf } from '@kumo/errors';

/** Every code this package produces (its rows of the error catalog in `@kumo/errors`). Callers branch on these. */
export const CrawlJobsErrorCode = errorCodesOf('packages/crawl-jobs');
export type CrawlJobsErrorCode = ErrorCodeOf<'packages/crawl-jobs'>;

/** An option of `HostLimiter` or `createCrawlProcessor` is invalid. Critical: the app is misconfigured. */
export class CrawlJobsOptionsError extends defineError(CrawlJobsErrorCode.INVALID_OPTIONS) {}

/**
 * A `crawl` job's data does not have the expected shape (a bug or a job from an incompatible version).
 * Permanent: the worker fails the job at once (BullMQ's `UnrecoverableError`), never retries it.
 */
export class InvalidCrawlJobError extends defineError(CrawlJobsErrorCode.INVALID_JOB) {}

/**
 * A page failed with a transient error (timeout, reset, 5xx, 429) and attempts are left: thrown so BullMQ retries
 * the job with its exponential backoff. `cause` is the crawler error; `crawlerCode` repeats its code for logs.
 */
export class CrawlRetryError extends defineError(CrawlJobsErrorCode.RETRY) {
  readonly crawlerCode: string;
  readonly url: string;

  constructor(url: string, crawlerCode: string, cause: unknown) {
    super(`Transient failure fetching ${url} (${crawlerCode}); the job will be retried`, { cause });
    this.crawlerCode = crawlerCode;
    this.url = url;
  }
}
