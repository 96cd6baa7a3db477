import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Queue, type Worker } from 'bullmq';
import { defineError } from '@kumo/errors';
import { createRedisClient, KeySpace } from '@kumo/keyspace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis } from './__fixtures__/redis.js';
import { deferred, testSetup } from './__fixtures__/setup.js';
import type { WorkerStuckError } from './errors.js';
import { UnrecoverableError } from './index.js';
import { KumoBullWorker } from './kumo-bull-worker.js';
import { watchLiveness } from './liveness-watchdog.js';
import { BLOCK_TIMEOUT_S, createKumoWorker, type JobDone, type WorkerEvent } from './worker.js';

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
      expect(worker.opts).toMatchObject({
        lockDuration: 7000,
        maxStalledCount: 2,
        concurrency: 2,
        drainDelay: BLOCK_TIMEOUT_S,
      });
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

describe('the error policy of createKumoWorker', { timeout: 30_000 }, () => {
  class BadInput extends defineError('KUMO_TEST_BAD_INPUT', 'permanent') {}
  class Broken extends defineError('KUMO_TEST_BROKEN', 'critical') {}

  it('fails a permanent error at once as BullMQ’s UnrecoverableError and counts it failed, not retrying', async () => {
    const { config, connection } = testSetup(redis.url);
    const queue = new Queue('crawl', {
      connection,
      prefix: new KeySpace({ prefix: config.KUMO_PREFIX }).queuePrefix(),
    });
    const done = deferred<JobDone>();
    const failed = deferred<Error>();
    const worker = createKumoWorker<{ n: number }, number>(
      'crawl',
      async () => {
        throw new BadInput('malformed job data');
      },
      { connection, config, concurrency: 1, onJobDone: (result) => done.resolve(result) },
    );
    worker.on('failed', (_job, error) => failed.resolve(error));
    try {
      await queue.add('crawl', { n: 1 }, { jobId: 'bad', attempts: 5 });
      expect((await done.promise).outcome).toBe('failed');
      const error = await failed.promise;
      expect(error).toBeInstanceOf(UnrecoverableError);
      expect(error.cause).toBeInstanceOf(BadInput);
      const job = await queue.getJob('bad');
      expect(await job!.getState()).toBe('failed');
      expect(job!.attemptsMade).toBe(1);
      expect(job!.failedReason).toBe('malformed job data');
    } finally {
      await worker.close();
      await queue.close();
      connection.disconnect();
    }
  });

  it('stops the worker on a critical error and calls onCritical once; the job is left to another process', async () => {
    const { config, connection } = testSetup(redis.url);
    const queue = new Queue('crawl', {
      connection,
      prefix: new KeySpace({ prefix: config.KUMO_PREFIX }).queuePrefix(),
    });
    const critical: Error[] = [];
    const events: WorkerEvent['type'][] = [];
    const stopped = deferred<void>();
    const worker = createKumoWorker<{ n: number }, number>(
      'crawl',
      async () => {
        throw new Broken('the dictionary is unreadable');
      },
      {
        connection,
        config,
        concurrency: 1,
        onEvent: (event) => events.push(event.type),
        onCritical: (error) => critical.push(error),
      },
    );
    worker.once('closed', () => stopped.resolve());
    try {
      await queue.addBulk([1, 2].map((n) => ({ name: 'crawl', data: { n }, opts: { jobId: `c${n}`, attempts: 3 } })));
      await stopped.promise;
      expect(critical).toHaveLength(1);
      expect(critical[0]).toBeInstanceOf(Broken);
      expect(events).toContain('critical');
      // The first job's attempt is recorded and it waits to run again elsewhere; the second was never taken.
      const [first, second] = [await queue.getJob('c1'), await queue.getJob('c2')];
      expect([await first!.getState(), first!.attemptsMade]).toEqual(['waiting', 1]);
      expect([await second!.getState(), second!.attemptsMade]).toEqual(['waiting', 0]);
    } finally {
      await worker.close();
      await queue.close();
      connection.disconnect();
    }
  });
});

