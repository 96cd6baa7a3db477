// Memos indexed by a known word's dictionary entry (`word_id / 10`): how far they may grow, and by how much.

/** Far above IPADIC's ~392,000 entries: a guard against growing a memo for an index that is no entry. */
export const MAX_ENTRY_INDEX = 4_000_000;

/**
 * A memo's first size once an entry needs room: IPADIC's entries fit, so a process grows each memo once instead of
 * doubling its way up (the copies showed in a fresh analysis worker's first pages).
 */
const FIRST_CAPACITY = 1 << 19;

/** The number of entries a memo of `capacity` entries grows to so that `index` fits. */
export function grownCapacity(capacity: number, index: number): number {
  return Math.max(index + 1, 2 * capacity, FIRST_CAPACITY);
}
