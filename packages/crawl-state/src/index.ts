export {
  CrawlStore,
  isTerminalStatus,
  type CrawlStoreOptions,
  type CrawlEvent,
  type ReadEventsOptions,
  type ReadPagesOptions,
  type PagesResult,
  type IdempotencyResult,
  type Timestamp,
} from './crawl-store.js';
export { type CrawlState } from './crawl-record.js';
export { CrawlKeys } from './crawl-keys.js';
export { newCrawlId, isCrawlId } from './crawl-id.js';
export { encodeCursor, decodeCursor } from './cursor.js';
export { CrawlNotFoundError, CrawlExistsError, InvalidCursorError, InvalidStateOptionError } from './errors.js';
