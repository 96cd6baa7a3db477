import { ownerOf } from '@kumo/api';
import { crawlsPageSchema, problemSchema, scheduleSchema, schedulesPageSchema, type Crawl } from '@kumo/contract';
import { CrawlKeys } from '@kumo/crawl-state';
import { auditKeyspace } from '@kumo/queues';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { startInProcessApi, TEST_API_KEYS, type InProcessApi } from '../helpers/api-harness.js';
import { testEnv, uniquePrefix } from '../helpers/env.js';
import { startApp, type AppProcess } from '../helpers/processes.js';

/**
 * Schedules (issue 17): `POST/GET/DELETE /v1/schedules` with the contract's validation and ownership, and their runs
 * in a real crawl-worker process: every run is an ordinary crawl with `scheduleId` and `previousId`, DELETE stops
 * the runs, the schedule's keys carry TTLs, and a run that finds its record gone removes its job scheduler. The test
 * API lowers the shortest interval (`SCHEDULE_MIN_INTERVAL_MS`) so that schedules run every few seconds.
 */
const redis = inject('redisEnv');
const [ALPHA, BETA] = TEST_API_KEYS;
// No analysis-worker runs here: the runs' crawls start (their seed fails at once on a closed port) and stay running.
const CRAWL = { urls: ['http://127.0.0.1:9/'], maxDepth: 0, analyze: false };
const prefix = uniquePrefix('apisch');
let api: InProcessApi;
let worker: AppProcess;

