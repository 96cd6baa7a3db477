import { describe, expect, it } from 'vitest';
import { CRAWL_BUCKETS, KeySpace, crawlBucket, fnv1a32, tagOf } from './key-space.js';
import { PURPOSE_NAMES, PURPOSES, renderKeyTable } from './purposes.js';

const space = new KeySpace({ prefix: 'kumo' });

describe('fnv1a32', () => {
  it.each([
    ['', 0x811c9dc5],
    ['a', 0xe40c292c],
    ['foobar', 0xbf9cf968],
  ])('hashes %j to the reference value', (input, expected) => {
    expect(fnv1a32(input)).toBe(expected);
  });
});

describe('KeySpace', () => {
  it.each([
    ['key', () => space.key('cache', 'robots', 'https://example.com'), 'kumo:cache:robots:https://example.com'],
    ['key', () => space.key('result', 'idempotency', 'owner1', 'abc'), 'kumo:result:idempotency:owner1:abc'],
    ['crawlKey', () => space.crawlKey('result', 'c1', 'crawl'), `kumo:result:{b:${bucketOf('c1')}}:crawl:c1`],
    ['crawlKey', () => space.crawlKey('tmp', 'c1', 'text', 'p7'), `kumo:tmp:{b:${bucketOf('c1')}}:text:c1:p7`],
    [
      'hostKey',
      () => space.hostKey('ratelimit', 'example.com:8080', 'leases'),
      'kumo:ratelimit:{h:example.com:8080}:leases',
    ],
    ['bucketWakeKey', () => space.bucketWakeKey(7), 'kumo:result:{b:07}:wake'],
    ['queuePrefix', () => space.queuePrefix(), 'kumo:bull:{q}'],
  ])('%s builds %s', (_name, build, expected) => {
    expect(build()).toBe(expected);
  });

  it('puts every key of one crawl under one hash tag, whatever the purpose', () => {
    const keys = [
      space.crawlKey('result', 'cabc', 'crawl'),
      space.crawlKey('tmp', 'cabc', 'seen'),
      space.crawlKey('lock', 'cabc', 'progress'),
    ];
    expect(new Set(keys.map(tagOf)).size).toBe(1);
    expect(tagOf(keys[0]!)).toMatch(/^b:\d\d$/);
  });

  it('spreads crawl ids over all 64 buckets', () => {
    const buckets = new Set(Array.from({ length: 5000 }, (_, i) => crawlBucket(`c${i.toString(36)}`)));
    expect(buckets.size).toBe(CRAWL_BUCKETS);
    for (const bucket of buckets) expect(bucket).toBeGreaterThanOrEqual(0);
  });

  it.each([
    ['an empty segment', () => space.key('cache', '')],
    ['a { in a segment', () => space.key('cache', 'a{b')],
    ['a } in a crawl id', () => space.crawlKey('tmp', 'c}1', 'seen')],
    ['an empty key name', () => space.crawlKey('tmp', 'c1', '')],
    ['a brace in a host', () => space.hostKey('ratelimit', '{evil}', 'x')],
    ['a bucket out of range', () => space.bucketWakeKey(64)],
    ['an overlong segment', () => space.key('cache', 'x'.repeat(2000))],
  ])('rejects %s with KUMO_KEYSPACE_INVALID_KEY', (_what, build) => {
    expect(build).toThrow(expect.objectContaining({ code: 'KUMO_KEYSPACE_INVALID_KEY' }));
  });

  it('rejects an unknown purpose and a malformed prefix', () => {
    expect(() => space.key('bull' as never, 'x')).toThrow(
      expect.objectContaining({ code: 'KUMO_KEYSPACE_UNKNOWN_PURPOSE' }),
    );
    expect(() => new KeySpace({ prefix: 'a:b' })).toThrow(
      expect.objectContaining({ code: 'KUMO_KEYSPACE_INVALID_KEY' }),
    );
  });

  it.each([
    ['kumo:tmp:{b:07}:seen:c1', 'b:07'],
    ['kumo:bull:{q}:crawl:wait', 'q'],
    ['kumo:cache:robots:x', null],
    ['kumo:cache:{}:x', null],
    ['kumo:cache:{open', null],
  ])('tagOf(%j) is %j', (key, tag) => {
    expect(tagOf(key)).toBe(tag);
  });

  it('parses its keys back into purpose, tag and TTL bounds', () => {
    const parsed = space.parseKey(space.crawlKey('tmp', 'c1', 'seen'));
    expect(parsed).toMatchObject({ prefix: 'kumo', purpose: 'tmp', info: PURPOSES.tmp, tag: `b:${bucketOf('c1')}` });
    expect(space.parseKey('kumo:bull:{q}:crawl:wait')).toMatchObject({ purpose: 'bull', info: undefined });
    expect(space.parseKey('other:tmp:x')).toBeNull();
    expect(space.purposeOf(space.key('lock', 'x'))).toBe('lock');
  });
});

describe('renderKeyTable', () => {
  it('has one row per purpose with its TTLs, plus the BullMQ row', () => {
    const table = renderKeyTable();
    const lines = table.split('\n');
    expect(lines).toHaveLength(2 + PURPOSE_NAMES.length + 1);
    expect(table).toContain('| `tmp` | `<prefix>:tmp:…` | 24 h | 7 d |');
    expect(table).toContain('| `lock` | `<prefix>:lock:…` | 30 s | 1 h |');
    expect(table).toContain('| `bull` | `<prefix>:bull:{q}:…` | — | — |');
  });
});

function bucketOf(id: string): string {
  return String(crawlBucket(id)).padStart(2, '0');
}
