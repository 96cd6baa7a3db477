import { defineError, type ErrorCodeOf, errorCodesOf } from '@kumo/errors';

/** Every code this package produces (its rows of the error catalog in `@kumo/errors`). Callers branch on these. */
export const CrawlStateErrorCode = errorCodesOf('packages/crawl-state');
export type CrawlStateErrorCode = ErrorCodeOf<'packages/crawl-state'>;

/**
 * The crawl record does not exist (never created, or expired). Writes refuse to run so that nothing of an expired
 * crawl is re-created without its record. Permanent: retrying cannot bring the record back.
 */
export class CrawlNotFoundError extends defineError(CrawlStateErrorCode.CRAWL_NOT_FOUND) {
  constructor(crawlId: string) {
    super(`crawl ${crawlId} does not exist (unknown or expired)`);
  }
}

/** `createCrawl` was called with an id that is already taken. */
export class CrawlExistsError extends defineError(CrawlStateErrorCode.CRAWL_EXISTS) {
  constructor(crawlId: string) {
    super(`crawl ${crawlId} already exists`);
  }
}

/** A pages or list cursor that kumo did not produce (the API answers 400). */
export class InvalidCursorError extends defineError(CrawlStateErrorCode.INVALID_CURSOR) {
  constructor(cursor: string) {
    super(`invalid cursor: ${cursor.slice(0, 80)}`);
  }
}

/** A `CrawlStore` option is out of range; the message names the option. */
export class InvalidStateOptionError extends defineError(CrawlStateErrorCode.INVALID_OPTION) {}
