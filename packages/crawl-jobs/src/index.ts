export {
  HostLimiter,
  createHostLimiter,
  limiterHost,
  MAX_HOST_LEASE_MS,
  type HostLimiterConfig,
  type HostLimiterOptions,
  type HostLease,
  type HostAcquireResult,
} from './host-limiter.js';
export { CrawlJobsKeys, crawlJobsKeyTable } from './crawl-jobs-keys.js';
export { RedisRobotsStore, type RedisRobotsStoreOptions } from './redis-robots-store.js';
export { createCrawlProcessor, pageKeyOf, type CrawlProcessorDeps } from './crawl-processor.js';
export { bridgeCrawlerMetrics, FETCH_BYTES_BUCKETS } from './crawler-metrics.js';
export { CrawlJobsErrorCode, CrawlJobsOptionsError, InvalidCrawlJobError, CrawlRetryError } from './errors.js';
