import { describe, expect, it } from 'vitest';
import { PhraseTable } from './phrase-table.js';
import { mixKey } from './table-hash.js';
import type { Token } from './token.js';

function keysOf(...keys: number[]): { keys: Int32Array; hash: number } {
  return { keys: Int32Array.from(keys), hash: keys.reduce(mixKey, 0) };
}

describe('PhraseTable', () => {
  it('finds a compound by its keys, in order, and nothing for other keys or a prefix', () => {
    const table = new PhraseTable();
    const { keys, hash } = keysOf(10, 20, ~3);
    expect(table.find(hash, keys, 3)).toBe(-1);
    const id = table.add(hash, keys, 3, '形態素解析');
    expect(table.find(hash, keys, 3)).toBe(id);
    expect(table.phrase(id)).toBe('形態素解析');
    const swapped = keysOf(20, 10, ~3);
    expect(table.find(swapped.hash, swapped.keys, 3)).toBe(-1);
    const prefix = keysOf(10, 20);
    expect(table.find(prefix.hash, prefix.keys, 2)).toBe(-1);
  });

  it('keeps compounds whose hashes collide apart (the keys decide)', () => {
    const table = new PhraseTable();
    const first = Int32Array.from([1, 2]);
    const second = Int32Array.from([3, 4]);
    // The same hash for both: they share a probe sequence and only the keys tell them apart.
    const a = table.add(77, first, 2, 'a');
    const b = table.add(77, second, 2, 'b');
    expect([table.find(77, first, 2), table.find(77, second, 2)]).toEqual([a, b]);
    expect(table.find(77, Int32Array.from([1, 3]), 2)).toBe(-1);
  });

  it('remembers the slot of the last analysis to count a compound, by its stamp', () => {
    const table = new PhraseTable();
    const { keys, hash } = keysOf(5, 6);
    const id = table.add(hash, keys, 2, 'x');
    expect(table.slotOf(id, 1)).toBe(-1);
    table.setSlot(id, 1, 7);
    expect(table.slotOf(id, 1)).toBe(7);
    table.setSlot(id, 2, 0);
    expect([table.slotOf(id, 1), table.slotOf(id, 2)]).toEqual([-1, 0]);
  });

  it('remembers a compound’s tokens until it forgets the compound', () => {
    const table = new PhraseTable();
    const { keys, hash } = keysOf(8, 9);
    const id = table.add(hash, keys, 2, 'y');
    const tokens: Token[] = [];
    expect(table.tokens(id)).toBeUndefined();
    table.setTokens(id, tokens);
    expect(table.tokens(id)).toBe(tokens);
    table.forget();
    expect(table.tokens(table.add(hash, keys, 2, 'y'))).toBeUndefined();
  });

  it('forgets every compound and every slot', () => {
    const table = new PhraseTable();
    const { keys, hash } = keysOf(1, 2);
    const id = table.add(hash, keys, 2, 'z');
    table.setSlot(id, 3, 4);
    table.forget();
    expect(table.find(hash, keys, 2)).toBe(-1);
    const again = table.add(hash, keys, 2, 'z');
    expect(again).toBe(id);
    expect(table.slotOf(again, 3)).toBe(-1);
  });

  it('starts afresh past 100,000 compounds (bounded memory)', () => {
    const table = new PhraseTable();
    for (let n = 0; n < 100_000; n++) {
      const many = keysOf(n, n + 1, n + 2);
      table.add(many.hash, many.keys, 3, `p${n}`);
    }
    const last = keysOf(99_999, 100_000, 100_001);
    expect(table.phrase(table.find(last.hash, last.keys, 3))).toBe('p99999');
    const next = keysOf(-1, -2);
    expect(table.add(next.hash, next.keys, 2, 'after')).toBe(0);
    expect(table.find(last.hash, last.keys, 3)).toBe(-1);
  });
});
