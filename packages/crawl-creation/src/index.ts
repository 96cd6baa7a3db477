export {
  CrawlCreator,
  type CrawlCreatorDeps,
  type CrawlCreationSettings,
  type CreateCrawlInput,
  type CreatedCrawl,
} from './crawl-creator.js';
export { AdmissionControl, type AdmissionOptions, type AdmissionCounts } from './admission-control.js';
export { crawlLimitErrors, type CrawlLimitSettings } from './crawl-limits.js';
export { webhookTargetErrors, webhookTargetPolicy, type WebhookTargetSettings } from './webhook-target.js';
export { normalizeSeed, normalizeSeeds } from './normalize-seeds.js';
export { requestHash } from './request-hash.js';
export { fieldErrors } from './field-errors.js';
export {
  CreationErrorCode,
  InvalidCrawlRequestError,
  CreationOverloadedError,
  IdempotencyConflictError,
  InvalidSeedError,
  type FieldError,
} from './errors.js';
