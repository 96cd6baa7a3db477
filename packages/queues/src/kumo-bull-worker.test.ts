import { setTimeout as sleep } from 'node:timers/promises';
import { Queue, RedisQueueBackend } from 'bullmq';
import { KeySpace } from '@kumo/keyspace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BusyOnlyLockManager } from './busy-only-lock-manager.js';
import { startTestRedis } from './__fixtures__/redis.js';
import { deferred, testSetup } from './__fixtures__/setup.js';
import { IDLE_STALLED_INTERVAL_MS, KumoBullWorker, type KumoBullWorkerOptions } from './kumo-bull-worker.js';
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
  const prefix = new KeySpace({ prefix: config.KUMO_PREFIX }).queuePrefix();
  const queue = new Queue('crawl', { connection, prefix });
  /** Closes the test's worker, then its queue and connection. */
  const closeAll = async (worker: { close(): Promise<void> }) => {
    await worker.close();
    await queue.close();
    connection.disconnect();
  };
  return { config, connection, queue, prefix, closeAll };
}

/** A worker of one job at a time, blocking 1 s per fetch, waiting on a timer for delayed jobs due within `ms`. */
function shortWaitOptions(
  connection: KumoBullWorkerOptions['connection'],
  prefix: string,
  ms: number,
): KumoBullWorkerOptions {
  return { connection, prefix, concurrency: 1, drainDelay: 1, shortDelayWaitMs: ms, autorun: false };
}

/** A worker that returns its job's `n`, waiting on a timer for delayed jobs due within 2 s (`shortWaitOptions`). */
function shortWaitWorker(connection: KumoBullWorkerOptions['connection'], prefix: string) {
  return new KumoBullWorker<{ n: number }, number>(
    'crawl',
    async (job) => job.data.n,
    shortWaitOptions(connection, prefix, 2000),
  );
}

/** Counts the calls of one of a worker's backend methods (BullMQ's private fetch primitives) from now on. */
function countCalls<D, R>(worker: KumoBullWorker<D, R>, method: 'moveToActive' | 'waitForJob'): { calls: number } {
  const backend = (worker as unknown as { backend: Record<string, (...args: unknown[]) => Promise<unknown>> }).backend;
  const original = backend[method]!.bind(backend);
  const counter = { calls: 0 };
  backend[method] = (...args) => {
    counter.calls++;
    return original(...args);
  };
  return counter;
}

/** Starts a worker created with `autorun: false` and resolves once it has found its queue empty. */
async function runUntilDrained<D, R>(worker: KumoBullWorker<D, R>): Promise<void> {
  const drained = new Promise<void>((resolve) => worker.once('drained', () => resolve()));
  void worker.run();
  await drained;
}

/** The short wait under way in a worker (see SHORT_DELAY_WAIT_MS), if any. */
const shortWaitOf = (worker: unknown) => (worker as { idle?: { shortWait?: AbortController } }).idle?.shortWait;

const lockManagerOf = (worker: unknown) => (worker as { lockManager: BusyOnlyLockManager }).lockManager;

describe('KumoBullWorker timers', { timeout: 30_000 }, () => {
  it('arms lock renewal only while it holds a job, and still renews a lock past lockDuration', async () => {
    const { config, connection, queue, closeAll } = setup();
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
      await closeAll(worker);
    }
  });

  it('checks for stalled jobs every stalledInterval while jobs are active, else at the idle pace', async () => {
    const { config, connection, queue, closeAll } = setup();
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
      await closeAll(worker);
    }
  });
});

