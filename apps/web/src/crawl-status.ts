import type { CrawlStatus } from '@kumo/contract';

/** The statuses a crawl ends in (the contract's `TERMINAL_CRAWL_STATUSES`, kept here so the page's first script does not load zod). */
export const TERMINAL_STATUSES: readonly CrawlStatus[] = ['completed', 'failed', 'cancelled'];

export const CRAWL_STATUSES: readonly CrawlStatus[] = ['queued', 'running', 'completed', 'failed', 'cancelled'];
