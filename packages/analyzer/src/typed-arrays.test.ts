import { describe, expect, it } from 'vitest';
import { grownTypedArray } from './typed-arrays.js';

describe('grownTypedArray', () => {
  it('keeps the values and the element type, and at least doubles', () => {
    const small = Int32Array.from([1, -2, 3]);
    const doubled = grownTypedArray(small, 4);
    expect(doubled).toBeInstanceOf(Int32Array);
    expect(Array.from(doubled)).toEqual([1, -2, 3, 0, 0, 0]);
    const chars = grownTypedArray(Uint16Array.from([0x3042]), 10);
    expect(chars).toBeInstanceOf(Uint16Array);
    expect([chars.length, chars[0]]).toEqual([10, 0x3042]);
  });
});
