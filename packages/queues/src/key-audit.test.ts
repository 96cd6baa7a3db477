import { randomUUID } from 'node:crypto';
import { auditExitCode, createRedisClient, KeySpace, type RedisClient } from '@kumo/keyspace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis } from './__fixtures__/redis.js';
import { auditKeyspace, formatAuditTable } from './key-audit.js';

let redis: Awaited<ReturnType<typeof startTestRedis>>;
let raw: RedisClient;
const prefix = `a${randomUUID().slice(0, 8)}`;
const space = new KeySpace({ prefix });

beforeAll(async () => {
  redis = await startTestRedis();
  raw = createRedisClient(redis.url);
  await raw.set(space.key('cache', 'analysis', 'h1'), 'x', 'PX', 60_000);
  await raw.set(`${prefix}:result:leak:1`, 'no ttl');
  // BullMQ-shaped queue keys, written by hand: the audit reads them through BullMQ's own job counts.
  await raw.rpush(`${prefix}:bull:{q}:crawl:wait`, 'j1', 'j2', 'j3');
  await raw.zadd(`${prefix}:bull:{q}:crawl:delayed`, 1, 'j4');
  await raw.zadd(`${prefix}:bull:{q}:aggregate:waiting-children`, 1, 'c1');
  await raw.hset(`${prefix}:bull:{q}:aggregate:c1`, 'name', 'aggregate');
});

afterAll(async () => {
  raw.disconnect();
  await redis.stop();
});

describe('auditKeyspace', () => {
  it('adds the jobs per state of every queue found under the prefix to the key scan', async () => {
    const report = await auditKeyspace(raw, { prefix });
    expect(report.queues.keys).toBe(4);
    expect(report.queues.queues).toEqual([
      { queue: 'aggregate', jobs: expect.objectContaining({ 'waiting-children': 1, waiting: 0 }) },
      { queue: 'crawl', jobs: expect.objectContaining({ waiting: 3, delayed: 1, active: 0, failed: 0 }) },
    ]);
    expect(report.totalKeys).toBe(1 + 1 + 4);
    expect(auditExitCode(report)).toBe(1);
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    // Read-only: no queue meta key (or anything else) was written.
    expect((await raw.keys(`${prefix}:*`)).length).toBe(6);
  });

  it('formats the key table, then one row per queue and state', async () => {
    const text = formatAuditTable(await auditKeyspace(raw, { prefix }));
    expect(text).toContain('result: 1 key(s) without TTL:');
    expect(text).toMatch(/queue\s+waiting\s+active\s+delayed\s+prioritized\s+waiting-children\s+completed\s+failed/);
    expect(text).toMatch(/crawl\s+3\s+0\s+1/);
  });
});