describe('the liveness check of createKumoWorker', { timeout: 30_000 }, () => {
  const setup = () => {
    const { config, connection } = testSetup(redis.url, { WORKER_LIVENESS_CHECK_MS: '200' });
    const queue = new Queue('crawl', {
      connection,
      prefix: new KeySpace({ prefix: config.KUMO_PREFIX }).queuePrefix(),
    });
    const events: WorkerEvent['type'][] = [];
    const stuck: WorkerStuckError[] = [];
    const logged: object[] = [];
    const options = {
      connection,
      config,
      logger: { warn: () => undefined, error: (object: object) => logged.push(object) },
      onEvent: (event: WorkerEvent) => events.push(event.type),
      onStuck: (error: WorkerStuckError) => stuck.push(error),
    };
    const close = async (worker: Worker) => {
      await worker.close(true);
      await queue.close();
      connection.disconnect();
    };
    return { queue, events, stuck, logged, options, close };
  };

  it('closes a worker whose fetch loop hangs while jobs wait, and reports KUMO_QUEUES_WORKER_STUCK', async () => {
    const { queue, events, logged, options, close } = setup();
    const reported = deferred<WorkerStuckError>();
    const worker = createKumoWorker('crawl', async () => 'done', {
      ...options,
      concurrency: 2,
      autorun: false,
      onStuck: (error) => reported.resolve(error),
    });
    try {
      // What a blocking connection that never comes back looks like to BullMQ's loop: a blocking fetch that never
      // settles.
      const backend = (worker as unknown as { backend: { waitForJob: () => Promise<unknown> } }).backend;
      backend.waitForJob = () => new Promise(() => {});
      const drained = new Promise<void>((resolve) => worker.once('drained', () => resolve()));
      void worker.run();
      await drained;
      await queue.add('crawl', { n: 1 }, { jobId: 'waits' });
      const error = await reported.promise;
      expect(error).toMatchObject({ code: 'KUMO_QUEUES_WORKER_STUCK', kind: 'critical' });
      // The error says where the loop hangs, for whoever reads the log.
      expect(error.message).toMatch(/wedged \(awaiting blocking fetch for \d+\.\d s; blocking connection ready\)/);
      expect(events).toContain('stuck');
      expect(logged).toContainEqual(expect.objectContaining({ code: 'KUMO_QUEUES_WORKER_STUCK', queue: 'crawl' }));
      expect(worker.closing).toBeDefined();
      expect(await queue.getJobState('waits')).toBe('waiting');
    } finally {
      await close(worker);
    }
  });

  it('leaves a worker alone that is busy, paused, or has nothing to do', async () => {
    const { queue, events, stuck, options, close } = setup();
    const finished = deferred<void>();
    let processed = 0;
    const worker = createKumoWorker(
      'crawl',
      async () => {
        // Busy longer than two checks: jobs wait, but the only slot is taken.
        await sleep(700);
        if (++processed === 3) finished.resolve();
        return 'done';
      },
      { ...options, concurrency: 1 },
    );
    try {
      await sleep(600); // idle with an empty queue for a few checks
      await queue.addBulk([1, 2, 3].map((n) => ({ name: 'crawl', data: { n } })));
      await finished.promise;
      await worker.pause();
      await queue.add('crawl', { n: 4 }, { jobId: 'while-paused' });
      await sleep(1000); // paused with a job waiting for several checks
      expect(await queue.getJobState('while-paused')).toBe('waiting');
      expect(stuck).toEqual([]);
      expect(events).not.toContain('stuck');
      expect(worker.closing).toBeUndefined();
    } finally {
      await close(worker);
    }
  });
});

