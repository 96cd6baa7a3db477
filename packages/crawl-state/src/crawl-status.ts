import type { CrawlStatus } from '@kumo/contract';

/** The statuses a crawl ends in; no transition leaves them. */
export type TerminalStatus = 'completed' | 'failed' | 'cancelled';

/**
 * The crawl status machine: for each status, the statuses it may move to. The Lua scripts are the only writers of a
 * record's `status` and each enforces its part of this table atomically, whatever the number of workers:
 *
 * | transition                                | script               | called by                                        |
 * | ----------------------------------------- | -------------------- | ------------------------------------------------ |
 * | (none) → `queued`                         | `create-crawl-1.lua` | `startCrawl`, through `CrawlRecords.createCrawl` |
 * | `queued` → `running`                      | `mark-running-1.lua` | `CrawlLifecycle.markRunning`                     |
 * | `queued` \| `running` → a terminal status | `finish-crawl-1.lua` | `CrawlLifecycle.finish` and `settle`             |
 *
 * `create-crawl-1.lua` refuses an id that exists; `mark-running-1.lua` moves only a `queued` crawl; a terminal
 * status never changes: `finish-crawl-1.lua` returns the status already set (the first one wins). Cancelling is not
 * a transition: `request-cancel-1.lua` raises the record's cancel flag in any status, and the aggregate job later
 * settles the crawl `cancelled` (see `finalStatusOf` in `@kumo/analysis-jobs`).
 */
export const CRAWL_TRANSITIONS: Readonly<Record<CrawlStatus, readonly CrawlStatus[]>> = {
  queued: ['running', 'completed', 'failed', 'cancelled'],
  running: ['completed', 'failed', 'cancelled'],
  completed: [],
  failed: [],
  cancelled: [],
};

/** True when the status machine allows `from` → `to`. */
export function canTransition(from: CrawlStatus, to: CrawlStatus): boolean {
  return CRAWL_TRANSITIONS[from].includes(to);
}

/** True for a terminal crawl status. */
export function isTerminalStatus(status: string): status is TerminalStatus {
  return Object.hasOwn(CRAWL_TRANSITIONS, status) && CRAWL_TRANSITIONS[status as CrawlStatus].length === 0;
}
