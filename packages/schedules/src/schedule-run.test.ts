import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CrawlCreator, type CrawlCreatorDeps } from '@kumo/crawl-creation';
import { CrawlKeys, CrawlStore, IdempotencyStore, newScheduleId } from '@kumo/crawl-state';
import { createRedisClient, KeySpace, KeyStore } from '@kumo/keyspace';
import { startEmbeddedRedis, type RedisHandle } from '@kumo/local-redis';
import { DelayedError, type Job, type JobState, type ScheduleJobData, type ScheduleJobResult } from '@kumo/queues';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScheduleRunProcessor, type ScheduleRunEvent } from './schedule-run.js';

// The run processor on a real Redis (schedule records, claims, idempotency, crawl records), with BullMQ's side
// played by hand: each test runs the jobs in the order a crash and a restart can produce, and says which state
// each job is in meanwhile.

const TTL = 600_000;
const settings: CrawlCreatorDeps['settings'] = {
  CRAWL_HOST_DELAY_MS: 100,
  CRAWL_HOST_CONCURRENCY: 2,
  CRAWL_ALLOWED_HEADERS: [],
  CRAWL_ALLOW_HOSTS: [],
  API_PORT: 3000,
  CRAWL_WORKER_METRICS_PORT: 9101,
  ANALYSIS_WORKER_METRICS_PORT: 9102,
  API_MAX_RUNNING_CRAWLS: 1000,
  API_MAX_QUEUE_BACKLOG: 1000,
};

let redis: RedisHandle;
let dir: string;
let store: KeyStore;
let crawls: CrawlStore;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'kumo-schedules-'));
  redis = await startEmbeddedRedis({ dir });
  store = new KeyStore(createRedisClient(redis.url), new KeySpace({ prefix: 'sr' }));
  crawls = new CrawlStore(store, { resultTtlMs: TTL, tmpTtlMs: TTL });
});

