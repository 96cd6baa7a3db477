// Compound nouns remembered by their words' keys (a known word's entry, `~id` of an unknown word's `UnknownWord`): a
// compound seen before is found by a hash of its keys (no surfaces joined, no string hashed, no token made); its
// tokens, and where the analysis that counted it last keeps its count, are remembered beside it. A compound seen
// before costs a few loads from typed arrays instead of a dozen objects.
import type { Token } from './token.js';
import { grownTypedArray } from './typed-arrays.js';

/** Compounds remembered; past this the table starts afresh (bounded memory, ~4 MB at most). */
const MAX_PHRASES = 100_000;
/** 2^18 slots: at most 38 % full, so that a lookup probes one or two. */
const SLOT_BITS = 18;
const SLOT_MASK = (1 << SLOT_BITS) - 1;
/** Per compound: its hash, where its keys start in the pool, how many, the stamp and slot of its last counter. */
const RECORD = 5;
const HASH = 0;
const START = 1;
const LENGTH = 2;
const STAMP = 3;
const SLOT = 4;

export class PhraseTable {
  /** Open addressing by hash: a compound's id + 1, 0 for a free slot. */
  #slots = new Int32Array(1 << SLOT_BITS);
  #records: Int32Array = new Int32Array(RECORD * 1024);
  /** The compounds' keys, one after another. */
  #pool: Int32Array = new Int32Array(4096);
  #poolLength = 0;
  readonly #phrases: string[] = [];
  /** Per compound, its tokens once made (`tokens`): one array per compound, not one per page that has it. */
  readonly #tokens: Array<readonly Token[] | undefined> = [];

  /** The id of the compound of `keys[0, length)`, whose hash is `hash` (`mixKey`), or -1 if not remembered. */
  find(hash: number, keys: ArrayLike<number>, length: number): number {
    const slots = this.#slots;
    const records = this.#records;
    const pool = this.#pool;
    for (let at = hash & SLOT_MASK; ; at = (at + 1) & SLOT_MASK) {
      const id = (slots[at] as number) - 1;
      if (id < 0) return -1;
      const record = RECORD * id;
      if (records[record + HASH] !== hash || records[record + LENGTH] !== length) continue;
      const start = records[record + START] as number;
      let k = 0;
      while (k < length && pool[start + k] === keys[k]) k++;
      if (k === length) return id;
    }
  }

  /** Remembers `phrase` for the compound of `keys[0, length)` (not remembered yet), whose hash is `hash`: its id. */
  add(hash: number, keys: ArrayLike<number>, length: number, phrase: string): number {
    if (this.#phrases.length >= MAX_PHRASES) this.forget();
    const id = this.#phrases.length;
    this.#phrases.push(phrase);
    this.#tokens.push(undefined);
    if (this.#records.length < RECORD * (id + 1)) this.#records = grownTypedArray(this.#records, RECORD * (id + 1));
    if (this.#pool.length < this.#poolLength + length) {
      this.#pool = grownTypedArray(this.#pool, this.#poolLength + length);
    }
    for (let k = 0; k < length; k++) this.#pool[this.#poolLength + k] = keys[k] as number;
    const record = RECORD * id;
    this.#records[record + HASH] = hash;
    this.#records[record + START] = this.#poolLength;
    this.#records[record + LENGTH] = length;
    this.#records[record + STAMP] = 0;
    this.#poolLength += length;
    let at = hash & SLOT_MASK;
    while (this.#slots[at] !== 0) at = (at + 1) & SLOT_MASK;
    this.#slots[at] = id + 1;
    return id;
  }

  /** The phrase of compound `id`. */
  phrase(id: number): string {
    return this.#phrases[id] as string;
  }

  /** The tokens of compound `id` (shared: never to be changed), if remembered (`setTokens`). */
  tokens(id: number): readonly Token[] | undefined {
    return this.#tokens[id];
  }

  /** Remembers the tokens of compound `id`. */
  setTokens(id: number, tokens: readonly Token[]): void {
    this.#tokens[id] = tokens;
  }

  /** The slot compound `id` is counted in by the analysis of stamp `stamp`, or -1 if another one counted it last. */
  slotOf(id: number, stamp: number): number {
    const record = RECORD * id;
    return this.#records[record + STAMP] === stamp ? (this.#records[record + SLOT] as number) : -1;
  }

  /** Remembers that the analysis of stamp `stamp` counts compound `id` in its slot `slot`. */
  setSlot(id: number, stamp: number, slot: number): void {
    const record = RECORD * id;
    this.#records[record + STAMP] = stamp;
    this.#records[record + SLOT] = slot;
  }

  /** Forgets every compound. The stamps go with them, so a reused id is never taken for an earlier compound. */
  forget(): void {
    this.#slots.fill(0);
    this.#records.fill(0);
    this.#poolLength = 0;
    this.#phrases.length = 0;
    this.#tokens.length = 0;
  }
}
