// The slots of a page's terms and phrases: each distinct string gets the next slot (0, 1, 2, …) the first time it is
// added, and is found again by its characters.
//
// Open addressing over typed arrays that are kept from page to page (`clear`): a Map per page grew and rehashed its
// buckets with every page's terms, and that garbage (~2 MB for 200 pages) pushed the tokenizer's dictionary out of
// the caches it shares with the counting.
import { hashChars, mixKey } from './table-hash.js';
import { grownTypedArray } from './typed-arrays.js';

/** Strings and their slots, in the order they were added; reusable after `clear()`. */
export class StringSlots {
  /** A slot + 1 per bucket, 0 for a free one; at most half full. */
  #buckets = new Int32Array(64);
  /** Per slot, its string's hash and the bucket that holds it (what `clear` frees). */
  #hashes = new Int32Array(32);
  #bucketOf = new Int32Array(32);
  readonly #keys: string[] = [];
  #size = 0;

  /** The number of strings added since the last `clear()`. */
  get size(): number {
    return this.#size;
  }

  /** The strings by slot; only the first `size` are this round's (the rest are an earlier round's, never read). */
  get keys(): readonly string[] {
    return this.#keys;
  }

  /** The slot of `key`, or -1 if it has not been added since the last `clear()`. */
  slotOf(key: string): number {
    const hash = hashOf(key);
    const buckets = this.#buckets;
    const mask = buckets.length - 1;
    for (let at = bucketOf(hash, mask); ; at = (at + 1) & mask) {
      const slot = (buckets[at] as number) - 1;
      if (slot < 0) return -1;
      if (this.#hashes[slot] === hash && this.#keys[slot] === key) return slot;
    }
  }

  /** Adds `key`, which `slotOf` does not know, and returns its slot: the next one. */
  add(key: string): number {
    const slot = this.#size++;
    if (2 * this.#size > this.#buckets.length) this.#grow();
    if (this.#hashes.length <= slot) {
      this.#hashes = grownTypedArray(this.#hashes, slot + 1);
      this.#bucketOf = grownTypedArray(this.#bucketOf, slot + 1);
    }
    const hash = hashOf(key);
    this.#keys[slot] = key;
    this.#hashes[slot] = hash;
    this.#place(slot, hash);
    return slot;
  }

  /** Forgets every string: the work is that of the strings added, not of the table's size. */
  clear(): void {
    const buckets = this.#buckets;
    const bucketOf = this.#bucketOf;
    for (let slot = 0; slot < this.#size; slot++) buckets[bucketOf[slot] as number] = 0;
    this.#size = 0;
  }

  #place(slot: number, hash: number): void {
    const buckets = this.#buckets;
    const mask = buckets.length - 1;
    let at = bucketOf(hash, mask);
    while (buckets[at] !== 0) at = (at + 1) & mask;
    buckets[at] = slot + 1;
    this.#bucketOf[slot] = at;
  }

  #grow(): void {
    this.#buckets = new Int32Array(2 * this.#buckets.length);
    // The slot being added is placed by `add`.
    for (let slot = 0; slot < this.#size - 1; slot++) this.#place(slot, this.#hashes[slot] as number);
  }
}

function hashOf(key: string): number {
  return hashChars(key.length, key, 0, key.length);
}

/** The bucket a hash starts probing at. */
function bucketOf(hash: number, mask: number): number {
  return mixKey(hash, 0) & mask;
}
