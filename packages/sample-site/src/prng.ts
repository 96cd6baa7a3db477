import { SampleSiteGeneratorError } from './errors.js';

/**
 * A small seeded PRNG (mulberry32). Deterministic on every Node version and platform, which is the point:
 * the same seed must give byte-identical sites years from now, so Math.random and crypto are out.
 */
export class Prng {
  private state: number;
  private readonly initial: number;

  constructor(seed: number | string) {
    this.initial = typeof seed === 'number' ? seed >>> 0 : fnv1a32(seed);
    this.state = this.initial;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max] (both included). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new SampleSiteGeneratorError('pick() from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** A shuffled copy (Fisher-Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
    }
    return copy;
  }

  /** A child generator whose sequence depends only on this one's seed and `label`, not on how much was drawn. */
  fork(label: string): Prng {
    return new Prng(fnv1a32(`${this.initial}:${label}`));
  }
}

/** 32-bit FNV-1a of a string's UTF-16 code units: cheap, stable, good enough to spread paths and seeds. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
