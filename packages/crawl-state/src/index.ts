export { CrawlStore } from './crawl-store.js';
export { type CrawlStoreOptions, type Timestamp } from './state-context.js';
export { CrawlRecords } from './crawl-records.js';
export {
  CrawlLifecycle,
  type CrawlFlowStarter,
  type StartCrawlInput,
  type StartCrawlHooks,
} from './crawl-lifecycle.js';
export { CRAWL_TRANSITIONS, canTransition, isTerminalStatus, type TerminalStatus } from './crawl-status.js';
export { UrlAdmission } from './url-admission.js';
export { ResultStream, type CrawlEvent, type ReadEventsOptions } from './result-stream.js';
export { PageReader, type ReadPagesOptions, type PagesResult } from './page-reader.js';
export { PageTexts } from './page-texts.js';
export { CrawlReports } from './crawl-reports.js';
export { TmpCleanup } from './tmp-cleanup.js';
export { LiveStreams } from './live-streams.js';
export { IdempotencyStore, type IdempotencyResult } from './idempotency-store.js';
export { type CrawlState } from './crawl-record.js';
export { CrawlKeys, crawlKeyTable } from './crawl-keys.js';
export { newCrawlId, isCrawlId, decodeCrawlIdSegment } from './crawl-id.js';
export { parseEventId } from './event-id.js';
export { encodeCursor, decodeCursor } from './cursor.js';
export {
  CrawlNotFoundError,
  CrawlExistsError,
  InvalidCursorError,
  InvalidStateOptionError,
  CrawlStateErrorCode,
} from './errors.js';
