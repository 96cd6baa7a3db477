import type { Worker } from 'bullmq';
import { tagOf } from '@kumo/keyspace';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis } from './__fixtures__/redis.js';
import { deferred, testSetup } from './__fixtures__/setup.js';
import { createRedisConnection, waitUntilReady } from './connection.js';
import type { AggregateJobData, AnalyzeJobData, CrawlJobData } from './names.js';
import { KumoQueues, analyzeJobId, crawlJobId } from './queues.js';
import { createKumoWorker } from './worker.js';

let redis: Awaited<ReturnType<typeof startTestRedis>>;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
});

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

afterAll(async () => {
  await redis.stop();
});

function setup() {
  const { config, connection } = testSetup(redis.url);
  const queues = new KumoQueues(connection, config);
  const workers: Worker[] = [];
  cleanups.push(async () => {
    await Promise.all(workers.map((worker) => worker.close()));
    await queues.close();
    connection.disconnect();
  });
  const work = <D>(
    name: 'crawl' | 'analyze' | 'aggregate',
    processor: (data: D, jobId: string) => Promise<unknown>,
  ) => {
    workers.push(
      createKumoWorker<D, unknown>(name, (job) => processor(job.data, job.id!), { connection, config, concurrency: 4 }),
    );
  };
  return { config, connection, queues, work };
}

