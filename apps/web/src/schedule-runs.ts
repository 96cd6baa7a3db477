import type { Crawl } from '@kumo/contract';
import type { ApiResult } from './api/problem.js';

/** Crawls read per "earlier runs" step: each is one `GET /v1/crawls/:id`. */
export const RUNS_STEP = 10;

/** Why a walk through a schedule's runs stopped. */
export type RunsEnd =
  /** The oldest run read has no `previousId`: it was the schedule's first. */
  | 'first'
  /** The next older run is gone (its records expired with `RESULT_TTL_S`) or is not this schedule's. */
  | 'gone'
  /** `limit` runs were read; `next` is the id to go on from. */
  | 'more';

export interface RunsWalk {
  runs: Crawl[];
  end: RunsEnd;
  /** With `end: 'more'`: the crawl to read next. */
  next?: string;
  /** A failure other than 404 that stopped the walk (the runs read before it are kept). */
  failure?: Extract<ApiResult<unknown>, { ok: false }>['problem'];
}

/**
 * A schedule's runs, newest first, from `from` (its `lastCrawlId`, or where the previous step stopped) back through
 * each run's `previousId`. The API has no "crawls of this schedule" query; every run names the one before it, so
 * the chain is the list. At most `limit` crawls are read.
 */
export async function walkRuns(
  getCrawl: (id: string) => Promise<ApiResult<Crawl>>,
  scheduleId: string,
  from: string,
  limit = RUNS_STEP,
): Promise<RunsWalk> {
  const runs: Crawl[] = [];
  let id: string | undefined = from;
  while (id !== undefined) {
    if (runs.length >= limit) return { runs, end: 'more', next: id };
    const result = await getCrawl(id);
    if (!result.ok) {
      if (result.problem.status === 404) return { runs, end: 'gone' };
      return { runs, end: 'gone', failure: result.problem };
    }
    // A crawl of another schedule (or of none) ends the chain rather than wandering off into it.
    if (result.data.scheduleId !== scheduleId) return { runs, end: 'gone' };
    runs.push(result.data);
    id = result.data.previousId;
  }
  return { runs, end: 'first' };
}
