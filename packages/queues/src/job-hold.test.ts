import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { createRedisClient, KeySpace, type RedisClient } from '@kumo/keyspace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis } from './__fixtures__/redis.js';
import { deferred, testSetup } from './__fixtures__/setup.js';
import { QueueUnavailableError } from './errors.js';
import { holdWhileRedisRefuses } from './job-hold.js';
import { createKumoWorker, type JobDone } from './worker.js';

let redis: Awaited<ReturnType<typeof startTestRedis>>;
let admin: RedisClient;

beforeAll(async () => {
  redis = await startTestRedis();
  admin = createRedisClient(redis.url, { connectionName: 'kumo:test:admin' });
});

afterAll(async () => {
  await admin.quit();
  await redis.stop();
});

/** Redis full under noeviction: every write that may grow memory answers `OOM command not allowed…`. */
const fill = () => admin.call('CONFIG', 'SET', 'maxmemory', '1');
const free = () => admin.call('CONFIG', 'SET', 'maxmemory', '0');

const oom = () =>
  Object.assign(new Error("OOM command not allowed when used memory > 'maxmemory'."), { name: 'ReplyError' });

describe('holdWhileRedisRefuses (outside a job)', () => {
  it('passes other errors through at once', async () => {
    let tries = 0;
    const failing = holdWhileRedisRefuses(
      async () => {
        tries++;
        throw new Error('a bug');
      },
      { operation: 'test' },
    );
    await expect(failing).rejects.toThrow('a bug');
    expect(tries).toBe(1);
  });

  it('tries a refused write again until it goes through', async () => {
    let tries = 0;
    const value = await holdWhileRedisRefuses(
      async () => {
        if (++tries < 4) throw oom();
        return 'written';
      },
      { operation: 'test', baseDelayMs: 1, maxDelayMs: 5 },
    );
    expect(value).toBe('written');
    expect(tries).toBe(4);
  });

  it('gives up with KUMO_QUEUES_UNAVAILABLE after maxHoldMs, the refusal as cause', async () => {
    const error = await holdWhileRedisRefuses(
      async () => {
        throw oom();
      },
      { operation: 'test', maxHoldMs: 50, baseDelayMs: 5, maxDelayMs: 10 },
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(QueueUnavailableError);
    expect((error as QueueUnavailableError).code).toBe('KUMO_QUEUES_UNAVAILABLE');
    expect(((error as Error).cause as Error).message).toMatch(/^OOM/);
  });
});

describe('a job while Redis refuses writes', { timeout: 30_000 }, () => {
  // A lock of 1 s checked every 500 ms: a job whose lock were not kept through a 3 s refusal would stall.
  const settings = { WORKER_LOCK_DURATION_MS: '1000', WORKER_STALLED_INTERVAL_MS: '500' };

  it('holds its write through 3 s of OOM with its lock kept: runs once, no attempt used, never stalled', async () => {
    const { config, connection } = testSetup(redis.url, settings);
    const prefix = new KeySpace({ prefix: config.KUMO_PREFIX }).queuePrefix();
    const queue = new Queue('crawl', { connection, prefix });
    const started = deferred<void>();
    const done = deferred<JobDone>();
    const stalled: string[] = [];
    let runs = 0;
    const worker = createKumoWorker<{ n: number }, string>(
      'crawl',
      async () => {
        runs++;
        started.resolve();
        await sleep(200); // the test fills Redis meanwhile
        return holdWhileRedisRefuses(
          async () => {
            await connection.set(`${config.KUMO_PREFIX}:test:written`, 'x', 'PX', 60_000);
            return 'ok';
          },
          { operation: 'test write' },
        );
      },
      { connection, config, concurrency: 1, onJobDone: (result) => done.resolve(result) },
    );
    worker.on('stalled', (jobId) => stalled.push(jobId));
    try {
      await queue.add('crawl', { n: 1 }, { jobId: 'held', attempts: 1 });
      await started.promise;
      await fill();
      await sleep(3000);
      await free();
      expect((await done.promise).outcome).toBe('completed');
      // onJobDone runs before BullMQ moves the job to completed.
      await expect.poll(async () => (await queue.getJob('held'))!.getState(), { timeout: 20_000 }).toBe('completed');
      const job = await queue.getJob('held');
      expect({ runs, attemptsMade: job!.attemptsMade, stalled }).toEqual({ runs: 1, attemptsMade: 1, stalled: [] });
      expect(job!.stalledCounter).toBe(0);
    } finally {
      await free();
      await worker.close();
      await queue.close();
      connection.disconnect();
    }
  });

  it('puts a job whose processor failed on a refusal back without using an attempt (attempts: 1 still completes)', async () => {
    const { config, connection } = testSetup(redis.url, settings);
    const prefix = new KeySpace({ prefix: config.KUMO_PREFIX }).queuePrefix();
    const queue = new Queue('crawl', { connection, prefix });
    const outcomes: string[] = [];
    const completed = deferred<void>();
    let runs = 0;
    const worker = createKumoWorker<{ n: number }, string>(
      'crawl',
      async () => {
        runs++;
        if (runs === 1) {
          // The refusal reaches the worker (no hold in this processor); Redis stays full for 2 s more.
          await fill();
          setTimeout(() => void free(), 2000);
          await connection.set(`${config.KUMO_PREFIX}:test:written`, 'x', 'PX', 60_000);
        }
        return 'ok';
      },
      {
        connection,
        config,
        concurrency: 1,
        onJobDone: (result) => {
          outcomes.push(result.outcome);
          if (result.outcome === 'completed') completed.resolve();
        },
      },
    );
    try {
      await queue.add('crawl', { n: 1 }, { jobId: 'refused', attempts: 1 });
      await completed.promise;
      await expect.poll(async () => (await queue.getJob('refused'))!.getState()).toBe('completed');
      const job = await queue.getJob('refused');
      expect({ runs, outcomes }).toEqual({ runs: 2, outcomes: ['delayed', 'completed'] });
      expect(job!.stalledCounter).toBe(0);
    } finally {
      await free();
      await worker.close();
      await queue.close();
      connection.disconnect();
    }
  });
});
