import type { CrawlRequest, CrawlSourceType, CrawlStatus } from '@kumo/contract';
import { ScriptCode } from './commands.js';
import type { CrawlLineage, CrawlRecords, CrawlState } from './crawl-records.js';
import type { OwnerIndex } from './owner-index.js';
import type { ResultStream } from './crawl-results.js';
import type { TmpCleanup } from './page-texts.js';
import { iso, type StateContext, type Timestamp } from './state-context.js';
import type { UrlAdmission } from './url-admission.js';

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

/**
 * Adds a crawl's flow (its root aggregate job and one crawl job per seed). Injected so this package knows nothing
 * of BullMQ: `KumoQueues` of `@kumo/queues` is one.
 */
export interface CrawlFlowStarter {
  addCrawlFlow(flow: {
    crawlId: string;
    seeds: readonly { url: string; depth: number; source?: { type: CrawlSourceType } }[];
  }): Promise<unknown>;
}

/** A `sources` entry to start with the crawl's flow. */
export interface StartSource {
  /** Normalised URL. */
  url: string;
  type: CrawlSourceType;
  /**
   * What it is admitted under with the seeds (it then counts against `maxPages` like one, and starts only if
   * admitted); absent for a source that only lists other sources (a site root, read from robots.txt).
   */
  key?: string;
}

export interface StartCrawlInput extends CrawlLineage {
  id: string;
  owner: string;
  request: CrawlRequest;
  /** The seed URLs to admit, already normalised by the caller. */
  seeds: readonly string[];
  /** The request's `sources`, normalised, without repeats. @defaultValue [] */
  sources?: readonly StartSource[];
  createdAt: Timestamp;
}

export interface StartCrawlHooks {
  /**
   * Told when a crawl whose start failed could not be marked failed either (the start's own error is thrown
   * anyway). Default: ignore.
   */
  onCompensationError?: (error: unknown) => void;
}

/**
 * A crawl's life, the one place that moves its status (the transitions of `CRAWL_TRANSITIONS`):
 * `startCrawl` (the API: record, seeds, flow) → `markRunning` (its first crawl job) → `settle` (its aggregate job,
 * once every job of the flow is done). `requestCancel` may come at any time; the crawl still ends through `settle`.
 */
export class CrawlLifecycle {
  constructor(
    private readonly context: StateContext,
    private readonly parts: {
      records: CrawlRecords;
      admission: UrlAdmission;
      results: ResultStream;
      tmp: TmpCleanup;
      index: OwnerIndex;
    },
  ) {}

  /**
   * Creates the record (`queued`), admits the seeds into its seen-set and adds its flow through `flows`. When the
   * seeds or the flow fail, the crawl is marked `failed` with its `done` event at once (nothing else would ever end
   * it) and the error is thrown. Its tmp data is left to expire: if the flow was added after all (a reply lost on
   * the way back), its jobs still find their seeds admitted, and its aggregate job cleans up. `CrawlExistsError`
   * when the id is taken (nothing is compensated then: the crawl belongs to whoever created it).
   */
  async startCrawl(input: StartCrawlInput, flows: CrawlFlowStarter, hooks: StartCrawlHooks = {}): Promise<CrawlState> {
    const { id, request } = input;
    const created = await this.parts.records.createCrawl(input);
    try {
      const sources = input.sources ?? [];
      const keys = sources.flatMap((source) => (source.key === undefined ? [] : [source.key]));
      // Seeds first: when maxPages is smaller than both lists, the seeds are what the crawl keeps.
      const admittedList = await this.parts.admission.admitUrls(id, [...input.seeds, ...keys], request.maxPages);
      const admitted = new Set(admittedList);
      const keySet = new Set(keys);
      const seeds = admittedList.filter((url) => !keySet.has(url)).map((url) => ({ url, depth: 0 }));
      const started = sources
        .filter((source) => source.key === undefined || admitted.has(source.key))
        .map((source) => ({ url: source.url, depth: 0, source: { type: source.type } }));
      await flows.addCrawlFlow({ crawlId: id, seeds: [...seeds, ...started] });
    } catch (error) {
      const failedAt = new Date();
      await this.finish(id, 'failed', failedAt)
        .then((status) => this.parts.results.appendDone(id, status))
        .catch((compensation: unknown) => hooks.onCompensationError?.(compensation));
      throw error;
    }
    return created;
  }

  /** `queued` → `running`, once (sets `startedAt`). True when this call made the move. */
  async markRunning(id: string, at: Timestamp): Promise<boolean> {
    const reply = await this.context.commands.markRunning({ keys: [this.context.record(id)], args: [iso(at)] });
    return this.context.check(id, reply) === 1;
  }

  /** Raises the cancel flag (workers start no new fetch); returns the current status, null when unknown. */
  async requestCancel(id: string): Promise<CrawlStatus | null> {
    const reply = await this.context.commands.requestCancel({ keys: [this.context.record(id)] });
    return reply === ScriptCode.CrawlNotFound ? null : (reply as CrawlStatus);
  }

  /**
   * Sets a terminal status and `finishedAt` unless already terminal; returns the final status (the first one wins).
   * Only the status: `settle` is what ends a crawl.
   */
  async finish(id: string, status: TerminalStatus, at: Timestamp): Promise<TerminalStatus> {
    const reply = await this.context.commands.finishCrawl({ keys: [this.context.record(id)], args: [status, iso(at)] });
    return this.context.check(id, reply) as TerminalStatus;
  }

  /**
   * Ends a crawl, in this order: the terminal status (`finish`: the first one wins, so a crawl already finished
   * keeps its status), its owner's index renewed, the tmp data deleted, then the `done` event with the final status. Cleanup comes before
   * `done`, so a client that sees `done` sees the crawl settled, tmp data included. Every step is idempotent: a
   * retried settle appends `done` once. Returns the final status.
   */
  async settle(id: string, status: TerminalStatus, at: Timestamp): Promise<TerminalStatus> {
    const final = await this.finish(id, status, at);
    // The record's TTL starts again now: its owner's index must live as long.
    await this.parts.index.renewOf(id);
    await this.parts.tmp.cleanupTmp(id);
    await this.parts.results.appendDone(id, final);
    return final;
  }
}
