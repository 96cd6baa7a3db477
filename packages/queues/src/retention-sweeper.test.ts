import { setTimeout as sleep } from 'node:timers/promises';
import type { Queue, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis } from './__fixtures__/redis.js';
import { deferred, testSetup } from './__fixtures__/setup.js';
import { KumoQueues } from './queues.js';
import { RetentionSweeper } from './retention-sweeper.js';
import { createKumoWorker } from './worker.js';

let redis: Awaited<ReturnType<typeof startTestRedis>>;

beforeAll(async () => {
  redis = await startTestRedis();
});

afterAll(async () => {
  await redis.stop();
});

/** A crawl worker that fetches nothing; `done` resolves when it has taken its first job. */
function crawlWorker(
  connection: Parameters<typeof createKumoWorker>[2]['connection'],
  config: Parameters<typeof createKumoWorker>[2]['config'],
  concurrency: number,
) {
  const done = deferred<void>();
  const worker = createKumoWorker(
    'crawl',
    async () => {
      done.resolve();
      return { status: 'fetched', links: 0 };
    },
    { connection, config, concurrency },
  );
  return { worker, done };
}

describe('RetentionSweeper', { timeout: 30_000 }, () => {
  it('removes the last crawl’s root job and its children’s values once they are past their keep age', async () => {
    const { config, connection } = testSetup(redis.url, {
      QUEUE_KEEP_COMPLETED_S: '1',
      QUEUE_KEEP_COMPLETED_COUNT: '1000',
      QUEUE_EVENTS_MAX_LEN: '7',
    });
    const queues = new KumoQueues(connection, config);
    const rootDone = deferred<void>();
    const workers: Worker[] = [
      createKumoWorker('crawl', async () => ({ status: 'fetched', links: 0 }), { connection, config, concurrency: 2 }),
      createKumoWorker(
        'aggregate',
        async () => {
          rootDone.resolve();
          return { status: 'completed' };
        },
        { connection, config, concurrency: 2 },
      ),
    ];
    try {
      const crawlId = 'sweep1';
      const seeds = [0, 1, 2].map((i) => ({ url: `http://127.0.0.1:9/${i}` }));
      await queues.addCrawlFlow({ crawlId, seeds });
      await rootDone.promise;
      await sleep(200);
      const processedKey = `${queues.prefix}:aggregate:${crawlId}:processed`;
      // BullMQ trims by age only when a later job of the queue finishes: the root and its children's values stay.
      expect(await connection.exists(processedKey)).toBe(1);
      expect(await queues.aggregate.getCompletedCount()).toBe(1);

      await sleep(1100);
      const swept: string[] = [];
      const sweeper = new RetentionSweeper({
        queues: [queues.crawl, queues.analyze, queues.aggregate] as never,
        keepCompletedMs: 1000,
        keepFailedMs: 1000,
        intervalMs: 60_000,
        onSwept: ({ queue, state, count }) => swept.push(`${queue} ${state} ${count}`),
      });
      expect(await sweeper.sweepOnce()).toBeGreaterThanOrEqual(1);
      expect(swept).toContain('aggregate completed 1');
      expect(await connection.exists(processedKey)).toBe(0);
      expect(await queues.aggregate.getCompletedCount()).toBe(0);
      expect(await queues.crawl.getCompletedCount()).toBe(0);
      // The event-stream cap reaches BullMQ through the queues' meta hash.
      expect(await connection.hget(`${queues.prefix}:crawl:meta`, 'opts.maxLenEvents')).toBe('7');
    } finally {
      await Promise.all(workers.map((worker) => worker.close()));
      await queues.close();
      connection.disconnect();
    }
  });

  it('keeps jobs younger than their keep age, and sweeps on its timer until stopped', async () => {
    const { config, connection } = testSetup(redis.url, { QUEUE_KEEP_COMPLETED_S: '3600' });
    const queues = new KumoQueues(connection, config);
    const { worker, done } = crawlWorker(connection, config, 2);
    try {
      await queues.crawl.add('crawl', { crawlId: 'young', url: 'http://127.0.0.1:9/', depth: 0 });
      await done.promise;
      await sleep(200);
      const sweeper = queues.retentionSweeper();
      expect(await sweeper.sweepOnce()).toBe(0);
      expect(await queues.crawl.getCompletedCount()).toBe(1);
      sweeper.start();
      await sweeper.stop();
    } finally {
      await worker.close();
      await queues.close();
      connection.disconnect();
    }
  });

  it('cleans only sets with a job past its age, and plans the next sweep for when the oldest kept job passes it', async () => {
    const { config, connection } = testSetup(redis.url);
    const queues = new KumoQueues(connection, config);
    const { worker, done } = crawlWorker(connection, config, 1);
    const swept = [queues.crawl, queues.analyze] as unknown as Queue[];
    let cleans = 0;
    for (const queue of swept) {
      const clean = queue.clean.bind(queue);
      queue.clean = (...args: Parameters<Queue['clean']>) => {
        cleans++;
        return clean(...args);
      };
    }
    try {
      const sweeper = new RetentionSweeper({
        queues: swept,
        keepCompletedMs: 3000,
        keepFailedMs: 60_000,
        intervalMs: 1000,
      });
      // Nothing kept: nothing to clean, and nothing can pass its age sooner than the shorter keep age.
      expect(await sweeper.sweepOnce()).toBe(0);
      expect(cleans).toBe(0);
      expect(sweeper.nextDueInMs).toBeGreaterThan(2500);
      expect(sweeper.nextDueInMs).toBeLessThanOrEqual(3000);

      await queues.crawl.add('crawl', { crawlId: 'aged', url: 'http://127.0.0.1:9/', depth: 0 });
      await done.promise;
      await sleep(1000);
      // One completed job, 1 s old: kept, and due when it is 3 s old.
      expect(await sweeper.sweepOnce()).toBe(0);
      expect(cleans).toBe(0);
      expect(sweeper.nextDueInMs).toBeGreaterThan(1000);
      expect(sweeper.nextDueInMs).toBeLessThanOrEqual(2000);

      await sleep(sweeper.nextDueInMs + 100);
      expect(await sweeper.sweepOnce()).toBe(1);
      expect(cleans).toBe(1);
      expect(await queues.crawl.getCompletedCount()).toBe(0);
    } finally {
      await worker.close();
      await queues.close();
      connection.disconnect();
    }
  });

  it('plans the next sweep within a day, however long the keep ages (Node runs a longer timer at once)', async () => {
    const { config, connection } = testSetup(redis.url);
    const queues = new KumoQueues(connection, config);
    const day = 86_400_000;
    const sweeper = new RetentionSweeper({
      queues: [queues.crawl] as unknown as Queue[],
      keepCompletedMs: 30 * day,
      keepFailedMs: 90 * day,
      intervalMs: 1000,
    });
    try {
      expect(await sweeper.sweepOnce()).toBe(0);
      expect(sweeper.nextDueInMs).toBeGreaterThan(29 * day);
      sweeper.start();
      expect(sweeper.nextSweepInMs).toBeGreaterThan(day - 60_000);
      expect(sweeper.nextSweepInMs).toBeLessThanOrEqual(day);
      await sweeper.stop();
      expect(sweeper.nextSweepInMs).toBeUndefined();
    } finally {
      await queues.close();
      connection.disconnect();
    }
  });

  it.each([
    [{ intervalMs: 10 }, /intervalMs must be at least 1000/],
    [{ keepCompletedMs: -1 }, /keepCompletedMs must be a non-negative integer/],
    [{ keepFailedMs: 1.5 }, /keepFailedMs must be a non-negative integer/],
  ])('rejects bad options %j', (bad, message) => {
    expect(
      () => new RetentionSweeper({ queues: [], keepCompletedMs: 0, keepFailedMs: 0, intervalMs: 1000, ...bad }),
    ).toThrow(message);
  });
});
