export {
  createAnalyzeProcessor,
  type AnalyzeProcessorDeps,
  type AnalyzeResult,
  type AnalysisSkipReason,
} from './analyze-processor.js';
export {
  createAggregateProcessor,
  DEFAULT_AGGREGATE_PAGE_SIZE,
  type AggregateProcessorDeps,
  type AggregateResult,
} from './aggregate-processor.js';
export { finalStatusOf, type FinalStatus, type FinalStatusInput } from './final-status.js';
export {
  AnalysisCache,
  analysisCacheKey,
  analysisKeyTable,
  analysisCodec,
  contentHash,
  type AnalysisCacheOptions,
} from './analysis-cache.js';
export {
  forEachAnalysis,
  walkEvents,
  compareStreamIds,
  type AnalysisWalk,
  type ForEachAnalysisOptions,
} from './analysis-events.js';
export { TimedTokenizer } from './timed-tokenizer.js';
export { bridgeAnalyzerMetrics } from './analyzer-metrics.js';
export { analyzeJobData, aggregateJobData } from './job-data.js';
export {
  AnalysisJobsErrorCode,
  AnalysisJobsOptionsError,
  InvalidAnalysisJobError,
  CrawlGoneError,
  AnalysisCacheEntryError,
} from './errors.js';
