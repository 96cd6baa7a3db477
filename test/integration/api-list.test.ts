import { crawlsPageSchema, problemSchema, type Crawl, type CrawlStatus } from '@kumo/contract';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startInProcessApi, TEST_API_KEYS, type InProcessApi } from '../helpers/api-harness.js';
import { uniquePrefix } from '../helpers/env.js';

/**
 * `GET /v1/crawls` (issue 20): each key lists its own crawls only, newest first; paging with small limits misses
 * and repeats nothing, even while both keys create crawls between pages; the status and schedule filters (a
 * schedule's runs: api-schedules.test.ts); 400 problems for bad parameters, never a 500.
 */
const redis = inject('redisEnv');
const [ALPHA, BETA] = TEST_API_KEYS;
// Seeds on a closed port: no crawl-worker runs in this file, so crawls stay queued and nothing is fetched.
const SEED = 'http://127.0.0.1:9/';
let api: InProcessApi;
const created = new Map<string, string[]>([
  [ALPHA, []],
  [BETA, []],
]);

async function createCrawl(key: string): Promise<string> {
  const response = await api.request('/v1/crawls', {
    method: 'POST',
    key,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ urls: [SEED], analyze: false }),
  });
  expect(response.status, await response.clone().text()).toBe(202);
  const { id } = (await response.json()) as { id: string };
  created.get(key)!.push(id);
  return id;
}

async function listPage(key: string, query: string) {
  const response = await api.request(`/v1/crawls${query}`, { key });
  expect(response.status, await response.clone().text()).toBe(200);
  return crawlsPageSchema.parse(await response.json());
}

/** Every page, following `nextCursor`; `between` runs after each page. */
async function pageThrough(key: string, query: Record<string, string>, between: () => Promise<void> = async () => {}) {
  const crawls: Crawl[] = [];
  let cursor: string | null = null;
  do {
    const params = new URLSearchParams({ ...query, ...(cursor ? { cursor } : {}) });
    const page = await listPage(key, `?${params}`);
    expect(page.items.length).toBeLessThanOrEqual(Number(query.limit ?? 20));
    crawls.push(...page.items);
    cursor = page.nextCursor;
    await between();
  } while (cursor !== null);
  return crawls;
}

async function expectValidation(response: Response, path: string) {
  const text = await response.text();
  expect(response.status, text).toBe(400);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const problem = problemSchema.parse(JSON.parse(text));
  expect(problem.code).toBe('KUMO_API_VALIDATION');
  expect(problem.errors?.map((error) => error.path)).toEqual([path]);
}

beforeAll(async () => {
  api = await startInProcessApi({
    redis,
    prefix: uniquePrefix('apil'),
    overrides: { API_MAX_RUNNING_CRAWLS: '1000' },
  });
  for (let i = 0; i < 24; i++) {
    await createCrawl(ALPHA);
    if (i % 2 === 0) await createCrawl(BETA);
  }
});

afterAll(async () => {
  await api?.close();
});

describe('GET /v1/crawls', () => {
  it("pages through the caller's crawls newest first: nothing missing or repeated, never another key's", async () => {
    const before = [...created.get(ALPHA)!];
    const beta = new Set(created.get(BETA));
    for (const limit of ['1', '5', '7']) {
      // Both keys create crawls between pages: newer than the first page, they never shift what follows.
      const listed = await pageThrough(ALPHA, { limit }, async () => {
        await createCrawl(ALPHA);
        await createCrawl(BETA);
      });
      const ids = listed.map((crawl) => crawl.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.filter((id) => beta.has(id))).toEqual([]);
      expect(ids.filter((id) => before.includes(id)).toSorted()).toEqual(before.toSorted());
      const times = listed.map((crawl) => Date.parse(crawl.createdAt));
      expect(times).toEqual(times.toSorted((a, b) => b - a));
    }
    const betaListed = (await pageThrough(BETA, { limit: '4' })).map((crawl) => crawl.id);
    expect(betaListed.toSorted()).toEqual(created.get(BETA)!.toSorted());
    expect(betaListed.filter((id) => created.get(ALPHA)!.includes(id))).toEqual([]);
  });

  it('filters by status (comma-separated)', async () => {
    const ids = created.get(ALPHA)!.slice(0, 9);
    const statuses: CrawlStatus[] = ['completed', 'cancelled', 'failed'];
    for (const [index, id] of ids.entries()) {
      await api.resources.crawls.lifecycle.finish(id, statuses[index % 3]! as 'completed', new Date());
    }
    const listed = await pageThrough(ALPHA, { status: 'failed,completed', limit: '2' });
    expect(listed.map((crawl) => crawl.id).toSorted()).toEqual(ids.filter((_, index) => index % 3 !== 1).toSorted());
    expect(new Set(listed.map((crawl) => crawl.status))).toEqual(new Set(['completed', 'failed']));
    const queued = await pageThrough(ALPHA, { status: 'queued', limit: '100' });
    expect(queued.every((crawl) => crawl.status === 'queued')).toBe(true);
    expect(queued.length).toBe(created.get(ALPHA)!.length - ids.length);
  });

  it('defaults to 20 per page and answers the Crawl shape of GET /v1/crawls/:id', async () => {
    const page = await listPage(ALPHA, '');
    expect(page.items).toHaveLength(20);
    expect(page.nextCursor).not.toBeNull();
    const single = await api.request(`/v1/crawls/${page.items[0]!.id}`);
    expect(page.items[0]).toEqual(await single.json());
  });

  it.each([
    ['status', '?status=bogus'],
    ['status', '?status=queued,'],
    ['status', '?status=queued&status=running'],
    ['limit', '?limit=0'],
    ['limit', '?limit=101'],
    ['limit', '?limit=abc'],
    ['cursor', '?cursor=not-a-cursor'],
    ['cursor', `?cursor=${Buffer.from('123:c').toString('base64url')}`],
    ['cursor', `?cursor=${'A'.repeat(300)}`],
    ['scheduleId', '?scheduleId=bogus'],
    ['scheduleId', `?scheduleId=c${'0'.repeat(20)}`],
    ['scheduleId', `?scheduleId=s${'a'.repeat(20)}&scheduleId=s${'b'.repeat(20)}`],
  ])('a bad %s (%s) is a 400 problem naming it', async (path, query) => {
    await expectValidation(await api.request(`/v1/crawls${query}`), path);
  });

  it("a schedule's filter keeps its runs only: none for a schedule that made none of the caller's crawls", async () => {
    expect(await pageThrough(ALPHA, { scheduleId: `s${'0'.repeat(20)}`, limit: '100' })).toEqual([]);
  });

  it('a well-formed cursor past the end is an empty last page', async () => {
    const cursor = Buffer.from(`${'0'.repeat(15)}:c${'0'.repeat(20)}`).toString('base64url');
    expect(await listPage(ALPHA, `?cursor=${cursor}`)).toEqual({ items: [], nextCursor: null });
  });

  it('needs a key', async () => {
    expect((await api.request('/v1/crawls', { key: null })).status).toBe(401);
  });
});
