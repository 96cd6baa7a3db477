import { createHash } from 'node:crypto';

function urlHash(url: string): string {
  return createHash('sha1').update(url).digest('hex').slice(0, 16);
}

/**
 * Deterministic job ids (BullMQ ignores an add whose id exists, so a URL gets one job even when added twice or
 * re-added after a failover retry). BullMQ custom ids must not contain `:` nor be integers; crawl ids start with `c`.
 */
export function crawlJobId(crawlId: string, url: string): string {
  return `${crawlId}-${urlHash(url)}`;
}

/** The `analyze` job id of a page: `<crawlId>-a-<sha1(url) first 16 hex>`. */
export function analyzeJobId(crawlId: string, url: string): string {
  return `${crawlId}-a-${urlHash(url)}`;
}

/** The root `aggregate` job id: the crawl id itself. */
export function aggregateJobId(crawlId: string): string {
  return crawlId;
}
