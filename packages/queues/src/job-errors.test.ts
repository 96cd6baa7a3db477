import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { DelayedError, UnrecoverableError, WaitingChildrenError, type Job } from 'bullmq';
import { defineError, KumoError, type ErrorKind } from '@kumo/errors';
import { describe, expect, it } from 'vitest';
import { jobAttempt, retryTransient, translateJobError, type JobOutcome } from './job-errors.js';

const jobOn = (attemptsMade: number, attempts: number, stalledCounter = 0) =>
  ({ attemptsMade, stalledCounter, opts: { attempts } }) as unknown as Job;

class BadPage extends defineError('KUMO_TEST_BAD_PAGE', 'permanent') {}
class Timeout extends defineError('KUMO_TEST_TIMEOUT', 'transient') {}
class Broken extends defineError('KUMO_TEST_BROKEN', 'critical') {}

describe('jobAttempt', () => {
  it.each([
    [jobOn(0, 3), { number: 1, final: false, rerun: false }],
    [jobOn(1, 3), { number: 2, final: false, rerun: true }],
    [jobOn(2, 3), { number: 3, final: true, rerun: true }],
    [jobOn(0, 1, 1), { number: 1, final: true, rerun: true }],
    [{ attemptsMade: 0, stalledCounter: 0, opts: {} } as unknown as Job, { number: 1, final: true, rerun: false }],
  ])('%o → %o', (job, expected) => {
    expect(jobAttempt(job)).toEqual(expected);
  });
});

describe('translateJobError', () => {
  const cases: [string, unknown, Job, ErrorKind, JobOutcome][] = [
    ['a transient error with attempts left', new Timeout('slow'), jobOn(0, 3), 'transient', 'retrying'],
    ['a transient error on the last attempt', new Timeout('slow'), jobOn(2, 3), 'transient', 'failed'],
    ['an unknown error with attempts left', new Error('boom'), jobOn(0, 2), 'transient', 'retrying'],
    ['an unknown error on the last attempt', new Error('boom'), jobOn(1, 2), 'transient', 'failed'],
    ['a critical error with attempts left', new Broken('no dictionary'), jobOn(0, 2), 'critical', 'retrying'],
    ['BullMQ’s DelayedError', new DelayedError(), jobOn(0, 2), 'transient', 'delayed'],
    ['BullMQ’s WaitingChildrenError', new WaitingChildrenError(), jobOn(0, 2), 'transient', 'waiting-children'],
    ['BullMQ’s UnrecoverableError', new UnrecoverableError('bad input'), jobOn(0, 5), 'permanent', 'failed'],
  ];

  it.each(cases)('%s: hands BullMQ the error itself', (_what, error, job, kind, outcome) => {
    const verdict = translateJobError(error, job);
    expect(verdict).toEqual({ error, kind, outcome });
  });

  it('turns a permanent kumo error into BullMQ’s own UnrecoverableError, with the code, message and cause', () => {
    const error = new BadPage('malformed job data');
    const verdict = translateJobError(error, jobOn(0, 5));
    expect(verdict.kind).toBe('permanent');
    expect(verdict.outcome).toBe('failed');
    expect(verdict.error).toBeInstanceOf(UnrecoverableError);
    expect(verdict.error.message).toBe('malformed job data');
    expect(verdict.error.cause).toBe(error);
    expect((verdict.error as UnrecoverableError & { code: string }).code).toBe('KUMO_TEST_BAD_PAGE');
  });

  it('takes a kumo error of another package copy by its code and kind', () => {
    const copy = Object.assign(new Error('copied'), { code: 'KUMO_TEST_COPY', kind: 'permanent' });
    expect(translateJobError(copy, jobOn(0, 3)).error).toBeInstanceOf(UnrecoverableError);
    expect(new KumoError('KUMO_TEST_DEFAULT', 'default kind').kind).toBe('permanent');
  });

  it('wraps a thrown non-error so BullMQ records a message', () => {
    const verdict = translateJobError('a string', jobOn(0, 2));
    expect(verdict.error).toBeInstanceOf(Error);
    expect(verdict.error.message).toBe('a string');
  });
});

describe('retryTransient', () => {
  it('retries transient errors until the operation succeeds, publishing each retry', async () => {
    const retries: unknown[] = [];
    const listener = (message: unknown) => retries.push(message);
    subscribe('kumo:queues:retry', listener);
    let calls = 0;
    try {
      const result = await retryTransient(
        async () => {
          calls++;
          if (calls < 3) throw new Error('CLUSTERDOWN The cluster is down');
          return 'added';
        },
        { operation: 'test', baseDelayMs: 0 },
      );
      expect(result).toBe('added');
      expect(calls).toBe(3);
      expect(retries).toEqual([
        expect.objectContaining({ operation: 'test', attempt: 1 }),
        expect.objectContaining({ operation: 'test', attempt: 2 }),
      ]);
    } finally {
      unsubscribe('kumo:queues:retry', listener);
    }
  });

  it('passes other errors through at once', async () => {
    let calls = 0;
    const failure = new Error('ERR syntax error');
    await expect(
      retryTransient(
        async () => {
          calls++;
          throw failure;
        },
        { operation: 'test', baseDelayMs: 0 },
      ),
    ).rejects.toBe(failure);
    expect(calls).toBe(1);
  });

  it('gives up after the attempts with QueueUnavailableError carrying the last error', async () => {
    let calls = 0;
    const last = new Error('TRYAGAIN again');
    const error = await retryTransient(
      async () => {
        calls++;
        throw last;
      },
      { operation: 'addChildren(crawl)', attempts: 4, baseDelayMs: 0 },
    ).catch((caught: unknown) => caught);
    expect(calls).toBe(4);
    expect(error).toMatchObject({ code: 'KUMO_QUEUES_UNAVAILABLE', kind: 'transient', cause: last });
  });
});

describe('retryTransient over a failover', () => {
  it('keeps retrying past a handful of failures while its budget lasts', async () => {
    let calls = 0;
    const result = await retryTransient(
      async () => {
        calls++;
        if (calls <= 12) throw new Error(calls % 2 ? 'CLUSTERDOWN The cluster is down' : 'Connection is closed.');
        return 'added';
      },
      { operation: 'test', baseDelayMs: 1, maxDelayMs: 1, budgetMs: 60_000 },
    );
    expect(result).toBe('added');
    expect(calls).toBe(13);
  });

  it('gives up with QueueUnavailableError once the budget is spent', async () => {
    let calls = 0;
    const error = await retryTransient(
      async () => {
        calls++;
        throw new Error('MOVED 3999 127.0.0.1:6381');
      },
      { operation: 'addCrawlFlow', baseDelayMs: 5, maxDelayMs: 20, budgetMs: 150 },
    ).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'KUMO_QUEUES_UNAVAILABLE', kind: 'transient' });
    expect((error as Error).message).toMatch(/^addCrawlFlow failed after \d+ tries in \d+ ms$/);
    expect(calls).toBeGreaterThan(2);
  });
});
