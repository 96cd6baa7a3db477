import type { Crawl } from '@kumo/contract';
import type { CrawlList } from './api/client.js';
import type { ApiResult } from './api/problem.js';

/** Runs read per request (`GET /v1/crawls?scheduleId=&limit=`), and per "earlier runs" step. */
export const RUNS_STEP = 10;

/** How often an open schedule page reads its schedule and newest runs again. */
export const RUNS_REFRESH_MS = 10_000;

/** What `ApiClient.listCrawls` is to this module. */
export type ListCrawls = (query: {
  scheduleId: string;
  cursor?: string | null;
  limit: number;
}) => Promise<ApiResult<CrawlList>>;

/** One page of a schedule's runs, newest first. */
export interface RunsPage {
  runs: Crawl[];
  /** Where the next older page starts; null when there is none. */
  nextCursor: string | null;
  /** A failure that stopped the read (the runs already shown stay). */
  failure?: Extract<ApiResult<unknown>, { ok: false }>['problem'];
}

/**
 * A page of the runs of schedule `scheduleId` from `cursor` (null: the newest), in one request
 * (`GET /v1/crawls?scheduleId=`). A page may be short and still have a cursor: the API examines a bounded number of
 * the caller's crawls per request.
 */
export async function readRuns(
  listCrawls: ListCrawls,
  scheduleId: string,
  cursor: string | null = null,
  limit = RUNS_STEP,
): Promise<RunsPage> {
  const result = await listCrawls({ scheduleId, cursor, limit });
  if (!result.ok) return { runs: [], nextCursor: cursor, failure: result.problem };
  return { runs: result.data.items, nextCursor: result.data.nextCursor };
}

/**
 * The runs shown after a refresh: `newest` (a fresh first page) in place of the runs it holds again (their status
 * and counts move), runs newer than those shown on top, and every older run already shown kept below.
 */
export function mergeNewest(shown: readonly Crawl[], newest: readonly Crawl[]): Crawl[] {
  const fresh = new Set(newest.map((run) => run.id));
  return [...newest, ...shown.filter((run) => !fresh.has(run.id))];
}

/**
 * Where "earlier runs" goes on after a refresh read `newest`: a first read that failed (no page was ever shown, so
 * no cursor either) is replaced by the refresh, its problem cleared; otherwise the older pages' cursor stays.
 */
export function pageAfterRefresh(current: RunsPage | null, newest: RunsPage): RunsPage | null {
  return current?.failure && current.nextCursor === null ? newest : current;
}

/** The runs shown with an older page below them (a run already shown is not repeated). */
export function appendOlder(shown: readonly Crawl[], older: readonly Crawl[]): Crawl[] {
  const seen = new Set(shown.map((run) => run.id));
  return [...shown, ...older.filter((run) => !seen.has(run.id))];
}

/** True when the oldest run shown names an earlier run that no page holds: its crawl expired (`RESULT_TTL_S`). */
export function olderRunsExpired(runs: readonly Crawl[], nextCursor: string | null): boolean {
  return nextCursor === null && runs.at(-1)?.previousId !== undefined;
}
