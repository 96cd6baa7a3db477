export {
  HostLimiter,
  createHostLimiter,
  limiterHost,
  MAX_HOST_LEASE_MS,
  CrawlJobsKeys,
  crawlJobsKeyTable,
  RedisRobotsStore,
  type HostLimiterConfig,
  type HostLimiterOptions,
  type HostLease,
  type HostAcquireResult,
  type RedisRobotsStoreOptions,
} from './host-state.js';
export { createCrawlProcessor, pageKeyOf, type CrawlProcessorDeps } from './crawl-processor.js';
export { SOURCE_SETTINGS_DEFAULTS, shareBudget, type SourceSettings } from './source-job.js';
export { bridgeCrawlerMetrics, FETCH_BYTES_BUCKETS } from './crawler-metrics.js';
export { CrawlJobsErrorCode, CrawlJobsOptionsError, InvalidCrawlJobError, CrawlRetryError } from './errors.js';
