import type { AggregateJobData, AnalyzeJobData } from '@kumo/queues';
import { InvalidAnalysisJobError } from './errors.js';

function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function describe(data: unknown): string {
  return JSON.stringify(data)?.slice(0, 200) ?? String(data);
}

/** The data of an `analyze` job, or `InvalidAnalysisJobError` (never retried). */
export function analyzeJobData(data: unknown): AnalyzeJobData {
  const value = data as Partial<AnalyzeJobData> | null;
  if (!value || !nonEmpty(value.crawlId) || !nonEmpty(value.url) || !nonEmpty(value.pageKey)) {
    throw new InvalidAnalysisJobError(`analyze job data must be { crawlId, url, pageKey }, got ${describe(data)}`);
  }
  return { crawlId: value.crawlId, url: value.url, pageKey: value.pageKey };
}

/** The data of an `aggregate` job, or `InvalidAnalysisJobError` (never retried). */
export function aggregateJobData(data: unknown): AggregateJobData {
  const value = data as Partial<AggregateJobData> | null;
  if (!value || !nonEmpty(value.crawlId)) {
    throw new InvalidAnalysisJobError(`aggregate job data must be { crawlId }, got ${describe(data)}`);
  }
  return { crawlId: value.crawlId };
}
