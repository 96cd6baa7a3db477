// Growing the typed arrays that tables over typed arrays keep (`PhraseTable`, `SpanCache`, `StringSlots`, the
// lattice's best path).

/** A copy of `array` with room for at least `length` elements: doubled at least, so that growing stays linear. */
export function grownTypedArray<T extends Int32Array | Uint16Array>(array: T, length: number): T {
  const make = array.constructor as new (length: number) => T;
  const grown = new make(Math.max(length, 2 * array.length));
  grown.set(array);
  return grown;
}