describe('KumoBullWorker idle fetch', { timeout: 30_000 }, () => {
  // BullMQ follows each timed-out blocking fetch with a moveToActive round trip, in case a job waits without the
  // marker that wakes the fetch. kumo does that look at the idle pace; a marked job still starts at once.
  it('looks for an unmarked job only every idleFetchIntervalMs, still finds one, and starts a marked job at once', async () => {
    const { connection, queue, prefix, closeAll } = setup();
    const started = new Map<string, number>();
    const options: KumoBullWorkerOptions = {
      connection,
      prefix,
      concurrency: 1,
      drainDelay: 1,
      idleFetchIntervalMs: 4000,
      autorun: false,
    };
    const worker = new KumoBullWorker<{ n: number }, number>(
      'crawl',
      async (job) => {
        started.set(job.id!, Date.now());
        return job.data.n;
      },
      options,
    );
    const looks = countCalls(worker, 'moveToActive');
    try {
      await runUntilDrained(worker);
      const waitsBefore = worker.fetchWaits;
      looks.calls = 0;
      await sleep(3500);
      // Three blocking fetches timed out (drainDelay 1 s); BullMQ alone would have looked after each.
      expect(worker.fetchWaits - waitsBefore).toBeGreaterThanOrEqual(2);
      expect(looks.calls).toBeLessThanOrEqual(1);

      // A job in `wait` with no marker (as when the process that popped the marker died): found by the next look.
      const id = 'unmarked';
      await connection
        .multi()
        .hset(`${prefix}:crawl:${id}`, {
          name: 'crawl',
          data: JSON.stringify({ n: 1 }),
          opts: '{}',
          timestamp: String(Date.now()),
          delay: '0',
          priority: '0',
        })
        .lpush(`${prefix}:crawl:wait`, id)
        .del(`${prefix}:crawl:marker`)
        .exec();
      for (let i = 0; i < 120 && !started.has(id); i++) await sleep(100);
      expect(started.has(id)).toBe(true);

      // A job added the ordinary way sets the marker: the blocked fetch returns at once, no look is skipped.
      await sleep(1500);
      const added = Date.now();
      await queue.add('crawl', { n: 2 }, { jobId: 'marked' });
      for (let i = 0; i < 100 && !started.has('marked'); i++) await sleep(20);
      expect(started.get('marked')! - added).toBeLessThan(1000);
    } finally {
      await closeAll(worker);
    }
  });

  // Redis ends a blocking fetch's timeout on its next `hz` tick, so a delayed job due soon is waited for on a timer.
  it('waits for a delayed job due within shortDelayWaitMs on a timer, not a blocking fetch, and never early', async () => {
    const { connection, queue, prefix, closeAll } = setup();
    const started = new Map<string, number>();
    let fetchesAtStart = -1;
    const worker = new KumoBullWorker<{ n: number }, number>(
      'crawl',
      async (job) => {
        started.set(job.id!, Date.now());
        fetchesAtStart = blockingFetches.calls;
        return job.data.n;
      },
      shortWaitOptions(connection, prefix, 500),
    );
    const blockingFetches = countCalls(worker, 'waitForJob');
    try {
      await runUntilDrained(worker);
      const added = Date.now();
      await queue.add('crawl', { n: 1 }, { jobId: 'soon', delay: 300 });
      // The fetch under way returns with the job's marker, and the worker then waits on its timer.
      for (let i = 0; i < 100 && shortWaitOf(worker) === undefined && !started.has('soon'); i++) await sleep(5);
      const waitedOnTimer = shortWaitOf(worker) !== undefined;
      const fetchesWhileWaiting = blockingFetches.calls;
      for (let i = 0; i < 100 && !started.has('soon'); i++) await sleep(20);
      expect(waitedOnTimer).toBe(true);
      expect(started.has('soon')).toBe(true);
      expect(fetchesAtStart).toBe(fetchesWhileWaiting);
      expect(started.get('soon')!).toBeGreaterThanOrEqual(added + 300 - 2);
    } finally {
      await closeAll(worker);
    }
  });

  // BullMQ looks for a second job before it runs the first; after a delayed job that look waits for the job's end.
  it('looks for the next job once a delayed job it took has ended, and starts a job due meanwhile on time', async () => {
    const { connection, queue, prefix, closeAll } = setup();
    const started = new Map<string, number>();
    const worker = new KumoBullWorker<{ n: number; ms: number }, number>(
      'crawl',
      async (job) => {
        started.set(job.id!, Date.now());
        await sleep(job.data.ms);
        return job.data.n;
      },
      { ...shortWaitOptions(connection, prefix, 500), concurrency: 2 },
    );
    const looks = countCalls(worker, 'moveToActive');
    try {
      await runUntilDrained(worker);
      const added = Date.now();
      const quick = Array.from({ length: 8 }, (_, n) => ({
        name: 'crawl',
        data: { n, ms: 5 },
        opts: { jobId: `quick${n}`, delay: 150 + n * 120 },
      }));
      await queue.addBulk(quick);
      for (let i = 0; i < 300 && started.size < quick.length; i++) await sleep(10);
      expect(started.size).toBe(quick.length);
      // One look per job (BullMQ's own loop: two), and the first one after the worker drained.
      expect(looks.calls).toBeLessThanOrEqual(quick.length + 2);
      for (const job of quick) expect(started.get(job.opts.jobId)!).toBeGreaterThanOrEqual(added + job.opts.delay);

      // A long job: the look is not put off past LOOK_AFTER_JOB_MS, so a job due meanwhile starts on time.
      const longAdded = Date.now();
      await queue.add('crawl', { n: 100, ms: 400 }, { jobId: 'long', delay: 100 });
      await queue.add('crawl', { n: 101, ms: 5 }, { jobId: 'meanwhile', delay: 200 });
      for (let i = 0; i < 300 && !started.has('meanwhile'); i++) await sleep(10);
      expect(started.get('meanwhile')!).toBeGreaterThanOrEqual(longAdded + 200);
      // Put off until the long job's end, it would start ~300 ms late.
      expect(started.get('meanwhile')!).toBeLessThan(longAdded + 200 + 200);
    } finally {
      await closeAll(worker);
    }
  });

  it('takes no job when closed during a short wait', async () => {
    const { connection, queue, prefix, closeAll } = setup();
    const worker = shortWaitWorker(connection, prefix);
    try {
      await runUntilDrained(worker);
      await queue.add('crawl', { n: 1 }, { jobId: 'later', delay: 1500 });
      for (let i = 0; i < 100 && shortWaitOf(worker) === undefined; i++) await sleep(10);
      expect(shortWaitOf(worker)).toBeDefined();
      await worker.close();
      expect(await queue.getJobState('later')).toBe('delayed');
    } finally {
      await closeAll(worker);
    }
  });

  // What the liveness watchdog names when a loop is wedged (KUMO_QUEUES_WORKER_STUCK).
  it('says what its fetch loop awaits: a blocking fetch while idle, a timer for a due-soon delayed job', async () => {
    const { connection, queue, prefix, closeAll } = setup();
    const worker = shortWaitWorker(connection, prefix);
    const phases = () => worker.fetchState().pending.map(({ phase }) => phase);
    try {
      await runUntilDrained(worker);
      for (let i = 0; i < 100 && phases()[0] !== 'blocking fetch'; i++) await sleep(10);
      expect(worker.fetchState()).toMatchObject({ pending: [{ phase: 'blocking fetch' }], blockingStatus: 'ready' });
      await sleep(50);
      expect(worker.fetchState().pending[0]!.forMs).toBeGreaterThanOrEqual(40);
      await queue.add('crawl', { n: 1 }, { jobId: 'later', delay: 1500 });
      for (let i = 0; i < 100 && shortWaitOf(worker) === undefined; i++) await sleep(10);
      expect(phases()).toEqual(['timer for a delayed job']);
    } finally {
      await closeAll(worker);
    }
  });

  it("wraps BullMQ's private fetch (the pinned version's names)", () => {
    expect(Object.prototype.hasOwnProperty.call(KumoBullWorker.prototype, 'waitForJob')).toBe(true);
    for (const method of ['waitForJob', 'moveToActive', 'reconnectBlocking']) {
      expect(typeof (RedisQueueBackend.prototype as unknown as Record<string, unknown>)[method]).toBe('function');
    }
  });
});
