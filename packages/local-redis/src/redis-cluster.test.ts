import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findRedisServer,
  parseClusterNodes,
  pingOnce,
  startRedisCluster,
  type RedisClusterHandle,
  type RedisClusterOptions,
} from './index.js';

describe('parseClusterNodes', () => {
  const text = [
    'a1 127.0.0.1:7001@17001 myself,master - 0 0 1 connected 0-5460',
    'b2 127.0.0.1:7002@17002,host-b master - 0 1 2 connected 5461-10922 [10923->-c3]',
    'c3 127.0.0.1:7003@17003 master,fail - 0 1 3 disconnected',
    'd4 127.0.0.1:7004@17004 slave a1 0 1 1 connected',
    'e5 127.0.0.1:7005@17005 slave,fail? b2 0 1 2 connected',
    'f6 127.0.0.1:7006@17006 master - 0 1 7 connected 10923 10924-16383',
    'g7 :0@0 master,noaddr - 0 1 0 disconnected',
    '',
  ].join('\n');
  const nodes = parseClusterNodes(text);

  it.each([
    ['a1', { port: 7001, role: 'master', masterId: null, failed: false, slots: [[0, 5460]] }],
    ['b2', { port: 7002, role: 'master', failed: false, slots: [[5461, 10922]] }],
    ['c3', { port: 7003, role: 'master', failed: true, slots: [] }],
    ['d4', { port: 7004, role: 'replica', masterId: 'a1', failed: false, slots: [] }],
    ['e5', { port: 7005, role: 'replica', masterId: 'b2', failed: true }],
    [
      'f6',
      {
        address: '127.0.0.1:7006',
        slots: [
          [10923, 10923],
          [10924, 16383],
        ],
      },
    ],
  ])('reads node %s', (id, expected) => {
    expect(nodes.find((node) => node.id === id)).toMatchObject({ host: '127.0.0.1', ...expected });
  });

  it('skips nodes without an address', () => {
    expect(nodes.map((node) => node.id)).toEqual(['a1', 'b2', 'c3', 'd4', 'e5', 'f6']);
  });
});

describe.skipIf(!findRedisServer())('startRedisCluster', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kumo-cluster-test-'));
    dirs.push(dir);
    return dir;
  };
  let cluster: RedisClusterHandle;

  beforeAll(async () => {
    // A short node timeout keeps the failover test to a few seconds.
    cluster = await startRedisCluster({ dir: tempDir(), nodeTimeoutMs: 1000 });
  }, 60_000);

  afterAll(async () => {
    await cluster?.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it.each<[string, RedisClusterOptions, RegExp]>([
    ['two masters', { dir: '/nonexistent', masters: 2 }, /masters must be an integer of at least 3/],
    ['negative replicas', { dir: '/nonexistent', replicasPerMaster: -1 }, /replicasPerMaster/],
    ['a tiny node timeout', { dir: '/nonexistent', nodeTimeoutMs: 10 }, /nodeTimeoutMs/],
  ])('refuses %s, naming the option', async (_label, options, message) => {
    await expect(startRedisCluster(options)).rejects.toThrow(message);
  });

  it('runs 3 masters with one replica each, covering every slot', async () => {
    expect(cluster.nodes).toHaveLength(6);
    const view = await cluster.describe();
    const masters = await cluster.masters();
    expect(masters).toHaveLength(3);
    expect(masters.flatMap((node) => node.slots).reduce((sum, [from, to]) => sum + to - from + 1, 0)).toBe(16384);
    for (const master of masters) {
      expect(view.filter((node) => node.masterId === master.id)).toHaveLength(1);
    }
    expect(view.every((node) => !node.failed)).toBe(true);
  });

  it('places hash tags on the masters CLUSTER KEYSLOT says', async () => {
    // CRC16 of the tag: one slot in each third of the even split, so three different masters.
    const keys = ['{b:00}:x', '{b:02}:x', '{q}:x'];
    const slots = await Promise.all(keys.map((key) => cluster.keySlot(key)));
    expect(slots).toEqual([1304, 9562, 11958]);
    const owners = await Promise.all(keys.map((key) => cluster.masterOf(key)));
    expect(new Set(owners.map((node) => node.port)).size).toBe(3);
  });

  it('fails a killed master over to its replica, and takes the old master back as a replica', async () => {
    const victim = await cluster.masterOf('{q}');
    const replica = (await cluster.describe()).find((node) => node.masterId === victim.id)!;
    await cluster.killNode(victim.port);
    expect(await pingOnce('127.0.0.1', victim.port)).toBe(false);
    await cluster.waitUntilOk({ timeoutMs: 30_000 });
    expect((await cluster.masterOf('{q}')).port).toBe(replica.port);
    expect((await cluster.masters()).map((node) => node.port)).not.toContain(victim.port);

    await cluster.restartNode(victim.port);
    await cluster.waitUntilOk({ timeoutMs: 30_000, replicasInSync: true });
    const rejoined = (await cluster.describe()).find((node) => node.port === victim.port);
    expect(rejoined).toMatchObject({ role: 'replica', masterId: replica.id, failed: false });
  }, 60_000);

  it('stops every node', async () => {
    const other = await startRedisCluster({ dir: tempDir(), masters: 3, replicasPerMaster: 0 });
    expect(other.nodes).toHaveLength(3);
    await other.stop();
    await other.stop();
    const answers = await Promise.all(other.ports.map((port) => pingOnce('127.0.0.1', port)));
    expect(answers).toEqual([false, false, false]);
  }, 60_000);
});
