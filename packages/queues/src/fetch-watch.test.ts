import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { KeySpace } from '@kumo/keyspace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis } from './__fixtures__/redis.js';
import { testSetup } from './__fixtures__/setup.js';
import { FetchWatch, QueueKeys } from './fetch-watch.js';
import { KumoBullWorker, type KumoBullWorkerOptions } from './kumo-bull-worker.js';

// One worker of a queue waits for its delayed jobs while the others sleep (issue 14, lesson 1): with two crawl
// processes, the one that did not take a polite host's job woke for it all the same, a third of the job's cost.
let redis: Awaited<ReturnType<typeof startTestRedis>>;

beforeAll(async () => {
  redis = await startTestRedis();
});

afterAll(async () => {
  await redis.stop();
});

function setup() {
  const { config, connection } = testSetup(redis.url, { WORKER_LIVENESS_CHECK_MS: '0' });
  const keySpace = new KeySpace({ prefix: config.KUMO_PREFIX });
  const prefix = keySpace.queuePrefix();
  const queue = new Queue('crawl', { connection, prefix });
  const watchOf = (workerId: string, claimMs = 2000, graceMs = 150) =>
    new FetchWatch({ connection, keySpace, queueName: 'crawl', workerId, claimMs, graceMs });
  return { connection, keySpace, prefix, queue, watchOf };
}

type Started = { worker: string; at: number };

/** A worker of the test's queue that records which worker started each job and when, and holds it `holdMs`. */
function watchedWorker(
  name: string,
  context: ReturnType<typeof setup>,
  started: Map<string, Started>,
  options: { claimMs?: number; holdMs?: number; concurrency?: number } = {},
) {
  const workerOptions: KumoBullWorkerOptions = {
    connection: context.connection,
    prefix: context.prefix,
    concurrency: options.concurrency ?? 1,
    drainDelay: 1,
    autorun: false,
    fetchWatch: (workerId) => context.watchOf(workerId, options.claimMs),
  };
  const worker = new KumoBullWorker<{ n: number }, number>(
    'crawl',
    async (job) => {
      started.set(job.id!, { worker: name, at: Date.now() });
      if (options.holdMs) await sleep(options.holdMs);
      return job.data.n;
    },
    workerOptions,
  );
  const backend = (worker as unknown as { backend: { moveToActive(...args: unknown[]): Promise<unknown> } }).backend;
  const moveToActive = backend.moveToActive.bind(backend);
  const counter = { looks: 0 };
  backend.moveToActive = (...args) => {
    counter.looks++;
    return moveToActive(...args);
  };
  return { worker, counter };
}

/**
 * Two watched workers of one queue, `a` and `b` (see `watchedWorker`), running for `body` and closed after it with
 * the queue and connection; `started` records which one started each job, and when.
 */
async function withTwoWorkers(
  options: Parameters<typeof watchedWorker>[3],
  body: (run: {
    context: ReturnType<typeof setup>;
    started: Map<string, Started>;
    a: ReturnType<typeof watchedWorker>;
    b: ReturnType<typeof watchedWorker>;
  }) => Promise<void>,
): Promise<void> {
  const context = setup();
  const started = new Map<string, Started>();
  const a = watchedWorker('a', context, started, options);
  const b = watchedWorker('b', context, started, options);
  try {
    void a.worker.run();
    void b.worker.run();
    await sleep(100);
    await body({ context, started, a, b });
  } finally {
    await Promise.all([a.worker.close(), b.worker.close()]);
    await context.queue.close();
    context.connection.disconnect();
  }
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  for (const end = Date.now() + timeoutMs; !condition() && Date.now() < end;) await sleep(10);
}

describe('FetchWatch', { timeout: 30_000 }, () => {
  it('gives the watch to one worker at a time, for its claim, then to another before its last holder', async () => {
    const { connection, keySpace, watchOf } = setup();
    const a = watchOf('a', 300, 150);
    const b = watchOf('b', 300, 150);
    try {
      expect(await a.claim()).toMatchObject({ role: 'holder', ms: 300 });
      expect(a.holding).toBe(true);
      const asleep = await b.claim();
      expect(asleep.role).toBe('sleeper');
      expect(asleep.ms).toBeGreaterThan(200);
      expect(asleep.ms).toBeLessThanOrEqual(300);
      // The key is the lock purpose's, with a TTL (the claim plus the grace).
      const key = new QueueKeys(keySpace).fetchWatch('crawl');
      expect(await connection.get(key)).toMatch(/^a\|\d+$/);
      expect(await connection.pttl(key)).toBeGreaterThan(0);

      await sleep(310);
      // Its claim over, the last holder waits without the watch for the grace, and the other one takes it.
      expect((await a.claim()).role).toBe('unheld');
      expect(await b.claim()).toMatchObject({ role: 'holder', ms: 300 });
      expect((await a.claim()).role).toBe('sleeper');
      // Nobody but the holder gives it back.
      await a.release();
      expect(await connection.get(key)).toMatch(/^b\|/);
      await b.release();
      expect(await connection.get(key)).toBeNull();
      expect(await a.claim()).toMatchObject({ role: 'holder', ms: 300 });
    } finally {
      connection.disconnect();
    }
  });

  it('keeps at most one wake-up waiting, with a TTL, and sends one only while holding the watch', async () => {
    const { connection, keySpace, watchOf } = setup();
    const wakeKey = new QueueKeys(keySpace).fetchWake('crawl');
    const a = watchOf('a', 1000);
    try {
      a.wakeOne();
      await sleep(50);
      expect(await connection.llen(wakeKey)).toBe(0);
      await a.claim();
      for (let i = 0; i < 3; i++) {
        a.wakeOne();
        await sleep(60);
      }
      expect(await connection.llen(wakeKey)).toBe(1);
      expect(await connection.pttl(wakeKey)).toBeGreaterThan(0);
    } finally {
      connection.disconnect();
    }
  });
});

