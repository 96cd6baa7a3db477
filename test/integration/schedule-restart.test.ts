import { crawlsPageSchema, scheduleSchema, schedulesPageSchema, type Crawl, type Schedule } from '@kumo/contract';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { TEST_API_KEYS, TEST_BOARD } from '../helpers/api-harness.js';
import { openCrawlClient, type CrawlClient } from '../helpers/crawl-harness.js';
import { testEnv, uniquePrefix } from '../helpers/env.js';
import { killTree, startApp, type AppProcess } from '../helpers/processes.js';

// Issue #17's last "Done when": schedules survive a restart of every process and run once per tick whatever the
// number of workers and hosts. The API and two crawl-worker instances (as on two hosts: separate supervisors, one
// with two worker processes, each process with Redis connections of its own) share one Redis; a schedule with a
// short test interval ticks, then every kumo process is killed (SIGKILL of every process tree at once, later SIGTERM
// of every app) and started again. The schedule must still be listed and keep running, and the runs' record must
// show one crawl per tick: each run's crawl is exactly one BullMQ scheduler job's (job id
// `repeat:<scheduleId>:<tick ms>`), the ticks lie on the interval's grid, and each run's previousId is the run before.

const redis = inject('redisEnv');
const prefix = uniquePrefix('schrst');
const EVERY_MS = 2000;
// No analysis-worker: the runs' crawls start (their seed fails at once on a closed port); only their records count.
const CRAWL = { urls: ['http://127.0.0.1:9/'], maxDepth: 0, analyze: false };
const env = testEnv({
  redis,
  prefix,
  overrides: {
    API_PORT: '0',
    API_KEYS: TEST_API_KEYS.join(','),
    BOARD_USER: TEST_BOARD.user,
    BOARD_PASSWORD: TEST_BOARD.password,
    API_RATE_LIMIT_PER_MINUTE: '100000',
    API_MAX_RUNNING_CRAWLS: '1000',
    SCHEDULE_MIN_INTERVAL_MS: '1000',
  },
});
/** Crawl-worker instances, as on two hosts: worker processes per instance. */
const HOSTS = [2, 1];

/** Every kumo process of the test: the API and the crawl-worker instances, started, killed and started again. */
class Deployment {
  url = '';
  running: AppProcess[] = [];
  /** Every app ever started, for the logs of a failure. */
  readonly history: AppProcess[] = [];

  async start(): Promise<void> {
    const api = startApp('api', env);
    const workers = HOSTS.map((processes) => startApp('crawl-worker', { ...env, WORKER_PROCESSES: String(processes) }));
    this.running = [api, ...workers];
    this.history.push(...this.running);
    const [apiReady] = await Promise.all([
      api.waitReady(1, 90_000),
      ...workers.map((worker, index) => worker.waitReady(HOSTS[index], 90_000)),
    ]);
    // The API listens on port 0 (its processes share the one the supervisor got): the URL is in its `ready` line.
    this.url = `http://127.0.0.1:${String(apiReady?.[0]?.port)}`;
  }

  /** Every pid of the running apps: their own and their children's. */
  pids(): number[] {
    return this.running.flatMap((app) => [...app.childPids(), app.pid]);
  }

  /** SIGKILL: every process tree at once, as when every host dies. SIGTERM: every app shuts down gracefully. */
  async stopAll(signal: 'SIGKILL' | 'SIGTERM'): Promise<void> {
    const apps = this.running;
    this.running = [];
    if (signal === 'SIGKILL') {
      await Promise.all(apps.map((app) => killTree(app)));
    } else {
      const exits = await Promise.all(apps.map((app) => app.stop('SIGTERM', 30_000)));
      expect(exits.map((exit) => exit.signal)).not.toContain('SIGKILL');
    }
    for (const app of apps) expect(app.childPids(), 'no process of the app is left').toEqual([]);
  }

