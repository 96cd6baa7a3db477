import { setTimeout as sleep } from 'node:timers/promises';
import {
  crawlSchema,
  pagesPageSchema,
  problemSchema,
  reportSchema,
  type Crawl,
  type PageResult,
  type Problem,
  type Report,
} from '@kumo/contract';
import type { CrawlStore } from '@kumo/crawl-state';
import type { KumoQueues } from '@kumo/queues';
import { expect } from 'vitest';
import { pagesByUrl } from '../../helpers/crawl-harness.js';
import type { KumoSystem } from './system.js';

/** What a correct crawl records for one URL. */
export interface ExpectedOutcome {
  status: PageResult['status'];
  reason?: string | undefined;
  /** The page's `error.code`, when the test can predict it. */
  code?: string | undefined;
  httpStatus?: number | undefined;
  depth?: number | undefined;
}

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

/** `POST /v1/crawls`; expects 202 and returns the id. */
export async function submitCrawl(system: KumoSystem, body: unknown, key = system.keys[0]): Promise<string> {
  const response = await system.request('/v1/crawls', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    key,
  });
  const text = await response.text();
  expect(response.status, text).toBe(202);
  return (JSON.parse(text) as { id: string }).id;
}

/**
 * Waits until the crawl record reaches a terminal status, reading Redis directly (the API may be down on purpose).
 * Throws with the last record seen after `timeoutMs`.
 */
export async function waitForEnd(state: CrawlStore, id: string, timeoutMs = 180_000): Promise<Crawl> {
  const deadline = Date.now() + timeoutMs;
  let last: Crawl | undefined;
  while (Date.now() < deadline) {
    last = (await state.records.getCrawl(id))?.crawl;
    if (last && TERMINAL.has(last.status)) return last;
    await sleep(250);
  }
  throw new Error(`crawl ${id} did not end within ${timeoutMs} ms; last record: ${JSON.stringify(last)}`);
}

/** Waits until `condition` holds, polling; throws with `what` after `timeoutMs`. */
export async function waitUntil(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await sleep(50);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** Every page of a crawl through `GET /v1/crawls/:id/pages`, following `nextCursor` to the end. */
export async function readPagesViaApi(system: KumoSystem, id: string, limit = 100): Promise<PageResult[]> {
  const items: PageResult[] = [];
  let cursor: string | null = null;
  for (let round = 0; round < 10_000; round++) {
    const query: string = cursor === null ? `limit=${limit}` : `limit=${limit}&cursor=${encodeURIComponent(cursor)}`;
    const response = await system.request(`/v1/crawls/${id}/pages?${query}`);
    const text = await response.text();
    expect(response.status, text).toBe(200);
    const page = pagesPageSchema.parse(JSON.parse(text));
    items.push(...page.items);
    if (page.nextCursor === null) return items;
    cursor = page.nextCursor;
  }
  throw new Error('the pages cursor never ended');
}

/** Job counts of every queue of the prefix, in every state a job can rest in. */
export async function jobCounts(queues: KumoQueues): Promise<Record<string, Record<string, number>>> {
  const states = ['active', 'waiting', 'delayed', 'prioritized', 'waiting-children', 'failed'] as const;
  const [crawl, analyze, aggregate] = await Promise.all(
    [queues.crawl, queues.analyze, queues.aggregate].map((queue) => queue.getJobCounts(...states)),
  );
  return { crawl: crawl!, analyze: analyze!, aggregate: aggregate! };
}

/**
 * No job is active, waiting, delayed or waiting for children in any queue, and none failed for good (a job that
 * stalled more than `maxStalledCount` times, or threw on its last attempt, would be in `failed`).
 */
export async function expectNoJobsLeft(queues: KumoQueues): Promise<void> {
  // A completed root's last moves are atomic, but give a just-finished job's own bookkeeping a moment.
  let counts = await jobCounts(queues);
  for (let round = 0; round < 20 && Object.values(counts).some((c) => Object.values(c).some(Boolean)); round++) {
    await sleep(250);
    counts = await jobCounts(queues);
  }
  for (const [queue, states] of Object.entries(counts)) {
    for (const [state, count] of Object.entries(states)) expect(count, `${queue} jobs ${state}`).toBe(0);
  }
}

/** The report through the API; expects 200 and the contract's shape. */
export async function fetchReport(system: KumoSystem, id: string): Promise<Report> {
  const response = await system.request(`/v1/crawls/${id}/report`);
  const text = await response.text();
  expect(response.status, text).toBe(200);
  return reportSchema.parse(JSON.parse(text));
}

/** The crawl record through the API. */
export async function fetchCrawl(system: KumoSystem, id: string): Promise<Crawl> {
  const response = await system.request(`/v1/crawls/${id}`);
  const text = await response.text();
  expect(response.status, text).toBe(200);
  return crawlSchema.parse(JSON.parse(text));
}

/** Asserts an RFC 9457 problem with our code, as application/problem+json, and returns it. */
export async function expectProblem(response: Response, status: number, code?: string): Promise<Problem> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  expect(response.headers.get('content-type'), text).toMatch(/^application\/problem\+json/);
  const body = problemSchema.parse(JSON.parse(text));
  if (code !== undefined) expect(body.code).toBe(code);
  expect(body.status).toBe(status);
  return body;
}

/**
 * The invariants every fault test ends with: the crawl `completed`; through the API's pages cursor, every expected
 * URL exactly once and nothing else, each with the expected outcome; the counts agree; the report exists; no job is
 * left in any queue. Returns the pages by URL.
 */
export async function expectCompleteCrawl(
  system: KumoSystem,
  queues: KumoQueues,
  id: string,
  expected: ReadonlyMap<string, ExpectedOutcome>,
): Promise<Map<string, PageResult>> {
  const crawl = await fetchCrawl(system, id);
  expect(crawl.status).toBe('completed');
  const pages = await readPagesViaApi(system, id, 37);
  // pagesByUrl throws on a URL recorded twice.
  const byUrl = pagesByUrl(pages);
  expect([...byUrl.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [url, want] of expected) {
    const got = byUrl.get(url)!;
    const seen: ExpectedOutcome = { status: got.status };
    if ('reason' in want) seen.reason = got.reason;
    if ('code' in want) seen.code = got.error?.code;
    if ('httpStatus' in want) seen.httpStatus = got.httpStatus;
    if ('depth' in want) seen.depth = got.depth;
    expect(seen, url).toEqual(want);
    if (got.status === 'failed') expect(got.error?.code, `${url} fails with a code`).toMatch(/^KUMO_[A-Z0-9_]+$/);
  }
  const tally = { fetched: 0, failed: 0, skipped: 0 };
  for (const page of pages) tally[page.status] += 1;
  expect(crawl.counts).toMatchObject({ discovered: expected.size, ...tally });
  if (crawl.request.analyze) {
    // Nothing lost on the analysis side either: every fetched page with text carries its analysis.
    const withText = pages.filter((page) => page.status === 'fetched' && (page.textLength ?? 0) > 0);
    expect(withText.filter((page) => page.analysis === undefined).map((page) => page.url)).toEqual([]);
    expect(crawl.counts.analyzed).toBe(withText.length);
  }
  const report = await fetchReport(system, id);
  expect(report.id).toBe(id);
  expect(report.pages).toEqual({ fetched: tally.fetched, failed: tally.failed });
  await expectNoJobsLeft(queues);
  return byUrl;
}
