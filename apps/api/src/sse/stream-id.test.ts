import { describe, expect, it } from 'vitest';
import { compareStreamIds, cursorBefore } from './stream-id.js';

describe('compareStreamIds', () => {
  it.each([
    ['1-0', '2-0', -1],
    ['2-0', '1-0', 1],
    ['5-1', '5-1', 0],
    ['5-2', '5-10', -1],
    ['10-0', '9-99', 1],
    ['1700000000000-18446744073709551615', '1700000000001-0', -1],
  ])('%s vs %s', (a, b, expected) => {
    expect(Math.sign(compareStreamIds(a, b))).toBe(expected);
  });
});

describe('cursorBefore', () => {
  it('starts just before the millisecond of the id', () => {
    expect(cursorBefore('1700000000123-7')).toBe('1700000000122-0');
    expect(compareStreamIds(cursorBefore('1700000000123-0'), '1700000000123-0')).toBeLessThan(0);
    expect(cursorBefore('0-5')).toBe('0-0');
  });
});
