import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis } from './__fixtures__/redis.js';
import { KeySpace, type KumoKey, type Ttl } from './key-space.js';
import { KeyStore } from './key-store.js';
import { PURPOSES } from './purposes.js';
import { loadCommands } from './command-loader.js';

let redis: Awaited<ReturnType<typeof startTestRedis>>;
let client: Redis;
let raw: Redis;
let store: KeyStore;
const space = new KeySpace({ prefix: `t${randomUUID().slice(0, 8)}` });

beforeAll(async () => {
  redis = await startTestRedis();
  client = new Redis(redis.url);
  raw = new Redis(redis.url);
  store = new KeyStore(client, space);
});

afterAll(async () => {
  await store.close();
  raw.disconnect();
  await redis.stop();
});

const unique = () => randomUUID().slice(0, 8);

describe('every write sets a TTL with the write', () => {
  const writes: [string, (key: KumoKey) => Promise<unknown>][] = [
    ['set', (key) => store.set(key, 'v', 60_000)],
    ['setNx', (key) => store.setNx(key, 'v', 60_000)],
    ['xAdd', (key) => store.xAdd(key, { type: 'x' }, 60_000)],
    ['incrBy', (key) => store.incrBy(key, 3, 60_000)],
  ];

  it.each(writes)('%s', async (_name, write) => {
    const key = space.key('cache', 'w', unique());
    await write(key);
    const ttl = await raw.pttl(key);
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it("'default' uses the purpose's default TTL", async () => {
    const key = space.key('lock', unique());
    await store.set(key, 'v', 'default');
    const ttl = await raw.pttl(key);
    expect(ttl).toBeGreaterThan(PURPOSES.lock.defaultTtlMs - 5000);
    expect(ttl).toBeLessThanOrEqual(PURPOSES.lock.defaultTtlMs);
  });

  it('a later write refreshes the TTL', async () => {
    const key = space.key('cache', unique());
    await store.incrBy(key, 1, 1000);
    await store.incrBy(key, 1, 60_000);
    expect(await raw.pttl(key)).toBeGreaterThan(50_000);
  });
});

describe('a bad TTL throws TtlError before anything reaches Redis', () => {
  const bad: [string, unknown][] = [
    ['missing', undefined],
    ['zero', 0],
    ['negative', -5],
    ['fractional', 1.5],
    ['NaN', Number.NaN],
    ['infinite', Number.POSITIVE_INFINITY],
    ['over the purpose maximum', PURPOSES.lock.maxTtlMs + 1],
    ['a string other than default', 'forever'],
  ];
  const writes: [string, (key: KumoKey, ttl: Ttl) => Promise<unknown>][] = [
    ['set', (key, ttl) => store.set(key, 'v', ttl)],
    ['xAdd', (key, ttl) => store.xAdd(key, { a: '1' }, ttl)],
    ['incrBy', (key, ttl) => store.incrBy(key, 1, ttl)],
  ];
  const cases = bad.flatMap(([what, ttl]) => writes.map(([name, write]) => [name, what, ttl, write] as const));

  it.each(cases)('%s with a TTL %s', async (_name, _what, ttl, write) => {
    const key = space.key('lock', unique());
    const monitor = await raw.monitor();
    const seen: string[] = [];
    monitor.on('monitor', (_time: string, args: string[]) => seen.push(args.join(' ')));
    try {
      await expect(write(key, ttl as Ttl)).rejects.toMatchObject({ code: 'KUMO_KEYSPACE_TTL' });
      // A marker through the same client: once MONITOR shows it, anything sent before it was shown too.
      const marker = space.key('lock', `marker-${unique()}`);
      await store.get(marker);
      await waitFor(() => seen.some((line) => line.includes(marker)));
      expect(seen.filter((line) => line.includes(key))).toEqual([]);
      expect(await raw.exists(key)).toBe(0);
    } finally {
      monitor.disconnect();
    }
  });

  it('refuses keys that are not of a registered purpose', async () => {
    await expect(store.set('kumo-other:x' as KumoKey, 'v', 1000)).rejects.toMatchObject({ code: 'KUMO_KEYSPACE_TTL' });
  });
});

describe('structures', () => {
  it('strings: get, set, setNx, del; missing keys read as null', async () => {
    const key = space.key('cache', unique());
    expect(await store.get(key)).toBeNull();
    expect(await store.setNx(key, 'first', 10_000)).toBe(true);
    expect(await store.setNx(key, 'second', 10_000)).toBe(false);
    expect(await store.get(key)).toBe('first');
    await store.set(key, 'again', 10_000);
    expect(await store.del(key, space.key('cache', 'absent'))).toBe(1);
  });

  it('del removes keys of different tags one by one', async () => {
    const a = space.crawlKey('tmp', 'c-one', 'seen');
    const b = space.crawlKey('tmp', 'c-two-different', 'seen');
    await store.set(a, 'x', 10_000);
    await store.set(b, 'x', 10_000);
    expect(await store.del(a, b)).toBe(2);
  });

  it('hashes: hGet, hmGet, hGetAll', async () => {
    const key = space.key('result', unique());
    expect(await store.hGetAll(key)).toEqual({});
    // Hashes are written by the owning package's scripts; here the raw client plays that part.
    await raw.hset(key, { a: 5, b: 'two' });
    expect(await store.hGet(key, 'b')).toBe('two');
    expect(await store.hmGet(key, ['a', 'zz', 'b'])).toEqual(['5', null, 'two']);
    expect(await store.hmGet(key, [])).toEqual([]);
    expect(await store.hGetAll(key)).toEqual({ a: '5', b: 'two' });
  });

  it('hashes: hStrLens, the byte length of each value (0 when missing)', async () => {
    const key = space.key('result', unique());
    expect(await store.hStrLens(key, ['a'])).toEqual([0]);
    await raw.hset(key, { a: 'クモ', b: 'two' });
    expect(await store.hStrLens(key, ['b', 'zz', 'a'])).toEqual([3, 0, 6]);
    expect(await store.hStrLens(key, [])).toEqual([]);
  });

  it.each([
    ['incrBy', () => store.incrBy(space.key('ratelimit', unique()), 1.5, 10_000)],
    ['xAdd maxLen', () => store.xAdd(space.key('result', unique()), { a: '1' }, 10_000, { maxLen: -0.5 })],
  ])('%s refuses a non-integer argument before sending', async (_name, write) => {
    await expect(write()).rejects.toThrow(/must be a safe integer/);
  });

  it('sets: sMIsMember, sMembers', async () => {
    const key = space.key('tmp', unique());
    // Sets are written by the owning package's scripts (admission); here the raw client plays that part.
    await raw.sadd(key, 'a', 'b', 'c', 'd');
    expect(await store.sMIsMember(key, ['c', 'z', 'a'])).toEqual([true, false, true]);
    expect(await store.sMIsMember(key, [])).toEqual([]);
    expect(await store.sMIsMember(space.key('tmp', unique()), ['a'])).toEqual([false]);
    expect((await store.sMembers(key)).sort()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('streams: xAdd, xRange with exclusive start and count, xGet, MAXLEN ~', async () => {
    const key = space.key('result', unique());
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await store.xAdd(key, { n: String(i) }, 10_000));
    expect(await raw.xlen(key)).toBe(5);
    expect((await store.xRange(key)).map((e) => e.fields.n)).toEqual(['0', '1', '2', '3', '4']);
    expect((await store.xRange(key, { after: ids[1]!, count: 2 })).map((e) => e.id)).toEqual([ids[2], ids[3]]);
    expect(await store.xRange(key, { after: ids[4]! })).toEqual([]);
    expect(await store.xGet(key, [ids[3]!, '1-1', ids[0]!])).toEqual([
      { id: ids[3], fields: { n: '3' } },
      null,
      { id: ids[0], fields: { n: '0' } },
    ]);
    expect(await store.xRange(space.key('result', 'absent'))).toEqual([]);

    const trimmed = space.key('result', unique());
    for (let i = 0; i < 500; i++) await store.xAdd(trimmed, { n: String(i) }, 10_000, { maxLen: 16 });
    expect(await raw.xlen(trimmed)).toBeLessThan(500);
  });

  it('sorted sets: zRangeByLex both ways with an exclusive bound and a count, zRem', async () => {
    const key = space.key('result', unique());
    // Sorted sets are written by the owning package's scripts (the owner index); here the raw client plays that part.
    await raw.zadd(key, 0, 'b', 0, 'd', 0, 'a', 0, 'c');
    expect(await store.zRangeByLex(key, { count: 10, order: 'asc' })).toEqual(['a', 'b', 'c', 'd']);
    expect(await store.zRangeByLex(key, { count: 2, order: 'desc' })).toEqual(['d', 'c']);
    expect(await store.zRangeByLex(key, { below: 'c', count: 10, order: 'desc' })).toEqual(['b', 'a']);
    expect(await store.zRangeByLex(key, { below: 'c', count: 1, order: 'asc' })).toEqual(['a']);
    expect(await store.zRangeByLex(space.key('result', 'absent'), { count: 5, order: 'desc' })).toEqual([]);
    expect(await store.zRem(key, ['a', 'zz'])).toBe(1);
    expect(await store.zRem(key, [])).toBe(0);
    expect(await store.zRangeByLex(key, { count: 10, order: 'asc' })).toEqual(['b', 'c', 'd']);
  });

  it('counters: incrBy returns the new value', async () => {
    const key = space.key('ratelimit', unique());
    expect(await store.get(key)).toBeNull();
    expect(await store.incrBy(key, 2, 10_000)).toBe(2);
    expect(await store.incrBy(key, 3, 10_000)).toBe(5);
    expect(await store.get(key)).toBe('5');
  });

  it('ping and info', async () => {
    expect(await store.ping()).toBe('PONG');
    expect(await store.info('server')).toMatch(/redis_version:/);
  });
});

describe('scripts', () => {
  const { echoTtls } = loadCommands(new URL('./__fixtures__/', import.meta.url), ['echoTtls']);

  it('passes the TTLs as the first ARGVs, then the args', async () => {
    const script = store.bindCommands({ echoTtls }).echoTtls;
    const a = space.crawlKey('result', 'cx', 'a');
    const b = space.crawlKey('tmp', 'cx', 'b');
    const reply = await script({
      keys: [
        { key: a, ttl: 5000 },
        { key: b, ttl: 'default' },
      ],
      args: ['x', 7],
    });
    expect(reply).toEqual([a, b, '5000', String(PURPOSES.tmp.defaultTtlMs), 'x', '7']);
    expect(await raw.pttl(a)).toBeGreaterThan(0);
    expect(await raw.pttl(b)).toBeGreaterThan(0);
  });

  it('reloads the script when the server forgot it (NOSCRIPT)', async () => {
    const script = store.bindCommands({ echoTtls }).echoTtls;
    const keys = [
      { key: space.crawlKey('result', 'cy', 'a'), ttl: 1000 },
      { key: space.crawlKey('result', 'cy', 'b'), ttl: 1000 },
    ];
    await script({ keys });
    await raw.script('FLUSH');
    expect(await script({ keys })).toHaveLength(4);
  });

  it.each([
    ['keys of different crawls', ['c-one', 'c-two-different']],
    ['a key without tag', null],
  ])('refuses %s with CrossSlotError before sending', async (_what, crawls) => {
    const script = store.bindCommands({ echoTtls }).echoTtls;
    const first = space.crawlKey('result', 'c-one', 'a');
    const second = crawls ? space.crawlKey('result', crawls[1]!, 'b') : space.key('result', 'untagged');
    await expect(
      script({
        keys: [
          { key: first, ttl: 1000 },
          { key: second, ttl: 1000 },
        ],
      }),
    ).rejects.toMatchObject({ code: 'KUMO_KEYSPACE_CROSS_SLOT' });
    expect(await raw.exists(first, second)).toBe(0);
  });

  it('validates TTLs of every key and the key count', async () => {
    const script = store.bindCommands({ echoTtls }).echoTtls;
    const a = space.crawlKey('result', 'cz', 'a');
    const b = space.crawlKey('result', 'cz', 'b');
    await expect(
      script({
        keys: [
          { key: a, ttl: 1000 },
          { key: b, ttl: 0 },
        ],
      }),
    ).rejects.toMatchObject({
      code: 'KUMO_KEYSPACE_TTL',
    });
    await expect(script({ keys: [{ key: a, ttl: 1000 }] })).rejects.toMatchObject({
      code: 'KUMO_KEYSPACE_INVALID_KEY',
    });
  });

  it('wraps a Lua error reply in ScriptError', async () => {
    const boom = { name: 'boom', keys: 1, lua: "return redis.error_reply('boom')" };
    const script = store.bindCommands({ boom }).boom;
    await expect(script({ keys: [{ key: space.key('lock', 'x'), ttl: 1000 }] })).rejects.toMatchObject({
      code: 'KUMO_KEYSPACE_SCRIPT',
    });
  });
});

describe('BlockingReader', () => {
  it('returns new entries of the streams it blocks on', async () => {
    const reader = await store.duplicate();
    try {
      expect(reader.clientId).toBeGreaterThan(0);
      const a = space.crawlKey('result', 'cr', 'events');
      const wake = space.bucketWakeKey(space.crawlBucket('cr'));
      const first = await store.xAdd(a, { n: '1' }, 10_000);
      const pending = reader.readStreams(
        [
          { key: a, afterId: first },
          { key: wake, afterId: '$' },
        ],
        { blockMs: 10_000 },
      );
      await store.xAdd(a, { n: '2' }, 10_000);
      const batches = await pending;
      expect(batches).toHaveLength(1);
      expect(batches[0]!.key).toBe(a);
      expect(batches[0]!.entries.map((e) => e.fields.n)).toEqual(['2']);
    } finally {
      reader.close();
    }
  });

  it('opens from a store whose connection fails fast (no offline queue), as the API connection does', async () => {
    const failFast = new Redis(redis.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    await new Promise((resolve) => failFast.once('ready', resolve));
    const reader = await new KeyStore(failFast, space).duplicate();
    try {
      expect(reader.clientId).toBeGreaterThan(0);
      const key = space.crawlKey('result', 'cf', 'events');
      expect(await reader.readStreams([{ key, afterId: '$' }], { blockMs: 20 })).toEqual([]);
    } finally {
      reader.close();
      failFast.disconnect();
    }
  });

  it('resolves [] when the block time passes, and when closed while blocked', async () => {
    const reader = await store.duplicate();
    const key = space.crawlKey('result', 'cq', 'events');
    expect(await reader.readStreams([{ key, afterId: '$' }], { blockMs: 20 })).toEqual([]);
    const pending = reader.readStreams([{ key, afterId: '$' }], { blockMs: 0 });
    reader.close();
    expect(await pending).toEqual([]);
  });

  it('refuses streams with different hash tags', async () => {
    const reader = await store.duplicate();
    try {
      const entries = [
        { key: space.crawlKey('result', 'c-one', 'events'), afterId: '0' },
        { key: space.crawlKey('result', 'c-two-different', 'events'), afterId: '0' },
      ];
      await expect(reader.readStreams(entries, { blockMs: 10 })).rejects.toMatchObject({
        code: 'KUMO_KEYSPACE_CROSS_SLOT',
      });
    } finally {
      reader.close();
    }
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!condition()) throw new Error('condition not reached');
}
