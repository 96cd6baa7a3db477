export {
  createAnalyzeProcessor,
  analyzeJobData,
  TimedTokenizer,
  type AnalyzeProcessorDeps,
  type AnalyzeResult,
  type AnalysisSkipReason,
} from './analyze-processor.js';
export {
  createAggregateProcessor,
  aggregateJobData,
  finalStatusOf,
  DEFAULT_AGGREGATE_PAGE_SIZE,
  type AggregateProcessorDeps,
  type AggregateResult,
  type FinalStatus,
  type FinalStatusInput,
} from './aggregate-processor.js';
export { recordLostPages, type CrawlJobLookup, type LostJob } from './lost-pages.js';
export {
  AnalysisCache,
  analysisCacheKey,
  analysisKeyTable,
  analysisCodec,
  analysisCacheHash,
  type AnalysisCacheOptions,
} from './analysis-cache.js';
export {
  forEachAnalysis,
  walkEvents,
  compareStreamIds,
  type AnalysisWalk,
  type ForEachAnalysisOptions,
} from './analysis-events.js';
export { bridgeAnalyzerMetrics } from './analyzer-metrics.js';
export {
  AnalysisJobsErrorCode,
  AnalysisJobsOptionsError,
  InvalidAnalysisJobError,
  CrawlGoneError,
  AnalysisCacheEntryError,
} from './errors.js';
export { loadUserDictionary } from './user-dictionary.js';
export { CrawlGlossaries, CRAWL_GLOSSARY_MEMO_SIZE } from './crawl-glossaries.js';
