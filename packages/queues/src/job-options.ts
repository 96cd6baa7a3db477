import type { JobsOptions } from 'bullmq';
import type { Config } from '@kumo/config';

/** The settings job options are built from. */
export type JobOptionsConfig = Pick<
  Config,
  | 'QUEUE_KEEP_COMPLETED_S'
  | 'QUEUE_KEEP_COMPLETED_COUNT'
  | 'QUEUE_KEEP_FAILED_S'
  | 'QUEUE_KEEP_FAILED_COUNT'
  | 'CRAWL_ATTEMPTS'
  | 'CRAWL_RETRY_BACKOFF_MS'
>;

/** Attempts of an analyze job: one retry covers a crashed process; analysis itself is deterministic. */
export const ANALYZE_ATTEMPTS = 2;
/** Attempts of the aggregate job (Redis hiccups while merging). */
export const AGGREGATE_ATTEMPTS = 3;

/**
 * Retention of every job (BullMQ keys have no TTL; retention bounds them): completed jobs are removed after
 * `QUEUE_KEEP_COMPLETED_S` or beyond `QUEUE_KEEP_COMPLETED_COUNT`, failed ones likewise.
 */
export function defaultJobOptions(config: JobOptionsConfig): JobsOptions {
  return {
    removeOnComplete: { age: config.QUEUE_KEEP_COMPLETED_S, count: config.QUEUE_KEEP_COMPLETED_COUNT },
    removeOnFail: { age: config.QUEUE_KEEP_FAILED_S, count: config.QUEUE_KEEP_FAILED_COUNT },
  };
}

/**
 * Options of every child of the root: `ignoreDependencyOnFailure` moves a child that failed for good to the root's
 * failed dependencies, so the root still runs when the others are done (a failed page never blocks the report).
 */
function childOptions(config: JobOptionsConfig): JobsOptions {
  return { ...defaultJobOptions(config), ignoreDependencyOnFailure: true };
}

/** `crawl` jobs: `CRAWL_ATTEMPTS` attempts with exponential backoff from `CRAWL_RETRY_BACKOFF_MS`. */
export function crawlJobOptions(config: JobOptionsConfig): JobsOptions {
  return {
    ...childOptions(config),
    attempts: config.CRAWL_ATTEMPTS,
    backoff: { type: 'exponential', delay: config.CRAWL_RETRY_BACKOFF_MS },
  };
}

/** `analyze` jobs: `ANALYZE_ATTEMPTS` attempts. */
export function analyzeJobOptions(config: JobOptionsConfig): JobsOptions {
  return {
    ...childOptions(config),
    attempts: ANALYZE_ATTEMPTS,
    backoff: { type: 'exponential', delay: config.CRAWL_RETRY_BACKOFF_MS },
  };
}

/** The root `aggregate` job. */
export function aggregateJobOptions(config: JobOptionsConfig): JobsOptions {
  return {
    ...defaultJobOptions(config),
    attempts: AGGREGATE_ATTEMPTS,
    backoff: { type: 'exponential', delay: config.CRAWL_RETRY_BACKOFF_MS },
  };
}
