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
  const all = [...entries];
  all.sort(([keyA, a], [keyB, b]) => countOf(b) - countOf(a) || compareStrings(keyA, keyB));
  return all.slice(0, limit);
}
