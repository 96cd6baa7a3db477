import { Queue } from 'bullmq';
import { KeySpace } from '@kumo/keyspace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis } from './__fixtures__/redis.js';
import { deferred, testSetup } from './__fixtures__/setup.js';
import { UnrecoverableError } from './index.js';
import { createKumoWorker, type JobDone } from './worker.js';

let redis: Awaited<ReturnType<typeof startTestRedis>>;

beforeAll(async () => {
  redis = await startTestRedis();
});

afterAll(async () => {
  await redis.stop();
});

describe('createKumoWorker', { timeout: 30_000 }, () => {
  it('processes jobs with kumo defaults and reports each job’s duration and outcome', async () => {
    const { config, connection } = testSetup(redis.url, { WORKER_LOCK_DURATION_MS: '7000' });
    const queue = new Queue('crawl', {
      connection,
      prefix: new KeySpace({ prefix: config.KUMO_PREFIX }).queuePrefix(),
    });
    const done: JobDone[] = [];
    const observed: [string, number, Record<string, string> | undefined][] = [];
    const allDone = deferred<void>();
    const worker = createKumoWorker<{ n: number }, number>(
      'crawl',
      async (job) => {
        if (job.data.n === 2) throw new Error('transient');
        if (job.data.n === 3) throw new UnrecoverableError('bad input');
        return job.data.n * 10;
      },
      {
        connection,
        config,
        concurrency: 2,
        stageTimer: { observe: (stage, ms, labels) => observed.push([stage, ms, labels]) },
        onJobDone: (result) => {
          done.push(result);
          if (done.length === 4) allDone.resolve();
        },
      },
    );
    try {
      expect(worker.opts).toMatchObject({ lockDuration: 7000, maxStalledCount: 2, concurrency: 2 });
      expect(worker.opts.stalledInterval).toBe(config.WORKER_STALLED_INTERVAL_MS);
      await queue.add('crawl', { n: 1 }, { jobId: 'one' });
      await queue.add('crawl', { n: 2 }, { jobId: 'two', attempts: 2 });
      await queue.add('crawl', { n: 3 }, { jobId: 'three', attempts: 5 });
      await allDone.promise;
      const outcomes = Object.fromEntries(
        ['one', 'three'].map((id) => [id, done.find((d) => d.jobId === id)?.outcome]),
      );
      expect(outcomes).toEqual({ one: 'completed', three: 'failed' });
      expect(done.filter((d) => d.jobId === 'two').map((d) => d.outcome)).toEqual(['retrying', 'failed']);
      for (const d of done) {
        expect(d).toMatchObject({ queue: 'crawl', name: 'crawl' });
        expect(d.ms).toBeGreaterThanOrEqual(0);
      }
      expect(observed).toHaveLength(4);
      expect(observed[0]![0]).toBe('crawl');
      expect(observed.map(([, , labels]) => labels?.outcome).sort()).toEqual([
        'completed',
        'failed',
        'failed',
        'retrying',
      ]);
      expect(await (await queue.getJob('one'))!.returnvalue).toBe(10);
    } finally {
      await worker.close();
      await queue.close();
      connection.disconnect();
    }
  });
});