describe('KumoBullWorker with a fetch watch', { timeout: 30_000 }, () => {
  it('runs delayed jobs on time while the other worker sleeps through them', async () => {
    await withTwoWorkers({}, async ({ context, started, a, b }) => {
      const added = Date.now();
      const jobs = Array.from({ length: 10 }, (_, n) => ({
        name: 'crawl',
        data: { n },
        opts: { jobId: `j${n}`, delay: 200 + n * 120 },
      }));
      await context.queue.addBulk(jobs);
      await until(() => started.size === jobs.length, 5000);
      expect(started.size).toBe(jobs.length);
      for (const job of jobs) expect(started.get(job.opts.jobId)!.at).toBeGreaterThanOrEqual(added + job.opts.delay);
      // Without the watch each worker looked for every job (at least 10 times each); now the sleeper looks about once
      // per claim (2 s) and the holder about twice per job.
      const looks = [a.counter.looks, b.counter.looks].sort((x, y) => x - y);
      expect(looks[0]).toBeLessThanOrEqual(4);
      // The holder took each job when it came due, not the sleeper at the claim's end (2 s).
      for (const job of jobs) expect(started.get(job.opts.jobId)!.at).toBeLessThan(added + job.opts.delay + 250);
    });
  });

  it('hands the watch on when a claim ends, so both workers take jobs', async () => {
    await withTwoWorkers({ claimMs: 300 }, async ({ context, started }) => {
      const jobs = Array.from({ length: 16 }, (_, n) => ({
        name: 'crawl',
        data: { n },
        opts: { jobId: `j${n}`, delay: 100 + n * 100 },
      }));
      await context.queue.addBulk(jobs);
      await until(() => started.size === jobs.length, 6000);
      expect(started.size).toBe(jobs.length);
      const byWorker = new Set([...started.values()].map(({ worker }) => worker));
      expect([...byWorker].sort()).toEqual(['a', 'b']);
    });
  });

  it('wakes the sleeper when there is more work than the holder takes alone', async () => {
    // Claims of 10 s: only a wake-up gets the sleeper to take a job within the test.
    await withTwoWorkers({ claimMs: 10_000, holdMs: 400 }, async ({ context, started }) => {
      await context.queue.add('crawl', { n: 0 }, { jobId: 'first', delay: 200 });
      await until(() => started.size === 1, 3000);
      const holder = started.get('first')!.worker;
      // Four jobs due at once: the holder takes one at a time (concurrency 1) and wakes the other.
      const added = Date.now();
      await context.queue.addBulk(
        Array.from({ length: 4 }, (_, n) => ({ name: 'crawl', data: { n }, opts: { jobId: `burst${n}`, delay: 300 } })),
      );
      await until(() => started.size === 5, 5000);
      const helpers = [...started.entries()].filter(([id, { worker }]) => id !== 'first' && worker !== holder);
      expect(helpers.length).toBeGreaterThan(0);
      expect(Math.min(...helpers.map(([, { at }]) => at))).toBeLessThan(added + 2000);
    });
  });

  it('gives the watch back on close: the other worker takes the next delayed job on time', async () => {
    await withTwoWorkers({ claimMs: 10_000 }, async ({ context, started, a, b }) => {
      await context.queue.add('crawl', { n: 0 }, { jobId: 'first', delay: 200 });
      await until(() => started.size === 1, 3000);
      const holder = started.get('first')!.worker === 'a' ? a : b;
      const added = Date.now();
      await context.queue.add('crawl', { n: 1 }, { jobId: 'second', delay: 600 });
      await sleep(100);
      await holder.worker.close();
      await until(() => started.size === 2, 5000);
      expect(started.get('second')!.at).toBeLessThan(added + 600 + 500);
    });
  });
});
