import { defineError } from '@kumo/errors';

/** Every code this package produces. Callers branch on these, never on messages. */
export const CrawlStateErrorCode = {
  CRAWL_NOT_FOUND: 'KUMO_STATE_CRAWL_NOT_FOUND',
  CRAWL_EXISTS: 'KUMO_STATE_CRAWL_EXISTS',
  INVALID_CURSOR: 'KUMO_STATE_INVALID_CURSOR',
  INVALID_OPTION: 'KUMO_STATE_INVALID_OPTION',
} as const;
export type CrawlStateErrorCode = (typeof CrawlStateErrorCode)[keyof typeof CrawlStateErrorCode];

/**
 * The crawl record does not exist (never created, or expired). Writes refuse to run so that nothing of an expired
 * crawl is re-created without its record. Permanent: retrying cannot bring the record back.
 */
export class CrawlNotFoundError extends defineError(CrawlStateErrorCode.CRAWL_NOT_FOUND, 'permanent') {
  constructor(crawlId: string) {
    super(`crawl ${crawlId} does not exist (unknown or expired)`);
  }
}

/** `createCrawl` was called with an id that is already taken. */
export class CrawlExistsError extends defineError(CrawlStateErrorCode.CRAWL_EXISTS, 'permanent') {
  constructor(crawlId: string) {
    super(`crawl ${crawlId} already exists`);
  }
}

/** A pages cursor that kumo did not produce (the API answers 400). */
export class InvalidCursorError extends defineError(CrawlStateErrorCode.INVALID_CURSOR, 'permanent') {
  constructor(cursor: string) {
    super(`invalid pages cursor: ${cursor.slice(0, 80)}`);
  }
}

/** A `CrawlStore` option is out of range; the message names the option. */
export class InvalidStateOptionError extends defineError(CrawlStateErrorCode.INVALID_OPTION, 'permanent') {}
