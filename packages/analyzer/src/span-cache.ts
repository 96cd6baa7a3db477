// Values remembered per character class entry and surface, looked up by a span of the text (no slice, no string
// hash): the shared tokens of unknown words (`SharedTokens`) and their roles in counting (`unknownWordOf`).
//
// Open addressing over typed arrays, the surfaces copied into one character pool: a lookup reads a slot, a record
// and a few characters, where a Map of buckets of objects read five objects scattered over the heap (each a cache
// miss once the tokenizer has run over its dictionary).
import { hashChars } from './table-hash.js';
import { grownTypedArray } from './typed-arrays.js';

/** Per value: its hash, entry, where its surface starts in the pool, and its length. */
const RECORD = 4;
const HASH = 0;
const ENTRY = 1;
const START = 2;
const LENGTH = 3;

export class SpanCache<T> {
  /** A value's index + 1 per slot, 0 for a free one; at most half full. */
  readonly #slots: Int32Array;
  readonly #shift: number;
  #records: Int32Array = new Int32Array(RECORD * 256);
  #chars: Uint16Array = new Uint16Array(1024);
  #charsLength = 0;
  readonly #values: T[] = [];
  readonly #maxChars: number;
  readonly #maxValues: number;

  /**
   * `maxChars`: longer surfaces are never remembered (long runs such as code and URLs rarely recur); `maxValues`:
   * past this many the cache starts afresh (bounded memory).
   */
  constructor(maxChars: number, maxValues: number) {
    this.#maxChars = maxChars;
    this.#maxValues = maxValues;
    const bits = Math.max(4, Math.ceil(Math.log2(2 * maxValues)));
    this.#slots = new Int32Array(1 << bits);
    this.#shift = 32 - bits;
  }

  /** The value remembered for `entry` and the surface `text[start, end)`, or undefined. */
  get(entry: number, text: string, start: number, end: number): T | undefined {
    const length = end - start;
    if (length > this.#maxChars) return undefined;
    const hash = hashChars(entry, text, start, end);
    const slots = this.#slots;
    const records = this.#records;
    const chars = this.#chars;
    const mask = slots.length - 1;
    for (let at = slotOf(hash, this.#shift); ; at = (at + 1) & mask) {
      const value = (slots[at] as number) - 1;
      if (value < 0) return undefined;
      const record = RECORD * value;
      if (records[record + HASH] !== hash || records[record + ENTRY] !== entry) continue;
      if (records[record + LENGTH] !== length) continue;
      const from = (records[record + START] as number) - start;
      let k = start;
      while (k < end && chars[from + k] === text.charCodeAt(k)) k++;
      if (k === end) return this.#values[value];
    }
  }

  /** Remembers `value` for `entry` and `surface` (`text[start, end)`, not remembered yet), unless it is too long. */
  set(entry: number, text: string, start: number, end: number, surface: string, value: T): void {
    const length = end - start;
    if (length > this.#maxChars) return;
    if (this.#values.length >= this.#maxValues) this.clear();
    const index = this.#values.length;
    this.#values.push(value);
    if (this.#records.length < RECORD * (index + 1))
      this.#records = grownTypedArray(this.#records, RECORD * (index + 1));
    if (this.#chars.length < this.#charsLength + length) {
      this.#chars = grownTypedArray(this.#chars, this.#charsLength + length);
    }
    for (let k = 0; k < length; k++) this.#chars[this.#charsLength + k] = surface.charCodeAt(k);
    const hash = hashChars(entry, text, start, end);
    const record = RECORD * index;
    this.#records[record + HASH] = hash;
    this.#records[record + ENTRY] = entry;
    this.#records[record + START] = this.#charsLength;
    this.#records[record + LENGTH] = length;
    this.#charsLength += length;
    const mask = this.#slots.length - 1;
    let at = slotOf(hash, this.#shift);
    while (this.#slots[at] !== 0) at = (at + 1) & mask;
    this.#slots[at] = index + 1;
  }

  /** Forgets every value. */
  clear(): void {
    this.#slots.fill(0);
    this.#values.length = 0;
    this.#charsLength = 0;
  }
}

/** The slot a hash starts probing at: its top bits after a multiplicative mix (`hashChars`' low bits are poor). */
function slotOf(hash: number, shift: number): number {
  return Math.imul(hash, 0x9e3779b1) >>> shift;
}
