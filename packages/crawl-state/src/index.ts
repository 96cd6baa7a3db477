export { CrawlStore } from './crawl-store.js';
export { type CrawlStoreOptions, type Timestamp } from './state-context.js';
export { WebhookDeliveries, MAX_DELIVERIES_KEPT } from './webhook-deliveries.js';
export {
  CrawlRecords,
  withoutWebhookSecret,
  newCrawlId,
  newOpaqueId,
  isCrawlId,
  decodeCrawlIdSegment,
  type CrawlState,
  type CrawlLineage,
} from './crawl-records.js';
export {
  CrawlLifecycle,
  CRAWL_TRANSITIONS,
  canTransition,
  isTerminalStatus,
  type TerminalStatus,
  type CrawlFlowStarter,
  type StartCrawlInput,
  type StartSource,
  type StartCrawlHooks,
} from './crawl-lifecycle.js';
export { UrlAdmission } from './url-admission.js';
export { CrawlListing, LIST_LIMIT, type ListCrawlsOptions, type CrawlList } from './crawl-listing.js';
export { type OwnerList } from './owner-listing.js';
export {
  ScheduleStore,
  newScheduleId,
  isScheduleId,
  type ScheduleState,
  type CreateScheduleInput,
} from './schedule-store.js';
export {
  ResultStream,
  PageReader,
  CrawlReports,
  type CrawlEvent,
  type ReadEventsOptions,
  type ReadPagesOptions,
  type PagesResult,
} from './crawl-results.js';
export { PageTexts, TmpCleanup } from './page-texts.js';
export {
  PageContents,
  boundLinks,
  MAX_STORED_LINKS,
  MAX_STORED_LINK_LENGTH,
  type PageContent,
} from './page-contents.js';
export {
  PageValidators,
  MAX_VALIDATED_LINKS,
  type ValidatorsEntry,
  type ValidatedPageFields,
  type PreviousPage,
} from './page-validators.js';
export { LiveStreams } from './live-streams.js';
export { IdempotencyStore, type IdempotencyResult } from './idempotency-store.js';
export { CrawlKeys, crawlKeyTable } from './crawl-keys.js';
export { parseEventId } from './event-id.js';
export { encodeCursor, decodeCursor } from './cursor.js';
export {
  CrawlNotFoundError,
  CrawlExistsError,
  InvalidCursorError,
  InvalidStateOptionError,
  CrawlStateErrorCode,
} from './errors.js';
