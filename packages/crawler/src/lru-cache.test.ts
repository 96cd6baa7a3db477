import { describe, expect, it } from 'vitest';
import { LruCache } from './lru-cache.js';

describe('LruCache', () => {
  it('evicts the least recently used entry', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1, 1000, 0);
    cache.set('b', 2, 1000, 0);
    expect(cache.get('a', 1)).toBe(1);
    cache.set('c', 3, 1000, 1);
    expect(cache.get('b', 2)).toBeUndefined();
    expect(cache.get('a', 2)).toBe(1);
    expect(cache.get('c', 2)).toBe(3);
    expect(cache.size).toBe(2);
  });

  it('forgets expired entries', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1, 100, 0);
    expect(cache.get('a', 99)).toBe(1);
    expect(cache.get('a', 100)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('keeps entries without a TTL until they are the least recently used', () => {
    const cache = new LruCache<string, string>(2);
    cache.set('a', 'A');
    cache.set('b', 'B');
    expect(cache.get('a', Number.MAX_SAFE_INTEGER)).toBe('A'); // a is now the most recent
    cache.set('c', 'C');
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe('A');
    expect(cache.get('c')).toBe('C');
  });
});
