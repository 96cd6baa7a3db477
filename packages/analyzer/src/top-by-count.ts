// Ranking by count: a page's analysis keeps its top terms and phrases (`analyzeText`); the report orders by code unit.

/** Code-unit order: the same on every machine and ICU version, unlike `localeCompare`. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The counts `topByCount` selects in, reused: allocating a typed array per call cost more than the selection on a
 * page's few hundred terms (the function is synchronous, so one scratch serves every caller). Kept up to
 * {@link MAX_KEPT_SCRATCH} counts; a larger call gets its own.
 */
let countScratch = new Float64Array(1024);
const MAX_KEPT_SCRATCH = 65_536;
/** The indices tied at the cut, and their copy that selection reorders: reused as `countScratch` is. */
let tiedScratch = new Int32Array(1024);
let selectionScratch = new Int32Array(1024);
/** The keys' `prefixOf`, by index, for the final sort; grown as needed (a page's keys are few). */
let prefixScratch = new Float64Array(1024);

/**
 * The first three UTF-16 code units of `key` as one number (a shorter key padded with 0), ordered as the keys are:
 * different numbers mean keys in that order; equal numbers say nothing (compare the keys).
 */
function prefixOf(key: string): number {
  const length = key.length;
  const first = length > 0 ? key.charCodeAt(0) : 0;
  const second = length > 1 ? key.charCodeAt(1) : 0;
  const third = length > 2 ? key.charCodeAt(2) : 0;
  return first * 4_294_967_296 + second * 65_536 + third;
}

/**
 * The indices of the `limit` keys with the highest count (`counts[i]` is the count of `keys[i]`; only the first
 * `length` keys are ranked), highest first, ties broken by key in code-unit order, then by index: the same counts
 * always give the same list whatever the insertion order. `limit` past the number of keys gives them all, ranked.
 *
 * A page has hundreds of counted terms and phrases, most seen once, and keeps the top 50 and 20: only those that can
 * make the list are sorted. The limit-th highest count is found by selection (linear); every key counted more often
 * is in; of the keys counted exactly that often, only those that can still fit, also found by selection. The result
 * is that of sorting everything and keeping the first `limit`.
 */
export function topByCount(
  keys: readonly string[],
  counts: ArrayLike<number>,
  limit: number,
  length: number = keys.length,
): number[] {
  const n = length;
  const chosen: number[] = [];
  if (limit >= n) {
    for (let i = 0; i < n; i++) chosen.push(i);
  } else if (limit > 0) {
    if (countScratch.length < n && n <= MAX_KEPT_SCRATCH) countScratch = new Float64Array(MAX_KEPT_SCRATCH);
    const scratch = countScratch.length >= n ? countScratch : new Float64Array(n);
    for (let i = 0; i < n; i++) scratch[i] = counts[i] as number;
    const threshold = selectNumber(scratch, n, n - limit);
    if (tiedScratch.length < n && n <= MAX_KEPT_SCRATCH) {
      tiedScratch = new Int32Array(MAX_KEPT_SCRATCH);
      selectionScratch = new Int32Array(MAX_KEPT_SCRATCH);
    }
    const tied = tiedScratch.length >= n ? tiedScratch : new Int32Array(n);
    let tiedCount = 0;
    for (let i = 0; i < n; i++) {
      const count = counts[i] as number;
      if (count > threshold) chosen.push(i);
      else if (count === threshold) tied[tiedCount++] = i;
    }
    const room = limit - chosen.length;
    if (tiedCount > room) {
      // The room-th smallest key and every key up to it (a key may repeat: the sort below settles those).
      const selection = selectionScratch.length >= n ? selectionScratch : new Int32Array(n);
      for (let k = 0; k < tiedCount; k++) selection[k] = tied[k] as number;
      const last = keys[selectByKey(selection, tiedCount, room - 1, keys)] as string;
      for (let k = 0; k < tiedCount; k++) {
        const i = tied[k] as number;
        if ((keys[i] as string) <= last) chosen.push(i);
      }
    } else {
      for (let k = 0; k < tiedCount; k++) chosen.push(tied[k] as number);
    }
  }
  // Most comparisons are between keys of the same count, and most of those differ in their first code units: those
  // are compared as one number (`prefixOf`), the strings only where the numbers tie.
  if (prefixScratch.length < n) prefixScratch = new Float64Array(Math.max(n, 2 * prefixScratch.length));
  const prefixes = prefixScratch;
  for (const i of chosen) prefixes[i] = prefixOf(keys[i] as string);
  if (chosen.length <= INSERTION_SORT_MAX) insertionSort(chosen, keys, counts, prefixes);
  else chosen.sort((a, b) => compareRanks(a, b, keys, counts, prefixes));
  if (chosen.length > limit) chosen.length = Math.max(0, limit);
  return chosen;
}

