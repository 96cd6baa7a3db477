import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { KeySpace } from '@kumo/keyspace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BusyOnlyLockManager } from './busy-only-lock-manager.js';
import { startTestRedis } from './__fixtures__/redis.js';
import { deferred, testSetup } from './__fixtures__/setup.js';
import { IDLE_STALLED_INTERVAL_MS, type KumoBullWorker } from './kumo-bull-worker.js';
import { createKumoWorker } from './worker.js';

// An idle worker must not wake on timers of its own (lesson 1; issue 21 point 8): BullMQ's lock renewal and stalled
// check ran every few seconds for the worker's whole life. Both still do their work while there is work.
let redis: Awaited<ReturnType<typeof startTestRedis>>;

beforeAll(async () => {
  redis = await startTestRedis();
});

afterAll(async () => {
  await redis.stop();
});

function setup() {
  const { config, connection } = testSetup(redis.url, {
    WORKER_LOCK_DURATION_MS: '2000',
    WORKER_STALLED_INTERVAL_MS: '500',
    WORKER_LIVENESS_CHECK_MS: '0',
  });
  const queue = new Queue('crawl', { connection, prefix: new KeySpace({ prefix: config.KUMO_PREFIX }).queuePrefix() });
  return { config, connection, queue };
}

const lockManagerOf = (worker: unknown) => (worker as { lockManager: BusyOnlyLockManager }).lockManager;

describe('KumoBullWorker timers', { timeout: 30_000 }, () => {
  it('arms lock renewal only while it holds a job, and still renews a lock past lockDuration', async () => {
    const { config, connection, queue } = setup();
    const running = deferred<void>();
    const release = deferred<void>();
    const stalled: string[] = [];
    const worker = createKumoWorker<{ n: number }, number>(
      'crawl',
      async (job) => {
        running.resolve();
        await release.promise;
        return job.data.n;
      },
      { connection, config, concurrency: 1 },
    );
    worker.on('stalled', (jobId) => stalled.push(jobId));
    try {
      await worker.waitUntilReady();
      await sleep(300);
      expect(lockManagerOf(worker).armed).toBe(false);
      expect(lockManagerOf(worker).isRunning()).toBe(true);

      await queue.add('crawl', { n: 7 }, { jobId: 'long' });
      await running.promise;
      expect(lockManagerOf(worker).armed).toBe(true);
      // Held for twice the lock duration: only renewal keeps the lock (else completing fails, or it stalls).
      await sleep(4000);
      release.resolve();
      const job = await queue.getJob('long');
      for (let i = 0; i < 50 && (await job!.getState()) !== 'completed'; i++) await sleep(100);
      expect(await job!.getState()).toBe('completed');
      expect(stalled).toEqual([]);
      await sleep(200);
      expect(lockManagerOf(worker).armed).toBe(false);
    } finally {
      await worker.close();
      await queue.close();
      connection.disconnect();
    }
  });

  it('checks for stalled jobs every stalledInterval while jobs are active, else at the idle pace', async () => {
    const { config, connection, queue } = setup();
    const running = deferred<void>();
    const release = deferred<void>();
    const worker = createKumoWorker<{ n: number }, number>(
      'crawl',
      async (job) => {
        running.resolve();
        await release.promise;
        return job.data.n;
      },
      { connection, config, concurrency: 1 },
    ) as KumoBullWorker<{ n: number }, number>;
    try {
      await worker.waitUntilReady();
      // The first check runs at start; with nothing active the next one is far off.
      for (let i = 0; i < 50 && (worker.stalledCheckDueInMs ?? 0) <= 500; i++) await sleep(50);
      expect(worker.stalledCheckDueInMs).toBeGreaterThan(500);
      expect(worker.stalledCheckDueInMs).toBeLessThanOrEqual(IDLE_STALLED_INTERVAL_MS);

      await queue.add('crawl', { n: 1 }, { jobId: 'held' });
      await running.promise;
      // A job taken: the next check comes within stalledInterval, and so does every one while it is active.
      expect(worker.stalledCheckDueInMs).toBeLessThanOrEqual(500);
      await sleep(1200);
      expect(worker.stalledCheckDueInMs).toBeLessThanOrEqual(500);

      release.resolve();
      for (let i = 0; i < 60 && (worker.stalledCheckDueInMs ?? 0) <= 500; i++) await sleep(50);
      expect(worker.stalledCheckDueInMs).toBeGreaterThan(500);

      await worker.close();
      expect(worker.stalledCheckDueInMs).toBeUndefined();
    } finally {
      await worker.close();
      await queue.close();
      connection.disconnect();
    }
  });
});
