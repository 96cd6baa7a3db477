import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRedisClient, KeySpace, KeyStore } from '@kumo/keyspace';
import { startEmbeddedRedis, type RedisHandle } from '@kumo/local-redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisRobotsStore } from './redis-robots-store.js';

let redis: RedisHandle;
let dir: string;
let store: KeyStore;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'kumo-robots-store-'));
  redis = await startEmbeddedRedis({ dir });
  store = new KeyStore(createRedisClient(redis.url), new KeySpace({ prefix: 'robots' }));
});

afterAll(async () => {
  await store?.close();
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('RedisRobotsStore', () => {
  it('shares robots.txt bodies by origin under cache:robots:<origin> with the configured TTL', async () => {
    const one = new RedisRobotsStore(store, { ttlMs: 30_000 });
    const two = new RedisRobotsStore(store, { ttlMs: 30_000 });
    expect(await one.get('http://127.0.0.1:8080')).toBeNull();
    await one.set('http://127.0.0.1:8080', 'User-agent: *\nDisallow: /private/\n');
    await one.set('https://example.test', '');
    expect(await two.get('http://127.0.0.1:8080')).toBe('User-agent: *\nDisallow: /private/\n');
    // An empty body ("allow everything") is a stored value, not a miss.
    expect(await two.get('https://example.test')).toBe('');
    const key = store.keySpace.key('cache', 'robots', 'http://127.0.0.1:8080');
    expect(key).toBe('robots:cache:robots:http://127.0.0.1:8080');
    const ttl = await store.pttl(key);
    expect(ttl).toBeGreaterThan(20_000);
    expect(ttl).toBeLessThanOrEqual(30_000);
  });

  it.each([0, -1, 1.5, Number.NaN, 40 * 86_400_000])('rejects ttlMs %s', (ttlMs) => {
    expect(() => new RedisRobotsStore(store, { ttlMs })).toThrow(/ttlMs/);
  });
});
