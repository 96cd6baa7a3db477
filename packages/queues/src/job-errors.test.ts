import { DelayedError, UnrecoverableError, WaitingChildrenError, type Job } from 'bullmq';
import { defineError, KumoError, type ErrorKind } from '@kumo/errors';
import { describe, expect, it } from 'vitest';
import { jobAttempt, translateJobError, type JobOutcome } from './job-errors.js';

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
