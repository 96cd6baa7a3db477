import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis } from './__fixtures__/redis.js';
import { auditExitCode, formatKeyspaceTable, scanKeyspace } from './audit.js';
import { KeySpace } from './key-space.js';
import { KeyStore } from './key-store.js';

let redis: Awaited<ReturnType<typeof startTestRedis>>;
let raw: Redis;
let store: KeyStore;
const prefix = `a${randomUUID().slice(0, 8)}`;
const space = new KeySpace({ prefix });

beforeAll(async () => {
  redis = await startTestRedis();
  raw = new Redis(redis.url);
  store = new KeyStore(raw.duplicate(), space);
  // Healthy keys, written through the store.
  for (let i = 0; i < 30; i++)
    await store.set(space.key('cache', 'analysis', `h${i}`), 'x'.repeat(i === 17 ? 5000 : 100), 60_000);
  await raw.sadd(space.crawlKey('tmp', 'c1', 'seen'), 'a', 'b');
  await raw.pexpire(space.crawlKey('tmp', 'c1', 'seen'), 60_000);
  await store.xAdd(space.crawlKey('result', 'c1', 'events'), { type: 'page', data: '{}' }, 60_000);
  // Problems, written around the store as a buggy or foreign writer would.
  await raw.set(`${prefix}:result:leak:1`, 'no ttl');
  await raw.set(`${prefix}:result:leak:2`, 'no ttl');
  await raw.set(`${prefix}:mystery:1`, 'unknown purpose');
  await raw.set('someone-else:key', 'not ours');
  // Keys under the queue segment (BullMQ's layout; @kumo/queues' audit reads their jobs).
  await raw.rpush(`${prefix}:bull:{q}:crawl:wait`, 'j1', 'j2', 'j3');
  await raw.zadd(`${prefix}:bull:{q}:crawl:delayed`, 1, 'j4');
  await raw.zadd(`${prefix}:bull:{q}:aggregate:waiting-children`, 1, 'c1');
  await raw.hset(`${prefix}:bull:{q}:aggregate:c1`, 'name', 'aggregate');
});

afterAll(async () => {
  await store.close();
  raw.disconnect();
  await redis.stop();
});

describe('scanKeyspace', () => {
  it('groups keys by purpose, finds keys without TTL and unknown purposes, counts the queue keys', async () => {
    const queueKeys: string[] = [];
    const report = await scanKeyspace(raw, { prefix, onQueueKey: (key) => queueKeys.push(key) });
    const byPurpose = Object.fromEntries(report.purposes.map((p) => [p.purpose, p]));
    expect(report.nodes).toBe(1);
    expect(byPurpose.cache).toMatchObject({ keys: 30, sampled: false, withoutTtl: { count: 0, keys: [] } });
    expect(byPurpose.cache!.totalBytes).toBeGreaterThan(30 * 100);
    expect(byPurpose.cache!.largest?.key).toBe(space.key('cache', 'analysis', 'h17'));
    expect(byPurpose.tmp).toMatchObject({ keys: 1 });
    expect(byPurpose.result).toMatchObject({ keys: 3, withoutTtl: { count: 2 } });
    expect([...byPurpose.result!.withoutTtl.keys].sort()).toEqual([
      `${prefix}:result:leak:1`,
      `${prefix}:result:leak:2`,
    ]);
    expect(byPurpose.lock).toMatchObject({ keys: 0, totalBytes: 0, largest: null });
    expect(report.unknown).toEqual({ count: 1, keys: [`${prefix}:mystery:1`] });
    expect(report.queues.keys).toBe(4);
    expect(queueKeys.sort()).toEqual([
      `${prefix}:bull:{q}:aggregate:c1`,
      `${prefix}:bull:{q}:aggregate:waiting-children`,
      `${prefix}:bull:{q}:crawl:delayed`,
      `${prefix}:bull:{q}:crawl:wait`,
    ]);
    expect(report.totalKeys).toBe(30 + 1 + 3 + 1 + 4);
    expect(auditExitCode(report)).toBe(1);
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it('samples MEMORY USAGE above the threshold and says so', async () => {
    const report = await scanKeyspace(raw, { prefix, sampleAbove: 10 });
    const cache = report.purposes.find((p) => p.purpose === 'cache')!;
    expect(cache).toMatchObject({ keys: 30, sampled: true });
    expect(cache.totalBytes).toBeGreaterThan(30 * 100);
    expect(formatKeyspaceTable(report)).toMatch(/cache\s+30\s+.*\(sampled\)/);
  });

  it('formats a table naming the findings', async () => {
    const text = formatKeyspaceTable(await scanKeyspace(raw, { prefix }));
    expect(text).toContain(`result: 2 key(s) without TTL:`);
    expect(text).toContain(`${prefix}:result:leak:1`);
    expect(text).toContain('1 key(s) with an unknown purpose:');
    expect(text).toMatch(/bull\s+4\s+.*exempt \(retention\)/);
  });

  it('exits 0 for a clean key space', async () => {
    const clean = `clean${randomUUID().slice(0, 6)}`;
    const cleanStore = new KeyStore(raw.duplicate(), new KeySpace({ prefix: clean }));
    await cleanStore.set(new KeySpace({ prefix: clean }).key('cache', 'x'), 'v', 10_000);
    const report = await scanKeyspace(raw, { prefix: clean });
    await cleanStore.close();
    expect(report.totalKeys).toBe(1);
    expect(auditExitCode(report)).toBe(0);
  });
});
