import { describe, expect, it } from 'vitest';
import { compareStrings, topByCount } from './top-by-count.js';

/** The reference: sort everything by count (highest first), then key, then index, and keep the first `limit`. */
function sortedTop(keys: readonly string[], counts: readonly number[], limit: number): number[] {
  return keys
    .map((_, i) => i)
    .sort((a, b) => counts[b]! - counts[a]! || compareStrings(keys[a]!, keys[b]!) || a - b)
    .slice(0, limit);
}

/** A small deterministic generator (xorshift), so that a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

describe('topByCount', () => {
  it.each([
    {
      name: 'fewer keys than the limit: all, ranked',
      keys: ['b', 'a', 'c'],
      counts: [1, 1, 2],
      limit: 5,
      top: [2, 1, 0],
    },
    { name: 'ties at the cut go by key', keys: ['d', 'c', 'b', 'a'], counts: [2, 1, 1, 1], limit: 2, top: [0, 3] },
    { name: 'all tied', keys: ['x', 'w', 'v', 'u'], counts: [1, 1, 1, 1], limit: 3, top: [3, 2, 1] },
    { name: 'no tie at the cut', keys: ['a', 'b', 'c', 'd'], counts: [4, 3, 2, 1], limit: 2, top: [0, 1] },
    { name: 'a repeated key keeps its order', keys: ['a', 'a', 'b', 'a'], counts: [1, 1, 1, 1], limit: 2, top: [0, 1] },
    { name: 'no keys', keys: [], counts: [], limit: 3, top: [] },
  ])('$name', ({ keys, counts, limit, top }) => {
    expect(topByCount(keys, counts, limit)).toEqual(top);
    expect(topByCount(keys, counts, limit)).toEqual(sortedTop(keys, counts, limit));
  });

  it('equals sorting everything, on 2,000 random lists (mostly counts of 1, as on a page)', () => {
    const next = random(15);
    for (let round = 0; round < 2_000; round++) {
      const n = Math.floor(next() * 300);
      const alphabet = Math.max(1, Math.floor(next() * 400));
      const keys = Array.from({ length: n }, () => `k${Math.floor(next() * alphabet)}`);
      const counts = Array.from({ length: n }, () => (next() < 0.7 ? 1 : 1 + Math.floor(next() * next() * 30)));
      const limit = 1 + Math.floor(next() * 60);
      expect(topByCount(keys, counts, limit)).toEqual(sortedTop(keys, counts, limit));
      expect(topByCount(keys, Float64Array.from(counts), limit)).toEqual(sortedTop(keys, counts, limit));
    }
  });

  it('ranks only the first `length` keys of longer arrays (an accumulator reuses its arrays)', () => {
    const next = random(33);
    for (let round = 0; round < 500; round++) {
      const n = Math.floor(next() * 200);
      const extra = Math.floor(next() * 50);
      const keys = Array.from({ length: n + extra }, () => `k${Math.floor(next() * 300)}`);
      const counts = Array.from({ length: n + extra }, () => 1 + Math.floor(next() * next() * 10));
      const limit = 1 + Math.floor(next() * 60);
      expect(topByCount(keys, counts, limit, n)).toEqual(sortedTop(keys.slice(0, n), counts.slice(0, n), limit));
    }
  });

  it('equals sorting everything for lists past the reused scratch, interleaved with small ones', () => {
    const next = random(21);
    // 5,000 outgrows the first scratch, 70,000 the largest one kept; a small list after each reuses what is left.
    for (const n of [5_000, 40, 70_000, 300, 5_000]) {
      const keys = Array.from({ length: n }, (_, i) => `k${i % 997}`);
      const counts = Array.from({ length: n }, () => 1 + Math.floor(next() * 20));
      expect(topByCount(keys, counts, 50)).toEqual(sortedTop(keys, counts, 50));
    }
  });
});
