import { KumoError } from '@kumo/errors';

/**
 * The crawl record does not exist (never created, or expired). Writes refuse to run so that nothing of an expired
 * crawl is re-created without its record. Permanent: retrying cannot bring the record back.
 */
export class CrawlNotFoundError extends KumoError {
  constructor(crawlId: string) {
    super('KUMO_STATE_CRAWL_NOT_FOUND', `crawl ${crawlId} does not exist (unknown or expired)`, { kind: 'permanent' });
  }
}

/** `createCrawl` was called with an id that is already taken. */
export class CrawlExistsError extends KumoError {
  constructor(crawlId: string) {
    super('KUMO_STATE_CRAWL_EXISTS', `crawl ${crawlId} already exists`, { kind: 'permanent' });
  }
}

/** A pages cursor that kumo did not produce (the API answers 400). */
export class InvalidCursorError extends KumoError {
  constructor(cursor: string) {
    super('KUMO_STATE_INVALID_CURSOR', `invalid pages cursor: ${cursor.slice(0, 80)}`, { kind: 'permanent' });
  }
}

/** A `CrawlStore` option is out of range; the message names the option. */
export class InvalidStateOptionError extends KumoError {
  constructor(message: string) {
    super('KUMO_STATE_INVALID_OPTION', message, { kind: 'permanent' });
  }
}
