import { describe, expect, it } from 'vitest';
import { isRedisUnavailable, isWriteRefused } from './redis-failure.js';

const named = (name: string, message: string) => Object.assign(new Error(message), { name });

describe('isRedisUnavailable', () => {
  it.each([
    [new Error('MOVED 3999 127.0.0.1:6381'), true],
    [new Error('CLUSTERDOWN The cluster is down'), true],
    [new Error('TRYAGAIN Multiple keys request during rehashing of slot'), true],
    [new Error('LOADING Redis is loading the dataset in memory'), true],
    [new Error('Connection is closed.'), true],
    [new Error('connect ECONNREFUSED 127.0.0.1:6379'), true],
    [named('MaxRetriesPerRequestError', 'Reached the max retries per request limit'), true],
    [new Error('Too many Cluster redirections. Last error: Error: Connection is closed.'), true],
    [new Error("Cluster isn't ready and enableOfflineQueue options is false"), true],
    [new Error('Failed to refresh slots cache.'), true],
    [new Error('ERR wrong number of arguments'), false],
    [new Error('Custom Ids cannot be integers'), false],
    ['MOVED as a string', false],
  ])('%s → %s', (error, expected) => {
    expect(isRedisUnavailable(error)).toBe(expected);
  });
});

describe('isWriteRefused', () => {
  it.each([
    [new Error("OOM command not allowed when used memory > 'maxmemory'."), true],
    [new Error("READONLY You can't write against a read only replica."), true],
    [new Error('MISCONF Redis is configured to save RDB snapshots, but it is currently not able to persist'), true],
    [new Error('script x failed', { cause: new Error('OOM command not allowed') }), true],
    [Object.assign(new Error('EXECABORT'), { previousErrors: [new Error('READONLY no')] }), true],
    [new Error('connect ECONNREFUSED 127.0.0.1:6379'), false],
    [new Error('Connection is closed.'), false],
    [new Error('MASTERDOWN Link with MASTER is down'), false],
    [new Error('WRONGTYPE Operation against a key holding the wrong kind of value'), false],
  ])('%s → %s', (error, expected) => {
    expect(isWriteRefused(error)).toBe(expected);
  });
});
