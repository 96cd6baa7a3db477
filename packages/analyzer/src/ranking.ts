/** Code-unit order: the same on every machine and ICU version, unlike `localeCompare`. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The `limit` entries with the highest count, ties broken by key in code-unit order, so that the same counts always
 * give the same list whatever the insertion order.
 */
export function topByCount<T>(
  entries: Iterable<readonly [string, T]>,
  countOf: (value: T) => number,
  limit: number,
): Array<readonly [string, T]> {
  let all = [...entries];
  if (Number.isInteger(limit) && limit > 0 && all.length > limit) {
    // Only entries counted at least as often as the limit-th highest count can make the list: sort those alone.
    const counts = Float64Array.from(all, ([, value]) => countOf(value)).sort();
    const threshold = counts[counts.length - limit] as number;
    all = all.filter(([, value]) => countOf(value) >= threshold);
  }
  all.sort(([keyA, a], [keyB, b]) => countOf(b) - countOf(a) || compareStrings(keyA, keyB));
  return all.slice(0, limit);
}
