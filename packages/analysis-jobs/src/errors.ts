import { KumoError, type ErrorKind } from '@kumo/errors';

/** Every code this package produces. Callers branch on these, never on messages. */
export const ANALYSIS_JOBS_ERROR_CODES = {
  INVALID_OPTIONS: 'KUMO_ANALYSIS_JOBS_INVALID_OPTIONS',
  INVALID_JOB: 'KUMO_ANALYSIS_JOBS_INVALID_JOB',
  CRAWL_GONE: 'KUMO_ANALYSIS_JOBS_CRAWL_GONE',
  CACHE_ENTRY: 'KUMO_ANALYSIS_JOBS_CACHE_ENTRY',
} as const;

export type AnalysisJobsErrorCode = (typeof ANALYSIS_JOBS_ERROR_CODES)[keyof typeof ANALYSIS_JOBS_ERROR_CODES];

/** Base of this package's errors. */
export class AnalysisJobsError extends KumoError {
  declare readonly code: AnalysisJobsErrorCode;

  constructor(code: AnalysisJobsErrorCode, message: string, options: { cause?: unknown; kind?: ErrorKind } = {}) {
    super(code, message, options);
  }
}

/** An option of `createAnalyzeProcessor` or `createAggregateProcessor` is invalid. Critical: the app is misconfigured. */
export class AnalysisJobsOptionsError extends AnalysisJobsError {
  constructor(message: string) {
    super(ANALYSIS_JOBS_ERROR_CODES.INVALID_OPTIONS, message, { kind: 'critical' });
  }
}

/**
 * An `analyze` or `aggregate` job's data does not have the expected shape (a bug, or a job from an incompatible
 * version). Permanent: named `UnrecoverableError`, which BullMQ never retries.
 */
export class InvalidAnalysisJobError extends AnalysisJobsError {
  constructor(message: string) {
    super(ANALYSIS_JOBS_ERROR_CODES.INVALID_JOB, message, { kind: 'permanent' });
    // BullMQ recognises errors that must not be retried by this name (as well as by its own class).
    this.name = 'UnrecoverableError';
  }
}

/**
 * The aggregate job's crawl record is gone (expired, or never created): there is nothing to finish and no stream to
 * append `done` to. Permanent (named `UnrecoverableError`): the root job fails once, visibly, and is not retried.
 */
export class CrawlGoneError extends AnalysisJobsError {
  readonly crawlId: string;

  constructor(crawlId: string) {
    super(ANALYSIS_JOBS_ERROR_CODES.CRAWL_GONE, `crawl ${crawlId} is unknown or expired: nothing to aggregate`, {
      kind: 'permanent',
    });
    this.name = 'UnrecoverableError';
    this.crawlId = crawlId;
  }
}

/**
 * A `cache:analysis:<sha256>` entry is not a valid `Analysis` (written by an incompatible version, or damaged).
 * Transient: the analyze processor drops the entry and computes the analysis again; it never reaches BullMQ.
 */
export class AnalysisCacheEntryError extends AnalysisJobsError {
  constructor(message: string, cause?: unknown) {
    super(ANALYSIS_JOBS_ERROR_CODES.CACHE_ENTRY, message, { cause, kind: 'transient' });
  }
}
