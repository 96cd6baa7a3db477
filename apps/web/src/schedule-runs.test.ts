import type { Crawl } from '@kumo/contract';
import { describe, expect, it } from 'vitest';
import type { ApiResult } from './api/problem.js';
import { walkRuns } from './schedule-runs.js';

const crawl = (id: string, scheduleId: string | undefined, previousId?: string): Crawl => ({
  id,
  status: 'completed',
  request: { urls: ['https://a.jp/'], maxDepth: 0, maxPages: 1, scope: 'same-host', analyze: true },
  createdAt: '2026-12-04T00:00:00.000Z',
  counts: { discovered: 1, fetched: 1, failed: 0, skipped: 0, analyzed: 1 },
  ...(scheduleId ? { scheduleId } : {}),
  ...(previousId ? { previousId } : {}),
});

/** What `GET /v1/crawls/:id` answers for these crawls (404 for the others), and which ids were asked for. */
function server(crawls: Crawl[], failing: string[] = []) {
  const asked: string[] = [];
  const getCrawl = (id: string): Promise<ApiResult<Crawl>> => {
    asked.push(id);
    const found = crawls.find((c) => c.id === id);
    if (failing.includes(id)) {
      return Promise.resolve({ ok: false, problem: { status: 503, title: 'Unavailable', detail: '', code: 'X' } });
    }
    if (!found) {
      return Promise.resolve({ ok: false, problem: { status: 404, title: 'Not Found', detail: '', code: 'Y' } });
    }
    return Promise.resolve({ ok: true, status: 200, data: found, response: new Response() });
  };
  return { getCrawl, asked };
}

// Runs r1 (first) … r5 (latest) of schedule s, each naming the one before.
const RUNS = [1, 2, 3, 4, 5].map((n) => crawl(`r${n}`, 's', n > 1 ? `r${n - 1}` : undefined));

describe("walking a schedule's runs through previousId", () => {
  it('reads every run back to the first, newest first', async () => {
    const walk = await walkRuns(server(RUNS).getCrawl, 's', 'r5');
    expect(walk.runs.map((run) => run.id)).toEqual(['r5', 'r4', 'r3', 'r2', 'r1']);
    expect(walk.end).toBe('first');
  });

  it('stops after limit crawls and says where to go on', async () => {
    const { getCrawl, asked } = server(RUNS);
    const first = await walkRuns(getCrawl, 's', 'r5', 2);
    expect(first).toMatchObject({ end: 'more', next: 'r3' });
    expect(first.runs.map((run) => run.id)).toEqual(['r5', 'r4']);
    expect(asked).toEqual(['r5', 'r4']);
    const rest = await walkRuns(getCrawl, 's', first.next!, 2);
    expect(rest.runs.map((run) => run.id)).toEqual(['r3', 'r2']);
    expect(rest.next).toBe('r1');
  });

  it('ends at a run whose records expired (404)', async () => {
    const walk = await walkRuns(server(RUNS.slice(2)).getCrawl, 's', 'r5');
    expect(walk.runs.map((run) => run.id)).toEqual(['r5', 'r4', 'r3']);
    expect(walk).toMatchObject({ end: 'gone' });
    expect(walk.failure).toBeUndefined();
  });

  it("does not wander into a crawl that is not this schedule's", async () => {
    const stranger = [crawl('r5', 's', 'x1'), crawl('x1', 'other', 'x0'), crawl('x0', 'other')];
    const walk = await walkRuns(server(stranger).getCrawl, 's', 'r5');
    expect(walk.runs.map((run) => run.id)).toEqual(['r5']);
    expect(walk.end).toBe('gone');
  });

  it('keeps the runs read before a failure and reports the failure', async () => {
    const walk = await walkRuns(server(RUNS, ['r3']).getCrawl, 's', 'r5');
    expect(walk.runs.map((run) => run.id)).toEqual(['r5', 'r4']);
    expect(walk.failure?.status).toBe(503);
  });
});
