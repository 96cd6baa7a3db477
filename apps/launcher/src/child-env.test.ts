import { loadConfig } from '@kumo/config';
import { describe, expect, it } from 'vitest';
import { buildChildEnv } from './child-env.js';
import { resolveCredentials } from './credentials.js';

describe('resolveCredentials', () => {
  it('generates a key and board credentials when none are given, different each time', () => {
    const first = resolveCredentials({});
    const second = resolveCredentials({});
    expect(first.apiKeys).toHaveLength(1);
    expect(first.apiKeys[0]).toMatch(/^kumo_[A-Za-z0-9_-]{43}$/);
    expect(first.boardUser).toBe('admin');
    expect(first.boardPassword).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(first.generated).toEqual({ apiKey: true, board: true });
    expect(second.apiKeys[0]).not.toBe(first.apiKeys[0]);
    expect(second.boardPassword).not.toBe(first.boardPassword);
  });

  it.each([
    [{ apiKeys: ['a', 'b'] }, { apiKeys: ['a', 'b'], boardUser: 'admin' }, { apiKey: false, board: true }],
    [{ apiKeys: [] }, { boardUser: 'admin' }, { apiKey: true, board: true }],
    [{ boardUser: 'ops' }, { boardUser: 'ops' }, { apiKey: true, board: true }],
    [
      { apiKeys: ['k'], boardUser: 'ops', boardPassword: 'long-enough' },
      { apiKeys: ['k'], boardUser: 'ops', boardPassword: 'long-enough' },
      { apiKey: false, board: false },
    ],
  ])('keeps what is given: %j', (given, expected, generated) => {
    const credentials = resolveCredentials(given);
    expect(credentials).toMatchObject(expected);
    expect(credentials.generated).toEqual(generated);
  });
});

describe('resolveCredentials with what an earlier local run kept (#20)', () => {
  const stored = { apiKey: 'kumo_kept', boardUser: 'admin', boardPassword: 'kept-password' };

  it('reuses the kept key and board login when none are configured', () => {
    const credentials = resolveCredentials({}, stored);
    expect(credentials).toMatchObject({ apiKeys: ['kumo_kept'], boardUser: 'admin', boardPassword: 'kept-password' });
    expect(credentials.kept).toEqual({ apiKey: true, board: true });
    expect(credentials.generated).toEqual({ apiKey: false, board: false });
  });

  it('configured credentials win over kept ones (production is unchanged)', () => {
    const credentials = resolveCredentials({ apiKeys: ['k'], boardUser: 'ops', boardPassword: 'given-pw' }, stored);
    expect(credentials).toMatchObject({ apiKeys: ['k'], boardUser: 'ops', boardPassword: 'given-pw' });
    expect(credentials.kept).toEqual({ apiKey: false, board: false });
  });

  it('a kept password is reused only for its own user', () => {
    expect(resolveCredentials({ boardUser: 'ops' }, stored)).toMatchObject({
      boardUser: 'ops',
      kept: { board: false },
      generated: { board: true },
    });
    expect(resolveCredentials({ boardUser: 'admin' }, stored)).toMatchObject({ boardPassword: 'kept-password' });
  });
});

describe('buildChildEnv', () => {
  const credentials = resolveCredentials({ apiKeys: ['k1', 'k2'], boardUser: 'ops', boardPassword: 'password1' });
  const ports = { API_PORT: 3000, CRAWL_WORKER_METRICS_PORT: 41001, ANALYSIS_WORKER_METRICS_PORT: 0 };

  it('passes the environment on and adds what the apps need', () => {
    const env = { PATH: '/usr/bin', HOME: '/root', KUMO_PREFIX: 'demo', LOG_FORMAT: 'pretty', UNSET: undefined };
    const childEnv = buildChildEnv({
      env,
      config: loadConfig(env),
      credentials,
      redisUrl: 'redis://127.0.0.1:6400',
      allowLocalCrawl: true,
      ports,
    });
    expect(childEnv).toEqual({
      PATH: '/usr/bin',
      HOME: '/root',
      KUMO_PREFIX: 'demo',
      LOG_FORMAT: 'json',
      API_KEYS: 'k1,k2',
      BOARD_USER: 'ops',
      BOARD_PASSWORD: 'password1',
      CRAWL_ALLOW_HOSTS: '127.0.0.1',
      REDIS_URL: 'redis://127.0.0.1:6400',
      API_PORT: '3000',
      CRAWL_WORKER_METRICS_PORT: '41001',
      ANALYSIS_WORKER_METRICS_PORT: '0',
    });
  });

  it.each([
    ['adds 127.0.0.1 to the hosts given', '10.0.0.0/8,example.test', true, '10.0.0.0/8,example.test,127.0.0.1'],
    ['does not repeat 127.0.0.1', '127.0.0.1,10.0.0.1', true, '127.0.0.1,10.0.0.1'],
    ['adds nothing when local crawling is not allowed', '10.0.0.0/8', false, '10.0.0.0/8'],
    ['may leave the list empty', '', false, ''],
  ])('CRAWL_ALLOW_HOSTS: %s', (_label, given, allowLocalCrawl, expected) => {
    const env = { CRAWL_ALLOW_HOSTS: given };
    const childEnv = buildChildEnv({
      env,
      config: loadConfig(env),
      credentials,
      redisUrl: undefined,
      allowLocalCrawl,
      ports,
    });
    expect(childEnv.CRAWL_ALLOW_HOSTS).toBe(expected);
  });

  it('on a cluster, passes REDIS_CLUSTER_NODES and REDIS_URL on untouched', () => {
    const env = { REDIS_CLUSTER_NODES: '10.0.0.1:7000,10.0.0.2:7000', REDIS_URL: 'rediss://:secret@ignored:1' };
    const childEnv = buildChildEnv({
      env,
      config: loadConfig(env),
      credentials,
      redisUrl: undefined,
      allowLocalCrawl: true,
      ports,
    });
    expect(childEnv.REDIS_CLUSTER_NODES).toBe('10.0.0.1:7000,10.0.0.2:7000');
    expect(childEnv.REDIS_URL).toBe('rediss://:secret@ignored:1');
  });
});