  request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${TEST_API_KEYS[0]}`);
    return fetch(`${this.url}${path}`, { ...init, headers });
  }
}

const deployment = new Deployment();
let client: CrawlClient;

async function json(path: string): Promise<unknown> {
  const response = await deployment.request(path);
  expect(response.status, `${path}: ${await response.clone().text()}`).toBe(200);
  return response.json();
}

/** The crawls the schedule's runs created, read through `GET /v1/crawls` (every page). */
async function runsOf(scheduleId: string): Promise<Crawl[]> {
  const crawls: Crawl[] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ limit: '100', ...(cursor === null ? {} : { cursor }) });
    const page = crawlsPageSchema.parse(await json(`/v1/crawls?${query}`));
    crawls.push(...page.items.filter((crawl) => crawl.scheduleId === scheduleId));
    cursor = page.nextCursor;
  } while (cursor !== null);
  return crawls;
}

/** One `schedule` job of the schedule: its tick (from the job id), its state and the crawl it returned. */
interface Tick {
  jobId: string;
  tick: number;
  state: string;
  crawlId: string | null | undefined;
  /** How often a worker took the job: more than once when a run was cut short (killed, stalled, retried). */
  attemptsStarted: number;
  /** When the job finished (ms since the epoch). */
  finishedOn: number | undefined;
}

/** Every job the schedule's BullMQ job scheduler has added, in every state, by tick. */
async function ticksOf(scheduleId: string): Promise<Tick[]> {
  const queue = client.queues.schedule;
  const ticks: Tick[] = [];
  for (const state of ['completed', 'failed', 'active', 'wait', 'delayed', 'prioritized'] as const) {
    for (const job of await queue.getJobs([state])) {
      if (job?.data.scheduleId !== scheduleId) continue;
      const tick = Number(job.id?.split(':').at(-1));
      ticks.push({
        jobId: job.id!,
        tick,
        state,
        crawlId: job.returnvalue?.crawlId,
        attemptsStarted: job.attemptsStarted,
        finishedOn: job.finishedOn,
      });
    }
  }
  return ticks.sort((a, b) => a.tick - b.tick);
}

/** The schedule as `GET /v1/schedules` lists it (every page); undefined when it is not listed. */
async function listed(scheduleId: string): Promise<Schedule | undefined> {
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ limit: '100', ...(cursor === null ? {} : { cursor }) });
    const page = schedulesPageSchema.parse(await json(`/v1/schedules?${query}`));
    const found = page.items.find((item) => item.id === scheduleId);
    if (found) return found;
    cursor = page.nextCursor;
  } while (cursor !== null);
  return undefined;
}

/**
 * SIGKILL of every process while a run is in flight: polls the schedule queue and kills every pid the moment a run's
 * job is active *and* its scheduler has already added the next tick's (delayed) job — the run is then in its
 * processor, creating its crawl. The kill is a few system calls, the run a few Redis round trips: most times the
 * first kill cuts it short; when the run finished first, the processes are started again for another try. Returns
 * the interrupted job's id. After the restart, the interrupted run (given back by BullMQ's stalled check) and the
 * next tick are both due.
 */
async function killDuringRun(): Promise<string> {
  const queue = client.queues.schedule;
  for (let attempt = 1; ; attempt++) {
    const pids = deployment.pids();
    await vi.waitFor(
      async () => {
        const counts = await queue.getJobCounts('active', 'delayed');
        expect(counts.active > 0 && counts.delayed > 0).toBe(true);
      },
      { timeout: 30_000, interval: 0 },
    );
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    await deployment.stopAll('SIGKILL');
    const [active] = await queue.getActive();
    if (active?.id !== undefined) return active.id;
    expect(attempt, 'a kill landed while a run was in flight').toBeLessThan(5);
    await deployment.start();
  }
}

/** Waits until the schedule has created more than `count` crawls; returns how many it has. */
async function runsBeyond(scheduleId: string, count: number): Promise<number> {
  let runs = 0;
  await vi.waitFor(
    async () => {
      runs = (await runsOf(scheduleId)).length;
      expect(runs).toBeGreaterThan(count);
    },
    { timeout: 90_000, interval: 250 },
  );
  return runs;
}

beforeAll(async () => {
  client = openCrawlClient({ redis, prefix });
  await deployment.start();
});

afterAll(async () => {
  await deployment.stopAll('SIGTERM').catch(() => undefined);
  for (const app of deployment.history)
    if (app.child.exitCode === null && app.child.signalCode === null) await killTree(app).catch(() => undefined);
  await client?.close();
});

describe('a schedule across restarts of every process, on two crawl-worker hosts (#17)', () => {
  it('is still listed and keeps running after SIGKILL and SIGTERM of everything, one crawl per tick', async () => {
    const response = await deployment.request('/v1/schedules', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ crawl: CRAWL, every: `PT${EVERY_MS / 1000}S` }),
    });
    expect(response.status, await response.clone().text()).toBe(201);
    const schedule = scheduleSchema.parse(await response.json());
    const { nextRunAt: _created, ...stable } = schedule;
    let runs = await runsBeyond(schedule.id, 2);

    // SIGKILL of everything mid-run, SIGTERM of everything, SIGKILL of everything between runs; a start after each.
    const interrupted: string[] = [];
    for (const signal of ['SIGKILL mid-run', 'SIGTERM', 'SIGKILL'] as const) {
      if (signal === 'SIGKILL mid-run') interrupted.push(await killDuringRun());
      else await deployment.stopAll(signal);
      await deployment.start();
      // Still listed by the restarted API, unchanged but for its runs.
      const after = await listed(schedule.id);
      expect(after, `listed after ${signal}`).toMatchObject({ ...stable, lastCrawlId: expect.any(String) });
      expect(Number.isNaN(Date.parse(after!.nextRunAt))).toBe(false);
      // And running: at least two runs after the restart (a run that was due while all was down, and a later one).
      runs = await runsBeyond(schedule.id, runs + 1);
    }

    // The runs stop at DELETE; a run in flight then still ends (its crawl stands): wait until no job is left.
    const deletedAt = Date.now();
    expect((await deployment.request(`/v1/schedules/${schedule.id}`, { method: 'DELETE' })).status).toBe(204);
    await vi.waitFor(
      async () => expect((await ticksOf(schedule.id)).filter((tick) => tick.state !== 'completed')).toEqual([]),
      { timeout: 60_000, interval: 250 },
    );

    // A run taken (or waiting for the claim) as the schedule was deleted found it gone and created no crawl.
    const all = await ticksOf(schedule.id);
    const gone = all.filter((tick) => tick.crawlId === null);
    for (const tick of gone) expect(tick.finishedOn, JSON.stringify(all)).toBeGreaterThanOrEqual(deletedAt);
    const ticks = all.filter((tick) => tick.crawlId !== null);
    const crawls = await runsOf(schedule.id);
    const context = JSON.stringify({ ticks, crawls: crawls.map(({ id, previousId }) => ({ id, previousId })) });
    // Every tick created one crawl, and every crawl of the schedule is one tick's: no run twice for a tick (a
    // retried or stalled run found the crawl it had created), no crawl outside a tick.
    const tickCrawls = ticks.map((tick) => tick.crawlId);
    expect(
      tickCrawls.every((id) => typeof id === 'string'),
      context,
    ).toBe(true);
    expect(new Set(tickCrawls).size, context).toBe(ticks.length);
    expect([...tickCrawls].sort(), context).toEqual(crawls.map((crawl) => crawl.id).sort());
    // One job per tick whatever the number of workers: the ticks lie on the interval's grid, each at most once, so
    // there are no more runs than ticks elapsed (ticks while every process was down are skipped, not made up).
    for (let i = 1; i < ticks.length; i++) {
      const gap = ticks[i]!.tick - ticks[i - 1]!.tick;
      expect(gap > 0 && gap % EVERY_MS === 0, `tick ${i}: ${context}`).toBe(true);
    }
    const elapsed = (ticks.at(-1)!.tick - ticks[0]!.tick) / EVERY_MS + 1;
    expect(crawls.length, context).toBeLessThanOrEqual(elapsed);
    // The interrupted run was taken again after the restart (BullMQ's stalled check) and ended with its one crawl.
    for (const job of interrupted) {
      expect(ticks.find((tick) => tick.jobId === job)?.attemptsStarted, context).toBeGreaterThan(1);
    }
    // previousId chains every run to the one before: from the newest crawl (the one no run names as its previous),
    // previousId walks through every crawl of the schedule once, each created after the one it names, and ends at
    // the first run, which has none. No fork (two runs naming one previous crawl), no run left out.
    const byId = new Map(crawls.map((crawl) => [crawl.id, crawl]));
    const named = new Set(crawls.map((crawl) => crawl.previousId));
    const heads = crawls.filter((crawl) => !named.has(crawl.id));
    expect(
      heads.map((crawl) => crawl.id),
      `one newest run: ${context}`,
    ).toHaveLength(1);
    const chain: Crawl[] = [];
    for (let crawl = heads[0]; crawl !== undefined && chain.length <= crawls.length;) {
      chain.unshift(crawl);
      crawl = crawl.previousId === undefined ? undefined : byId.get(crawl.previousId);
    }
    expect(
      chain.map((crawl) => crawl.id),
      `one chain: ${context}`,
    ).toHaveLength(crawls.length);
    expect(chain[0]!.previousId).toBeUndefined();
    for (let i = 1; i < chain.length; i++) {
      expect(Date.parse(chain[i]!.createdAt), context).toBeGreaterThanOrEqual(Date.parse(chain[i - 1]!.createdAt));
    }
    // And the chain follows the ticks: runs that were not cut short come in the order of their ticks.
    const whole = new Set(ticks.filter((tick) => tick.attemptsStarted === 1).map((tick) => tick.crawlId));
    expect(
      chain.filter((crawl) => whole.has(crawl.id)).map((crawl) => crawl.id),
      context,
    ).toEqual(ticks.filter((tick) => tick.attemptsStarted === 1).map((tick) => tick.crawlId));
  });
});
