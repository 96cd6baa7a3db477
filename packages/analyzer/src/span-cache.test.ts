import { describe, expect, it } from 'vitest';
import { SpanCache } from './span-cache.js';

describe('SpanCache', () => {
  it('finds a value by entry and span, in any text, and nothing for another entry or surface', () => {
    const cache = new SpanCache<string>(8, 100);
    cache.set(3, 'xxABCyy', 2, 5, 'ABC', 'abc of 3');
    expect(cache.get(3, 'ABC', 0, 3)).toBe('abc of 3');
    expect(cache.get(3, '--ABC--', 2, 5)).toBe('abc of 3');
    expect(cache.get(4, 'ABC', 0, 3)).toBeUndefined();
    expect(cache.get(3, 'ABD', 0, 3)).toBeUndefined();
    expect(cache.get(3, 'ABCD', 0, 4)).toBeUndefined();
    expect(cache.get(3, 'AB', 0, 2)).toBeUndefined();
  });

  it('keeps every value of one bucket apart (surfaces that hash alike)', () => {
    const cache = new SpanCache<number>(8, 100);
    // 31 * 'A' + 'b' === 31 * 'B' + 'C': the same hash for the same entry.
    expect(31 * 0x41 + 0x62).toBe(31 * 0x42 + 0x43);
    cache.set(1, 'Ab', 0, 2, 'Ab', 1);
    cache.set(1, 'BC', 0, 2, 'BC', 2);
    expect([cache.get(1, 'Ab', 0, 2), cache.get(1, 'BC', 0, 2)]).toEqual([1, 2]);
  });

  it('remembers no surface longer than its limit, and starts afresh past its size', () => {
    const cache = new SpanCache<number>(3, 2);
    cache.set(1, 'ABCD', 0, 4, 'ABCD', 1);
    expect(cache.get(1, 'ABCD', 0, 4)).toBeUndefined();
    cache.set(1, 'A', 0, 1, 'A', 1);
    cache.set(1, 'B', 0, 1, 'B', 2);
    expect(cache.get(1, 'A', 0, 1)).toBe(1);
    cache.set(1, 'C', 0, 1, 'C', 3);
    expect([cache.get(1, 'A', 0, 1), cache.get(1, 'B', 0, 1), cache.get(1, 'C', 0, 1)]).toEqual([
      undefined,
      undefined,
      3,
    ]);
  });
});
