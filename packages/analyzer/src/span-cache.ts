// Values remembered per character class entry and surface, looked up by a span of the text (no slice, no string
// hash): the shared tokens of unknown words (`SharedTokens`) and their roles in counting (`unknownWordOf`).

interface Remembered<T> {
  readonly entry: number;
  readonly surface: string;
  readonly value: T;
}

export class SpanCache<T> {
  /** By a hash of the entry and the surface; each bucket is checked for both. */
  readonly #buckets = new Map<number, Array<Remembered<T>>>();
  #size = 0;
  readonly #maxChars: number;
  readonly #maxValues: number;

  /**
   * `maxChars`: longer surfaces are never remembered (long runs such as code and URLs rarely recur); `maxValues`:
   * past this many the cache starts afresh (bounded memory).
   */
  constructor(maxChars: number, maxValues: number) {
    this.#maxChars = maxChars;
    this.#maxValues = maxValues;
  }

  /** The value remembered for `entry` and the surface `text[start, end)`, or undefined. */
  get(entry: number, text: string, start: number, end: number): T | undefined {
    if (end - start > this.#maxChars) return undefined;
    const bucket = this.#buckets.get(hashOf(entry, text, start, end));
    if (bucket === undefined) return undefined;
    for (const remembered of bucket) {
      const { surface } = remembered;
      if (remembered.entry === entry && surface.length === end - start && text.startsWith(surface, start)) {
        return remembered.value;
      }
    }
    return undefined;
  }

  /** Remembers `value` for `entry` and `surface` (`text[start, end)`), unless the surface is too long. */
  set(entry: number, text: string, start: number, end: number, surface: string, value: T): void {
    if (end - start > this.#maxChars) return;
    if (this.#size >= this.#maxValues) {
      this.#buckets.clear();
      this.#size = 0;
    }
    const hash = hashOf(entry, text, start, end);
    const bucket = this.#buckets.get(hash);
    if (bucket === undefined) this.#buckets.set(hash, [{ entry, surface, value }]);
    else bucket.push({ entry, surface, value });
    this.#size++;
  }
}

function hashOf(entry: number, text: string, start: number, end: number): number {
  let hash = entry;
  for (let at = start; at < end; at++) hash = (Math.imul(hash, 31) + text.charCodeAt(at)) | 0;
  return hash;
}
