import { Cluster, Redis } from 'ioredis';
import { loadConfig } from '@kumo/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis } from './__fixtures__/redis.js';
import { createKeyStore, createRedisConnection, waitUntilReady, type ConnectionRole } from './connection.js';

let redis: Awaited<ReturnType<typeof startTestRedis>>;

beforeAll(async () => {
  redis = await startTestRedis();
});

afterAll(async () => {
  await redis.stop();
});

describe('createRedisConnection', () => {
  it.each([
    ['api', 1, false],
    ['command', 20, true],
    ['worker', null, true],
    ['blocking', null, true],
  ] as const)('role %s: maxRetriesPerRequest %s, offline queue %s', async (role, retries, offlineQueue) => {
    const client = createRedisConnection({ REDIS_URL: redis.url, REDIS_CLUSTER_NODES: undefined }, { role });
    try {
      expect(client).toBeInstanceOf(Redis);
      const options = (client as Redis).options;
      expect(options.maxRetriesPerRequest).toBe(retries);
      expect(options.enableOfflineQueue).toBe(offlineQueue);
      await waitUntilReady(client, 5000);
      const list = String(await client.call('CLIENT', 'LIST'));
      expect(list).toContain(`name=kumo:${role as ConnectionRole}`);
    } finally {
      client.disconnect();
    }
  });

  it('uses the given connection name', async () => {
    const client = createRedisConnection({ REDIS_URL: redis.url }, { role: 'command', name: 'kumo:api:7' });
    try {
      await waitUntilReady(client, 5000);
      expect(String(await client.call('CLIENT', 'GETNAME'))).toBe('kumo:api:7');
    } finally {
      client.disconnect();
    }
  });

  it('builds a cluster client from REDIS_CLUSTER_NODES with credentials and TLS from REDIS_URL', () => {
    const client = createRedisConnection(
      { REDIS_URL: 'rediss://user:p%40ss@ignored:6379', REDIS_CLUSTER_NODES: ['127.0.0.1:1', '[::1]:2'] },
      { role: 'worker' },
    ) as Cluster;
    try {
      expect(client).toBeInstanceOf(Cluster);
      expect(client.options.scaleReads).toBe('master');
      // ioredis' ready check can leave a connect() unsettled during a failover (see createRedisConnection).
      expect(client.options.enableReadyCheck).toBe(false);
      expect(client.options.redisOptions).toMatchObject({
        username: 'user',
        password: 'p@ss',
        tls: {},
        maxRetriesPerRequest: null,
        connectionName: 'kumo:worker',
      });
      expect((client as unknown as { startupNodes: unknown }).startupNodes).toEqual([
        { host: '127.0.0.1', port: 1 },
        { host: '::1', port: 2 },
      ]);
    } finally {
      client.disconnect();
    }
  });

  it.each([
    ['no Redis at all', {}],
    ['a cluster node without port', { REDIS_CLUSTER_NODES: ['127.0.0.1'] }],
    ['a cluster node with a bad port', { REDIS_CLUSTER_NODES: ['127.0.0.1:99999'] }],
  ])('refuses %s with KUMO_QUEUES_REDIS_CONFIG', (_what, config) => {
    expect(() => createRedisConnection(config, { role: 'command' })).toThrow(
      expect.objectContaining({ code: 'KUMO_QUEUES_REDIS_CONFIG' }),
    );
  });
});

describe('createKeyStore', () => {
  it('opens a store under KUMO_PREFIX', async () => {
    const config = loadConfig({ REDIS_URL: redis.url, KUMO_PREFIX: 'ks-test' });
    const { store, keySpace } = createKeyStore(config, 'command');
    try {
      expect(keySpace.prefix).toBe('ks-test');
      await store.set(keySpace.key('cache', 'x'), 'v', 1000);
      expect(await store.get(keySpace.key('cache', 'x'))).toBe('v');
    } finally {
      await store.close();
    }
  });
});