describe('the liveness check of an idle worker', { timeout: 30_000 }, () => {
  // Lesson 1: the check must not wake Redis while the fetch loop shows it is alive by returning from its fetches.
  it.each([
    ['reads nothing while the fetch loop returns from its blocking fetches', true, 0],
    ['reads the queue at each check when it cannot see the fetch loop', false, 2],
  ])('%s', async (_name, seesFetches, minimumReads) => {
    const { config, connection } = testSetup(redis.url);
    const prefix = new KeySpace({ prefix: config.KUMO_PREFIX }).queuePrefix();
    const worker = new KumoBullWorker('crawl', async () => 'done', { connection, prefix, drainDelay: 1 });
    let reads = 0;
    // BullMQ's getCounts script is the check's read (on the worker's connection): its arguments name the states.
    const send = connection.sendCommand.bind(connection);
    connection.sendCommand = ((command: { args: unknown[] }, stream?: unknown) => {
      if (command.args.some((arg) => String(arg) === 'prioritized')) reads++;
      return send(command as never, stream as never);
    }) as typeof connection.sendCommand;
    const stuck: unknown[] = [];
    try {
      await worker.waitUntilReady();
      watchLiveness(worker, {
        queueName: 'crawl',
        prefix,
        connection,
        checkMs: 1500,
        concurrency: 1,
        counters: () => ({ started: 0, inFlight: 0, ...(seesFetches ? { fetchWaits: worker.fetchWaits } : {}) }),
        onStuck: (error) => stuck.push(error),
      });
      await sleep(6000);
      if (seesFetches) expect(reads).toBe(0);
      else expect(reads).toBeGreaterThanOrEqual(minimumReads);
      expect(stuck).toEqual([]);
    } finally {
      await worker.close();
      connection.disconnect();
    }
  });
});

describe('the liveness check while Redis refuses writes', { timeout: 30_000 }, () => {
  it('leaves alone a worker whose fetches a full Redis refuses: it is not wedged, and takes the job once Redis frees', async () => {
    const { config, connection } = testSetup(redis.url, { WORKER_LIVENESS_CHECK_MS: '200' });
    const admin = createRedisClient(redis.url, { connectionName: 'kumo:test:admin' });
    const queue = new Queue('crawl', {
      connection,
      prefix: new KeySpace({ prefix: config.KUMO_PREFIX }).queuePrefix(),
    });
    const stuck: WorkerStuckError[] = [];
    const done = deferred<void>();
    const worker = createKumoWorker(
      'crawl',
      async () => {
        done.resolve();
        return 'done';
      },
      { connection, config, concurrency: 1, autorun: false, onStuck: (error) => stuck.push(error) },
    );
    try {
      await queue.add('crawl', { n: 1 }, { jobId: 'waits-for-memory' });
      // Full under noeviction: the job waits, readable, but taking it (a write) is refused.
      await admin.call('CONFIG', 'SET', 'maxmemory', '1');
      void worker.run();
      await sleep(1500); // several checks with a job waiting and the slot free
      expect(stuck).toEqual([]);
      await admin.call('CONFIG', 'SET', 'maxmemory', '0');
      await done.promise;
      expect(stuck).toEqual([]);
    } finally {
      await admin.call('CONFIG', 'SET', 'maxmemory', '0');
      await admin.quit();
      await worker.close(true);
      await queue.close();
      connection.disconnect();
    }
  });
});

describe('the liveness check by default', { timeout: 60_000 }, () => {
  it('stops its process with SIGTERM (graceful shutdown; the supervisor starts a fresh one)', async () => {
    const fixture = fileURLToPath(new URL('./__fixtures__/stuck-worker.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions', 'kumo-source', fixture, redis.url], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', (exitCode) => resolve(exitCode)));
    const lines = output.split('\n').filter(Boolean);
    expect(
      lines.some((line) => line.includes('"code":"KUMO_QUEUES_WORKER_STUCK"')),
      output,
    ).toBe(true);
    expect(lines.at(-1), output).toBe('SIGTERM');
    expect(code).toBe(0);
  });
});
