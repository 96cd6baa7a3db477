import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis } from './__fixtures__/redis.js';
import { checkRedisServer } from './startup-checks.js';

let redis: Awaited<ReturnType<typeof startTestRedis>>;
let admin: Redis;

beforeAll(async () => {
  redis = await startTestRedis();
  admin = new Redis(redis.url);
});

afterEach(async () => {
  await admin.config('SET', 'maxmemory-policy', 'noeviction');
});

afterAll(async () => {
  admin.disconnect();
  await redis.stop();
});

describe('checkRedisServer', () => {
  it('accepts noeviction and reports the version', async () => {
    const check = await checkRedisServer(admin);
    expect(check).toEqual({
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      maxmemoryPolicy: 'noeviction',
      warnings: [],
    });
  });

  it('refuses an evicting policy unless allowed, then warns', async () => {
    await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
    await expect(checkRedisServer(admin)).rejects.toMatchObject({
      code: 'KUMO_KEYSPACE_EVICTION_POLICY',
      kind: 'critical',
    });
    const check = await checkRedisServer(admin, { allowEviction: true });
    expect(check.maxmemoryPolicy).toBe('allkeys-lru');
    expect(check.warnings).toEqual([expect.stringContaining('allkeys-lru')]);
  });

  it('tolerates a server that forbids CONFIG (managed Redis) with a warning', async () => {
    await admin.call('ACL', 'SETUSER', 'limited', 'on', '>secret-pass', '~*', '+@all', '-config');
    const limited = new Redis(redis.url, { username: 'limited', password: 'secret-pass' });
    try {
      const check = await checkRedisServer(limited);
      expect(check.maxmemoryPolicy).toBeNull();
      expect(check.version).not.toBeNull();
      expect(check.warnings).toEqual([expect.stringContaining('CONFIG refused')]);
    } finally {
      limited.disconnect();
    }
  });
});
