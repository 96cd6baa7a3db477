import { describe, expect, it } from 'vitest';
import { compareStreamIds, cursorBefore, notBeyond } from './stream-id.js';

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

describe('notBeyond', () => {
  it('keeps an id at or before the current millisecond', () => {
    expect(notBeyond('1700000000123-7', '1700000000123-0')).toBe('1700000000123-7');
    expect(notBeyond('1700000000000-0', '1700000000123-0')).toBe('1700000000000-0');
  });

  it('pulls a far-future id back to just before the current millisecond', () => {
    const capped = notBeyond('99999999999999-0', '1700000000123-4');
    expect(capped).toBe('1700000000122-18446744073709551615');
    expect(compareStreamIds(capped, '1700000000123-0')).toBeLessThan(0);
  });
});
