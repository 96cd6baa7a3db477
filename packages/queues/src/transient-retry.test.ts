import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { describe, expect, it } from 'vitest';
import { retryTransient } from './transient-retry.js';

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