afterAll(async () => {
  await store?.close();
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** One schedule, its runs' processor, and the BullMQ side by hand: job states, jobs moved to delayed, removals. */
async function world() {
  const scheduleId = newScheduleId();
  await crawls.schedules.create({
    id: scheduleId,
    owner: 'owner-1',
    request: { urls: ['http://example.com/'], maxDepth: 0, maxPages: 10, scope: 'same-host', analyze: false },
    every: 'PT1M',
    timezone: 'UTC',
    createdAt: new Date(),
    ttlMs: TTL,
  });
  const states = new Map<string, JobState>();
  const delayed: string[] = [];
  const removed: string[] = [];
  const events: ScheduleRunEvent[] = [];
  /** Crawl creations that fail once the crawl exists, as when the process dies right after creating it. */
  const dieAfterCreating = new Set<string>();
  const creator = new CrawlCreator({
    settings,
    crawls,
    idempotency: new IdempotencyStore(store),
    queues: { addCrawlFlow: async () => undefined, runningCrawls: async () => 0, backlog: async () => 0 },
  });
  const processRun = createScheduleRunProcessor({
    store: crawls.schedules,
    queues: {
      scheduleRunState: async (jobId) => states.get(jobId) ?? 'unknown',
      removeScheduleRuns: async (id) => removed.push(id) > 0,
    },
    creator: {
      async create(input) {
        const created = await creator.create(input);
        const key = input.idempotencyKey ?? '';
        if (dieAfterCreating.delete(key)) throw new Error(`process died after creating ${created.id}`);
        return created;
      },
    },
    onRun: (event) => events.push(event),
  });
  /** Runs the job of tick `tick` (active while it runs, completed or delayed after). */
  async function run(tick: number): Promise<ScheduleJobResult> {
    const id = `repeat:${scheduleId}:${tick}`;
    states.set(id, 'active');
    const job = {
      id,
      data: { scheduleId },
      moveToDelayed: async () => {
        delayed.push(id);
        states.set(id, 'delayed');
      },
    } as unknown as Job<ScheduleJobData, ScheduleJobResult>;
    const result = await processRun(job, 'token');
    states.set(id, 'completed');
    return result;
  }
  const crawlOf = async (id: string | null) => (await crawls.records.getCrawl(id ?? ''))?.crawl;
  const latest = async () => (await crawls.schedules.get(scheduleId))?.schedule.lastCrawlId;
  return { scheduleId, states, delayed, removed, events, dieAfterCreating, run, crawlOf, latest };
}

describe('a schedule run', () => {
  it('names the previous run as previous, and records itself as the latest', async () => {
    const w = await world();
    const first = await w.run(1000);
    const second = await w.run(2000);
    expect((await w.crawlOf(first.crawlId))?.previousId).toBeUndefined();
    expect(await w.crawlOf(second.crawlId)).toMatchObject({ scheduleId: w.scheduleId, previousId: first.crawlId });
    expect(await w.latest()).toBe(second.crawlId);
  });

  it('waits while a run of its schedule is in flight (its process died), then follows that run', async () => {
    const w = await world();
    const first = await w.run(1000);
    // The run of tick 2000 creates its crawl, then its process dies: the job stays active until the stalled check.
    w.dieAfterCreating.add(`schedule-run repeat:${w.scheduleId}:2000`);
    await expect(w.run(2000)).rejects.toThrow(/process died/);
    w.states.set(`repeat:${w.scheduleId}:2000`, 'active');
    // Tick 3000 comes first after the restart: it waits (delayed again, no attempt used), creating nothing.
    await expect(w.run(3000)).rejects.toBeInstanceOf(DelayedError);
    expect(w.delayed).toEqual([`repeat:${w.scheduleId}:3000`]);
    expect(w.events.at(-1)).toEqual({
      scheduleId: w.scheduleId,
      crawlId: null,
      waitingFor: `repeat:${w.scheduleId}:2000`,
    });
    // Tick 2000 given back: it finds the crawl it created (replayed), which becomes the latest; then tick 3000.
    const second = await w.run(2000);
    expect(w.events.at(-1)).toMatchObject({ crawlId: second.crawlId, previousId: first.crawlId, replayed: true });
    const third = await w.run(3000);
    expect(await w.crawlOf(second.crawlId)).toMatchObject({ previousId: first.crawlId });
    expect(await w.crawlOf(third.crawlId)).toMatchObject({ previousId: second.crawlId });
    expect(await w.latest()).toBe(third.crawlId);
  });

  it('takes over from a run that can no longer finish (failed for good, or gone)', async () => {
    const w = await world();
    const first = await w.run(1000);
    w.dieAfterCreating.add(`schedule-run repeat:${w.scheduleId}:2000`);
    await expect(w.run(2000)).rejects.toThrow(/process died/);
    w.states.set(`repeat:${w.scheduleId}:2000`, 'failed');
    const third = await w.run(3000);
    // The failed run's crawl was never recorded: the next run follows the latest recorded one.
    expect(await w.crawlOf(third.crawlId)).toMatchObject({ previousId: first.crawlId });
    expect(await w.latest()).toBe(third.crawlId);
    expect(w.delayed).toEqual([]);
  });

  it('given back after a later run recorded its crawl, never puts the schedule back to its older crawl', async () => {
    const w = await world();
    await w.run(1000);
    // Tick 2000 records its crawl, then its process dies before BullMQ hears of it; tick 3000 runs meanwhile.
    const second = await w.run(2000);
    const third = await w.run(3000);
    // Tick 2000 given back by the stalled check: it finds its crawl again and records nothing.
    expect((await w.run(2000)).crawlId).toBe(second.crawlId);
    expect(await w.latest()).toBe(third.crawlId);
    const fourth = await w.run(4000);
    expect(await w.crawlOf(fourth.crawlId)).toMatchObject({ previousId: third.crawlId });
  });

  it('finding its record gone, removes the job scheduler and creates no crawl', async () => {
    const w = await world();
    await store.del(new CrawlKeys(store.keySpace).schedule(w.scheduleId));
    expect(await w.run(1000)).toEqual({ crawlId: null });
    expect(w.removed).toEqual([w.scheduleId]);
  });
});