function post(body: unknown, key: string = ALPHA) {
  return api.request('/v1/schedules', {
    method: 'POST',
    key,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function created(body: unknown, key: string = ALPHA) {
  const response = await post(body, key);
  expect(response.status, await response.clone().text()).toBe(201);
  const schedule = scheduleSchema.parse(await response.json());
  expect(response.headers.get('location')).toBe(`/v1/schedules/${schedule.id}`);
  return schedule;
}

/**
 * The caller's crawls that `scheduleId`'s runs created, oldest first, as `GET /v1/crawls?scheduleId=` lists them;
 * checked against the caller's whole list filtered here.
 */
async function runsOf(scheduleId: string, key: string = ALPHA): Promise<Crawl[]> {
  const page = async (query: string) => {
    const response = await api.request(`/v1/crawls?limit=100${query}`, { key });
    expect(response.status, await response.clone().text()).toBe(200);
    return crawlsPageSchema.parse(await response.json());
  };
  const filtered = (await page(`&scheduleId=${scheduleId}`)).items;
  const runs = (await page('')).items.filter((crawl) => crawl.scheduleId === scheduleId);
  expect(filtered.every((crawl) => crawl.scheduleId === scheduleId)).toBe(true);
  // Newest first; a run may start between the two reads, so the whole list may hold newer runs than the filter saw.
  const ids = (crawls: Crawl[]) => crawls.map((crawl) => crawl.id);
  expect(ids(runs).slice(runs.length - filtered.length)).toEqual(ids(filtered));
  return filtered.toReversed();
}

beforeAll(async () => {
  api = await startInProcessApi({
    redis,
    prefix,
    overrides: { SCHEDULE_MIN_INTERVAL_MS: '1000', API_MAX_RUNNING_CRAWLS: '1000' },
  });
  worker = startApp('crawl-worker', testEnv({ redis, prefix }));
  await worker.waitReady(1, 90_000);
});

afterAll(async () => {
  await worker?.stop();
  await api?.close();
});

describe('POST /v1/schedules validation', () => {
  it.each([
    ['a body that is not an object', [], ''],
    ['no crawl', { every: 'PT1H' }, 'crawl'],
    ['a crawl the POST /v1/crawls schema refuses', { crawl: { urls: [] }, every: 'PT1H' }, 'crawl.urls'],
    ['an unknown field in the crawl', { crawl: { ...CRAWL, cron: '* * * * *' }, every: 'PT1H' }, 'crawl.cron'],
    [
      "a crawl beyond the deployment's limits",
      { crawl: { ...CRAWL, headers: { Cookie: 'a=1' } }, every: 'PT1H' },
      'crawl.headers.Cookie',
    ],
    ['neither cron nor every', { crawl: CRAWL }, 'cron'],
    ['both cron and every', { crawl: CRAWL, cron: '0 * * * *', every: 'PT1H' }, 'every'],
    ['a cron pattern of 4 fields', { crawl: CRAWL, cron: '0 * * *' }, 'cron'],
    ['a cron pattern of 6 fields', { crawl: CRAWL, cron: '0 0 * * * *' }, 'cron'],
    ['a cron field out of range', { crawl: CRAWL, cron: '61 * * * *' }, 'cron'],
    ['an every that is no ISO 8601 duration', { crawl: CRAWL, every: '1 hour' }, 'every'],
    ['an every below the shortest interval', { crawl: CRAWL, every: 'PT0.5S' }, 'every'],
    ['an every of a non-string', { crawl: CRAWL, every: 60 }, 'every'],
    ['an unknown time zone', { crawl: CRAWL, every: 'PT1H', timezone: 'Mars/Olympus_Mons' }, 'timezone'],
    ['an unknown field', { crawl: CRAWL, every: 'PT1H', start: 'now' }, 'start'],
  ])('refuses %s with a 400 problem naming the field', async (_what, body, path) => {
    const response = await post(body);
    const text = await response.text();
    expect(response.status, text).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = problemSchema.parse(JSON.parse(text));
    expect(problem.code).toBe('KUMO_API_VALIDATION');
    expect(problem.errors?.map((error) => error.path)).toContain(path);
  });
});

describe('schedules of one key', () => {
  it('creates a cron schedule in a time zone, and only its owner sees or deletes it', async () => {
    const before = Date.now();
    const schedule = await created({ crawl: CRAWL, cron: '0 9 * * 1', timezone: 'Asia/Tokyo' });
    expect(schedule).toMatchObject({ cron: '0 9 * * 1', timezone: 'Asia/Tokyo' });
    expect(schedule.crawl).toMatchObject({ ...CRAWL, scope: 'same-host', maxPages: 100 });
    expect(schedule).not.toHaveProperty('every');
    expect(schedule).not.toHaveProperty('lastCrawlId');
    // Monday 09:00 in Tokyo is Monday 00:00 UTC.
    const next = new Date(schedule.nextRunAt);
    expect(next.getTime()).toBeGreaterThan(before);
    expect([next.getUTCDay(), next.getUTCHours(), next.getUTCMinutes()]).toEqual([1, 0, 0]);

    const read = await api.request(`/v1/schedules/${schedule.id}`);
    expect(read.status).toBe(200);
    expect(scheduleSchema.parse(await read.json())).toEqual(schedule);
    const list = schedulesPageSchema.parse(await (await api.request('/v1/schedules')).json());
    expect(list.items.map((item) => item.id)).toContain(schedule.id);

    for (const [method, path] of [
      ['GET', `/v1/schedules/${schedule.id}`],
      ['DELETE', `/v1/schedules/${schedule.id}`],
      ['GET', '/v1/schedules/sdoesnotexist000000000'],
      ['GET', '/v1/schedules/%ZZ'],
    ] as const) {
      const response = await api.request(path, { method, key: BETA });
      expect(response.status, `${method} ${path}`).toBe(path.includes('%') ? 400 : 404);
      if (response.status === 404) {
        expect(problemSchema.parse(await response.json()).code).toBe('KUMO_API_SCHEDULE_NOT_FOUND');
      } else await response.body?.cancel();
    }
    const betaList = schedulesPageSchema.parse(await (await api.request('/v1/schedules', { key: BETA })).json());
    expect(betaList.items.map((item) => item.id)).not.toContain(schedule.id);

    expect(await api.resources.queues.nextScheduleRun(schedule.id)).toBe(next.getTime());
    const deleted = await api.request(`/v1/schedules/${schedule.id}`, { method: 'DELETE' });
    expect(deleted.status).toBe(204);
    expect((await api.request(`/v1/schedules/${schedule.id}`)).status).toBe(404);
    expect(await api.resources.queues.nextScheduleRun(schedule.id)).toBeUndefined();
    expect((await api.request(`/v1/schedules/${schedule.id}`, { method: 'DELETE' })).status).toBe(404);
  });

  it('pages through the caller schedules with cursors, nothing missing or repeated', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await created({ crawl: CRAWL, cron: `${i} 3 * * *` }, BETA)).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query = new URLSearchParams({ limit: '2', ...(cursor ? { cursor } : {}) });
      const response = await api.request(`/v1/schedules?${query}`, { key: BETA });
      expect(response.status).toBe(200);
      const page = schedulesPageSchema.parse(await response.json());
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual([...ids].reverse());
    const bad = await api.request('/v1/schedules?cursor=nonsense', { key: BETA });
    expect(bad.status).toBe(400);
    expect(problemSchema.parse(await bad.json()).errors?.[0]?.path).toBe('cursor');
    for (const id of ids) await api.request(`/v1/schedules/${id}`, { method: 'DELETE', key: BETA });
  });
});

describe('schedule runs', () => {
  it('runs twice, each run an ordinary crawl with scheduleId, the second with previousId = the first', async () => {
    const schedule = await created({ crawl: CRAWL, every: 'PT2S' });
    await vi.waitFor(async () => expect((await runsOf(schedule.id)).length).toBeGreaterThanOrEqual(2), {
      timeout: 60_000,
      interval: 250,
    });
    const [first, second] = await runsOf(schedule.id);
    expect(first!.request).toMatchObject(CRAWL);
    expect(first).not.toHaveProperty('previousId');
    expect(second).toMatchObject({ scheduleId: schedule.id, previousId: first!.id });
    const read = scheduleSchema.parse(await (await api.request(`/v1/schedules/${schedule.id}`)).json());
    expect(read.lastCrawlId).toBeDefined();
    expect((await runsOf(schedule.id)).map((crawl) => crawl.id)).toContain(read.lastCrawlId);
    // Another key never sees the runs' crawls.
    expect(await runsOf(schedule.id, BETA)).toEqual([]);

    // The schedule's keys carry TTLs longer than its interval; nothing under the prefix lacks one.
    const keys = new CrawlKeys(api.resources.store.keySpace);
    expect(await api.resources.store.pttl(keys.schedule(schedule.id))).toBeGreaterThan(2000);
    expect(await api.resources.store.pttl(keys.ownerSchedules(ownerOf(ALPHA)))).toBeGreaterThan(2000);
    const audit = await auditKeyspace(api.resources.client, { prefix });
    expect(audit.unknown.count).toBe(0);
    expect(audit.purposes.filter((purpose) => purpose.withoutTtl.count > 0)).toEqual([]);

    // DELETE stops the runs at once: no scheduler, and no crawl after the runs in flight.
    expect((await api.request(`/v1/schedules/${schedule.id}`, { method: 'DELETE' })).status).toBe(204);
    expect(await api.resources.queues.nextScheduleRun(schedule.id)).toBeUndefined();
    const settled = (await runsOf(schedule.id)).length;
    await new Promise((resolve) => setTimeout(resolve, 5000));
    expect((await runsOf(schedule.id)).length).toBe(settled);
  });

  it('a run that finds its record gone (expired) removes the job scheduler and creates no crawl', async () => {
    const schedule = await created({ crawl: CRAWL, cron: '* * * * *' });
    const { store, queues } = api.resources;
    expect(await queues.nextScheduleRun(schedule.id)).toBeDefined();
    // What an expiry does: the record is gone while the BullMQ scheduler remains.
    await store.del(new CrawlKeys(store.keySpace).schedule(schedule.id));
    // Runs the scheduler's next job now instead of at the next minute.
    const job = (await queues.schedule.getDelayed()).find((delayed) => delayed.data.scheduleId === schedule.id);
    expect(job).toBeDefined();
    await job!.promote();
    await vi.waitFor(async () => expect(await queues.nextScheduleRun(schedule.id)).toBeUndefined(), {
      timeout: 30_000,
      interval: 200,
    });
    expect(await runsOf(schedule.id)).toEqual([]);
  });
});
