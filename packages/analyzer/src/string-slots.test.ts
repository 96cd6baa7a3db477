import { describe, expect, it } from 'vitest';
import { StringSlots } from './string-slots.js';

describe('StringSlots', () => {
  it('gives each new string the next slot and finds it again by its characters', () => {
    const slots = new StringSlots();
    expect(slots.slotOf('形態素')).toBe(-1);
    expect(slots.add('形態素')).toBe(0);
    expect(slots.add('解析')).toBe(1);
    expect(slots.add('')).toBe(2);
    // Equal characters, another string object: found.
    expect(slots.slotOf(['形', '態', '素'].join(''))).toBe(0);
    expect(slots.slotOf('解析')).toBe(1);
    expect(slots.slotOf('')).toBe(2);
    expect(slots.slotOf('解')).toBe(-1);
    expect(slots.size).toBe(3);
    expect(slots.keys.slice(0, slots.size)).toEqual(['形態素', '解析', '']);
  });

  it('keeps every string of a large page apart as its table grows', () => {
    const slots = new StringSlots();
    const strings = Array.from({ length: 5_000 }, (_, i) => `語${i.toString(36)}`);
    strings.forEach((key, i) => expect(slots.add(key)).toBe(i));
    expect(strings.map((key) => slots.slotOf(key))).toEqual(strings.map((_, i) => i));
    expect(slots.slotOf('語')).toBe(-1);
  });

  it('forgets every string on clear, and starts the slots again at 0', () => {
    const slots = new StringSlots();
    for (let i = 0; i < 300; i++) slots.add(`前${i}`);
    slots.clear();
    expect(slots.size).toBe(0);
    expect(slots.slotOf('前0')).toBe(-1);
    expect(slots.slotOf('前299')).toBe(-1);
    expect(slots.add('後')).toBe(0);
    expect(slots.add('前0')).toBe(1);
    expect(slots.slotOf('後')).toBe(0);
    expect(slots.slotOf('前0')).toBe(1);
    expect(slots.slotOf('前1')).toBe(-1);
  });
});