// Real BullMQ workers on a shared 2-core machine: generous timeouts, no timing assertions.
describe('KumoQueues', { timeout: 30_000 }, () => {
  it('runs the root after every child, including dynamic children added while a child runs', async () => {
    const { queues, work } = setup();
    const finished: string[] = [];
    const rootRan = deferred<string[]>();
    work<CrawlJobData>('crawl', async (data) => {
      if (data.depth === 0) {
        const links = [0, 1, 2].map((i) => ({ crawlId: data.crawlId, url: `${data.url}child/${i}`, depth: 1 }));
        await queues.addChildren('crawl', data.crawlId, links);
        await queues.addChildren('analyze', data.crawlId, [{ crawlId: data.crawlId, url: data.url, pageKey: 'p' }]);
      }
      finished.push(`crawl ${data.url}`);
      return { status: 'fetched', links: 0 };
    });
    work<AnalyzeJobData>('analyze', async (data) => {
      finished.push(`analyze ${data.url}`);
      return { tokens: 1, cached: false };
    });
    work<AggregateJobData>('aggregate', async () => {
      rootRan.resolve([...finished]);
      return { status: 'completed', pages: finished.length };
    });

    const root = await queues.addCrawlFlow({
      crawlId: 'cflow1',
      seeds: [{ url: 'http://a/' }, { url: 'http://b/' }],
    });
    expect(root.id).toBe('cflow1');
    const seenByRoot = await rootRan.promise;
    // 2 seeds + 6 dynamic crawl children + 2 analyze children, all finished before the root ran.
    expect(seenByRoot).toHaveLength(10);
    expect(seenByRoot.filter((line) => line.startsWith('crawl http://a/child/'))).toHaveLength(3);
  });

  it('runs the root although a child failed for good (attempts exhausted)', async () => {
    const { queues, work, config } = setup();
    const attempts: string[] = [];
    const rootRan = deferred<void>();
    work<CrawlJobData>('crawl', async (data) => {
      attempts.push(data.url);
      if (data.url.includes('bad')) throw new Error('always fails');
      return { status: 'fetched', links: 0 };
    });
    work<AggregateJobData>('aggregate', async () => {
      rootRan.resolve();
      return { status: 'completed', pages: 1 };
    });
    await queues.addCrawlFlow({ crawlId: 'cfail1', seeds: [{ url: 'http://good/' }, { url: 'http://bad/' }] });
    await rootRan.promise;
    expect(attempts.filter((url) => url === 'http://bad/')).toHaveLength(config.CRAWL_ATTEMPTS);
    const failed = await queues.crawl.getJob(crawlJobId('cfail1', 'http://bad/'));
    expect(await failed!.getState()).toBe('failed');
  });

  it('sets retention and retry options on every job it adds', async () => {
    const { queues, config } = setup();
    const root = await queues.addCrawlFlow({ crawlId: 'cret1', seeds: [{ url: 'http://a/' }] });
    const [crawlChild] = await queues.addChildren('crawl', 'cret1', [
      { crawlId: 'cret1', url: 'http://a/x', depth: 1 },
    ]);
    const [analyzeChild] = await queues.addChildren('analyze', 'cret1', [
      { crawlId: 'cret1', url: 'http://a/', pageKey: 'p' },
    ]);
    const seed = await queues.crawl.getJob(crawlJobId('cret1', 'http://a/'));
    const retention = {
      removeOnComplete: { age: config.QUEUE_KEEP_COMPLETED_S, count: config.QUEUE_KEEP_COMPLETED_COUNT },
      removeOnFail: { age: config.QUEUE_KEEP_FAILED_S, count: config.QUEUE_KEEP_FAILED_COUNT },
    };
    for (const job of [root, seed!, crawlChild!, analyzeChild!]) expect(job.opts).toMatchObject(retention);
    for (const job of [seed!, crawlChild!]) {
      expect(job.opts).toMatchObject({ attempts: 2, backoff: { type: 'exponential', delay: 0 } });
    }
    for (const job of [seed!, crawlChild!, analyzeChild!]) {
      expect(job.opts.ignoreDependencyOnFailure).toBe(true);
      expect(job.parent).toMatchObject({ id: 'cret1', queueKey: `${queues.prefix}:aggregate` });
    }
    expect(analyzeChild!.id).toBe(analyzeJobId('cret1', 'http://a/'));
  });

  it('tells a schedule whose next run was lost (its job gone, its tick past) from one whose run is pending', async () => {
    const { queues, connection } = setup();
    const every = { every: 3_600_000 };
    const next = await queues.upsertScheduleRuns('slost1', every);
    const jobId = `repeat:slost1:${next}`;
    // Pending (delayed or waiting): never lost, however late — every crawl worker may be down.
    expect(await queues.scheduleRunsLost('slost1', -7_200_000)).toBe(false);
    // Not yet overdue: not lost, whatever the job's state.
    // BullMQ refuses to remove a scheduler's job: take it out of Redis the way a refused write leaves it (never added).
    await connection.zrem(queues.schedule.toKey('delayed'), jobId);
    await connection.lrem(queues.schedule.toKey('wait'), 0, jobId);
    await connection.del(queues.schedule.toKey(jobId));
    expect(await queues.schedule.getJobState(jobId)).toBe('unknown');
    expect(await queues.scheduleRunsLost('slost1', 60_000)).toBe(false);
    // Overdue with no job for the tick: what BullMQ leaves when Redis refused the write of the next run.
    expect(await queues.scheduleRunsLost('slost1', -7_200_000)).toBe(true);
    // Adding the runs again gives the scheduler a pending next run.
    await queues.upsertScheduleRuns('slost1', every);
    expect(await queues.scheduleRunsLost('slost1', -7_200_000)).toBe(false);
    expect(await queues.scheduleRunsLost('no-such-schedule', -7_200_000)).toBe(false);
  });

  it('makes one job per URL however often it is added (deterministic ids)', async () => {
    const { queues } = setup();
    await queues.addCrawlFlow({ crawlId: 'cdup1', seeds: [{ url: 'http://a/' }] });
    const job = { crawlId: 'cdup1', url: 'http://a/page', depth: 1 };
    const [first] = await queues.addChildren('crawl', 'cdup1', [job, job]);
    const [again] = await queues.addChildren('crawl', 'cdup1', [job]);
    expect(first!.id).toBe(crawlJobId('cdup1', 'http://a/page'));
    expect(again!.id).toBe(first!.id);
    expect(first!.id).not.toContain(':');
    const counts = await queues.jobCounts();
    expect(counts.crawl.waiting).toBe(2); // the seed and the one page
    expect(counts.aggregate['waiting-children']).toBe(1);
    expect(await queues.backlog()).toBe(2);
    expect(await queues.runningCrawls()).toBe(1);
  });

  it("accepts the API's fail-fast connection (no offline queue, one retry)", async () => {
    const { config } = testSetup(redis.url);
    const connection = createRedisConnection(config, { role: 'api' });
    const queues = new KumoQueues(connection, config);
    try {
      await waitUntilReady(connection, 5000);
      const root = await queues.addCrawlFlow({ crawlId: 'capi1', seeds: [{ url: 'http://a/' }] });
      expect(await root.getState()).toBe('waiting-children');
      expect(await queues.runningCrawls()).toBe(1);
    } finally {
      await queues.close();
      connection.disconnect();
    }
  });

  it('keeps every BullMQ key of a flow under one hash tag', async () => {
    const { queues, connection, config } = setup();
    await queues.addCrawlFlow({ crawlId: 'ctag1', seeds: [{ url: 'http://a/' }] });
    await queues.addChildren('analyze', 'ctag1', [{ crawlId: 'ctag1', url: 'http://a/', pageKey: 'p' }]);
    expect(queues.prefix).toBe(`${config.KUMO_PREFIX}:bull:{q}`);
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = (await connection.scan(cursor, 'MATCH', `${config.KUMO_PREFIX}:*`)) as [string, string[]];
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    expect(keys.length).toBeGreaterThan(5);
    expect(new Set(keys.map(tagOf))).toEqual(new Set(['q']));
  });
});
