import { defineError, type ErrorCodeOf, errorCodesOf } from '@kumo/errors';

/** Every code this package produces (its rows of the error catalog in `@kumo/errors`). Callers branch on these. */
export const AnalysisJobsErrorCode = errorCodesOf('packages/analysis-jobs');
export type AnalysisJobsErrorCode = ErrorCodeOf<'packages/analysis-jobs'>;

/** An option of `createAnalyzeProcessor` or `createAggregateProcessor` is invalid. Critical: the app is misconfigured. */
export class AnalysisJobsOptionsError extends defineError(AnalysisJobsErrorCode.INVALID_OPTIONS) {}

/**
 * An `analyze` or `aggregate` job's data does not have the expected shape (a bug, or a job from an incompatible
 * version). Permanent: the worker fails the job at once (BullMQ's `UnrecoverableError`), never retries it.
 */
export class InvalidAnalysisJobError extends defineError(AnalysisJobsErrorCode.INVALID_JOB) {}

/**
 * The aggregate job's crawl record is gone (expired, or never created): there is nothing to finish and no stream to
 * append `done` to. Permanent: the root job fails once, visibly, and is not retried.
 */
export class CrawlGoneError extends defineError(AnalysisJobsErrorCode.CRAWL_GONE) {
  readonly crawlId: string;

  constructor(crawlId: string) {
    super(`crawl ${crawlId} is unknown or expired: nothing to aggregate`);
    this.crawlId = crawlId;
  }
}

/**
 * A `cache:analysis:<sha256>` entry is not a valid `Analysis` (written by an incompatible version, or damaged).
 * Transient: the analyze processor drops the entry and computes the analysis again; it never reaches BullMQ.
 */
export class AnalysisCacheEntryError extends defineError(AnalysisJobsErrorCode.CACHE_ENTRY) {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
  }
}