/**
 * Up to this many chosen keys (a page keeps 50 terms and 20 phrases) are sorted by insertion, which compares inline:
 * `Array#sort` calls its comparator through the runtime, and those calls cost more than the whole sort of a page's
 * few dozen keys.
 */
const INSERTION_SORT_MAX = 64;

/** Negative when key `a` ranks before key `b`: higher count, then key in code-unit order, then lower index. */
function compareRanks(
  a: number,
  b: number,
  keys: readonly string[],
  counts: ArrayLike<number>,
  prefixes: Float64Array,
): number {
  return (
    (counts[b] as number) - (counts[a] as number) ||
    (prefixes[a] as number) - (prefixes[b] as number) ||
    compareStrings(keys[a] as string, keys[b] as string) ||
    a - b
  );
}

/** Sorts `indices` by `compareRanks`, numbers compared inline and the strings only where count and prefix tie. */
function insertionSort(
  indices: number[],
  keys: readonly string[],
  counts: ArrayLike<number>,
  prefixes: Float64Array,
): void {
  for (let i = 1; i < indices.length; i++) {
    const item = indices[i] as number;
    const count = counts[item] as number;
    const prefix = prefixes[item] as number;
    let j = i - 1;
    for (; j >= 0; j--) {
      const other = indices[j] as number;
      const otherCount = counts[other] as number;
      if (otherCount > count) break;
      if (otherCount === count) {
        const otherPrefix = prefixes[other] as number;
        if (otherPrefix < prefix) break;
        if (otherPrefix === prefix && compareRanks(other, item, keys, counts, prefixes) < 0) break;
      }
      indices[j + 1] = other;
    }
    indices[j + 1] = item;
  }
}

// Hoare's selection (Wirth's form): the element that would be at `k` if sorted; reorders the array. Linear on average.
// Two copies, one per element type, each kept monomorphic.

function selectNumber(items: Float64Array, length: number, k: number): number {
  let low = 0;
  let high = length - 1;
  while (low < high) {
    const pivot = items[(low + high) >> 1] as number;
    let i = low;
    let j = high;
    while (i <= j) {
      while ((items[i] as number) < pivot) i++;
      while ((items[j] as number) > pivot) j--;
      if (i <= j) {
        const swap = items[i] as number;
        items[i++] = items[j] as number;
        items[j--] = swap;
      }
    }
    if (k <= j) high = j;
    else if (k >= i) low = i;
    else break;
  }
  return items[k] as number;
}

/** The index (one of `indices[0, length)`) whose key would be at `k` if those were sorted by key; reorders them. */
function selectByKey(indices: Int32Array, length: number, k: number, keys: readonly string[]): number {
  let low = 0;
  let high = length - 1;
  while (low < high) {
    const pivot = keys[indices[(low + high) >> 1] as number] as string;
    let i = low;
    let j = high;
    while (i <= j) {
      while ((keys[indices[i] as number] as string) < pivot) i++;
      while ((keys[indices[j] as number] as string) > pivot) j--;
      if (i <= j) {
        const swap = indices[i] as number;
        indices[i++] = indices[j] as number;
        indices[j--] = swap;
      }
    }
    if (k <= j) high = j;
    else if (k >= i) low = i;
    else break;
  }
  return indices[k] as number;
}
