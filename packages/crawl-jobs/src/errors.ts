import { KumoError, type ErrorKind } from '@kumo/errors';

/** Every code this package produces. Callers branch on these, never on messages. */
export const CRAWL_JOBS_ERROR_CODES = {
  INVALID_OPTIONS: 'KUMO_CRAWL_JOBS_INVALID_OPTIONS',
  INVALID_JOB: 'KUMO_CRAWL_JOBS_INVALID_JOB',
  RETRY: 'KUMO_CRAWL_JOBS_RETRY',
} as const;

export type CrawlJobsErrorCode = (typeof CRAWL_JOBS_ERROR_CODES)[keyof typeof CRAWL_JOBS_ERROR_CODES];

/** Base of this package's errors. */
export class CrawlJobsError extends KumoError {
  declare readonly code: CrawlJobsErrorCode;

  constructor(code: CrawlJobsErrorCode, message: string, options: { cause?: unknown; kind?: ErrorKind } = {}) {
    super(code, message, options);
  }
}

/** An option of `HostLimiter` or `createCrawlProcessor` is invalid. Critical: the app is misconfigured. */
export class CrawlJobsOptionsError extends CrawlJobsError {
  constructor(message: string) {
    super(CRAWL_JOBS_ERROR_CODES.INVALID_OPTIONS, message, { kind: 'critical' });
  }
}

/**
 * A `crawl` job's data does not have the expected shape (a bug or a job from an incompatible version).
 * Permanent: named `UnrecoverableError`, which BullMQ never retries.
 */
export class InvalidCrawlJobError extends CrawlJobsError {
  constructor(message: string) {
    super(CRAWL_JOBS_ERROR_CODES.INVALID_JOB, message, { kind: 'permanent' });
    // BullMQ recognises errors that must not be retried by this name (as well as by its own class).
    this.name = 'UnrecoverableError';
  }
}

/**
 * A page failed with a transient error (timeout, reset, 5xx, 429) and attempts are left: thrown so BullMQ retries
 * the job with its exponential backoff. `cause` is the crawler error; `crawlerCode` repeats its code for logs.
 */
export class CrawlRetryError extends CrawlJobsError {
  readonly crawlerCode: string;
  readonly url: string;

  constructor(url: string, crawlerCode: string, cause: unknown) {
    super(CRAWL_JOBS_ERROR_CODES.RETRY, `Transient failure fetching ${url} (${crawlerCode}); the job will be retried`, {
      cause,
      kind: 'transient',
    });
    this.crawlerCode = crawlerCode;
    this.url = url;
  }
}
