import { describe, expect, it } from 'vitest';
import { RestartingIds } from './restarting-ids.js';

describe('RestartingIds', () => {
  it('counts from 1 to its last id, and has every table forget before it starts again', () => {
    const ids = new RestartingIds(3);
    const forgotten: string[] = [];
    ids.onRestart(() => forgotten.push('a'));
    ids.onRestart(() => forgotten.push('b'));
    expect([ids.next(), ids.next(), ids.next()]).toEqual([1, 2, 3]);
    expect(forgotten).toEqual([]);
    expect(ids.next()).toBe(1);
    expect(forgotten).toEqual(['a', 'b']);
    expect([ids.next(), ids.next(), ids.next()]).toEqual([2, 3, 1]);
    expect(forgotten).toEqual(['a', 'b', 'a', 'b']);
  });
});
