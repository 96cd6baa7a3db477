import type { Crawl } from '@kumo/contract';
import { describe, expect, it } from 'vitest';
import type { CrawlList } from './api/client.js';
import type { ApiResult } from './api/problem.js';
import {
  appendOlder,
  mergeNewest,
  olderRunsExpired,
  pageAfterRefresh,
  readRuns,
  type ListCrawls,
} from './schedule-runs.js';

const crawl = (id: string, previousId?: string, status: Crawl['status'] = 'completed'): Crawl => ({
  id,
  status,
  request: { urls: ['https://a.jp/'], maxDepth: 0, maxPages: 1, scope: 'same-host', analyze: true },
  createdAt: '2026-12-04T00:00:00.000Z',
  counts: { discovered: 1, fetched: 1, failed: 0, skipped: 0, analyzed: 1 },
  scheduleId: 's',
  ...(previousId ? { previousId } : {}),
});

/** A fake `GET /v1/crawls?scheduleId=` over `runs` (newest first), recording each query. */
function server(runs: Crawl[], failure?: number) {
  const asked: Array<{ scheduleId: string; cursor?: string | null; limit: number }> = [];
  const listCrawls: ListCrawls = (query) => {
    asked.push(query);
    if (failure !== undefined) {
      return Promise.resolve({ ok: false, problem: { status: failure, title: 'Unavailable', detail: '', code: 'X' } });
    }
    const start = query.cursor ? Number(query.cursor) : 0;
    const items = runs.slice(start, start + query.limit);
    const next = start + query.limit < runs.length ? String(start + query.limit) : null;
    const result: ApiResult<CrawlList> = {
      ok: true,
      status: 200,
      data: { items, nextCursor: next },
      response: new Response(),
    };
    return Promise.resolve(result);
  };
  return { listCrawls, asked };
}

// Runs r5 (latest) … r1 (first), newest first, as the API lists them.
const RUNS = [5, 4, 3, 2, 1].map((n) => crawl(`r${n}`, n > 1 ? `r${n - 1}` : undefined));

describe("a schedule's runs", () => {
  it("reads a page of the schedule's runs in one request, then the next with its cursor", async () => {
    const { listCrawls, asked } = server(RUNS);
    const first = await readRuns(listCrawls, 's', null, 2);
    expect(first.runs.map((run) => run.id)).toEqual(['r5', 'r4']);
    expect(first.nextCursor).toBe('2');
    const rest = await readRuns(listCrawls, 's', first.nextCursor, 10);
    expect(rest).toMatchObject({ nextCursor: null });
    expect(rest.runs.map((run) => run.id)).toEqual(['r3', 'r2', 'r1']);
    expect(asked).toEqual([
      { scheduleId: 's', cursor: null, limit: 2 },
      { scheduleId: 's', cursor: '2', limit: 10 },
    ]);
  });

  it('keeps the cursor and reports the problem when a read fails', async () => {
    const page = await readRuns(server(RUNS, 503).listCrawls, 's', '4');
    expect(page).toMatchObject({ runs: [], nextCursor: '4', failure: { status: 503 } });
  });

  it('a refresh puts new runs on top, updates those it holds again and keeps the older ones shown', () => {
    const shown = [crawl('r3', 'r2', 'running'), crawl('r2', 'r1'), crawl('r1')];
    const newest = [crawl('r4', 'r3', 'running'), crawl('r3', 'r2')];
    const merged = mergeNewest(shown, newest);
    expect(merged.map((run) => [run.id, run.status])).toEqual([
      ['r4', 'running'],
      ['r3', 'completed'],
      ['r2', 'completed'],
      ['r1', 'completed'],
    ]);
  });

  it('a refresh replaces a failed first read (its problem gone), and keeps the cursor of pages already read', () => {
    const problem = { status: 503, title: 'Unavailable', detail: '', code: 'X' };
    const newest = { runs: [crawl('r5', 'r4')], nextCursor: '1' };
    expect(pageAfterRefresh({ runs: [], nextCursor: null, failure: problem }, newest)).toBe(newest);
    const older = { runs: [crawl('r2', 'r1')], nextCursor: '4' };
    expect(pageAfterRefresh(older, newest)).toBe(older);
    // A failed read of an older page keeps its cursor, to try again: not replaced.
    const failedOlder = { runs: [], nextCursor: '4', failure: problem };
    expect(pageAfterRefresh(failedOlder, newest)).toBe(failedOlder);
    expect(pageAfterRefresh(null, newest)).toBeNull();
  });

  it('an older page goes below, without the runs already shown', () => {
    const merged = appendOlder([crawl('r5', 'r4'), crawl('r4', 'r3')], [crawl('r4', 'r3'), crawl('r3', 'r2')]);
    expect(merged.map((run) => run.id)).toEqual(['r5', 'r4', 'r3']);
  });

  it('says earlier runs expired only at the end of the list with an oldest run that names one before it', () => {
    expect(olderRunsExpired([crawl('r3', 'r2')], null)).toBe(true);
    expect(olderRunsExpired([crawl('r3', 'r2')], 'more')).toBe(false);
    expect(olderRunsExpired([crawl('r2', 'r1'), crawl('r1')], null)).toBe(false);
    expect(olderRunsExpired([], null)).toBe(false);
  });
});
