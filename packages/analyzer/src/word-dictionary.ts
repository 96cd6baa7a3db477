// The word dictionary of kuromoji's IPADIC: the double-array trie that finds the words starting at a position, and
// the entries (costs, feature lines) each word found there stands for. The lattice tokenizer reads both per
// character; `KuromojiDictionary` builds them from the dictionary files.
import { DictionaryLayoutError } from './errors.js';

/**
 * kuromoji's double-array trie (`base.dat`, `check.dat`; the `doublearray` package's layout): keys are the UTF-8
 * bytes of a surface form followed by a 0 byte, and the node reached by that 0 byte holds `-base - 1`, the key's trie
 * id. kuromoji encodes the whole rest of the sentence to UTF-8 at every position to search it; this walks the same
 * trie straight on the UTF-16 text, producing each code point's UTF-8 bytes as it goes, and stops at the first byte
 * the trie does not have.
 */
export class DoubleArrayTrie {
  readonly #base: Int32Array;
  readonly #check: Int32Array;
  /** Trie ids found by the last `commonPrefixSearch`, shortest key first. */
  readonly ids: Int32Array;
  /** UTF-16 length of each key found by the last `commonPrefixSearch`. */
  readonly lengths: Int32Array;

  constructor(base: Uint8Array, check: Uint8Array) {
    this.#base = new Int32Array(base.buffer, base.byteOffset, base.byteLength >> 2);
    this.#check = new Int32Array(check.buffer, check.byteOffset, check.byteLength >> 2);
    // A key is at most as long as the longest path of the trie; 1024 bytes is far more than IPADIC needs.
    this.ids = new Int32Array(1024);
    this.lengths = new Int32Array(1024);
  }

  /**
   * Finds every dictionary key that is a prefix of `text[start, end)` (kuromoji's `commonPrefixSearch`), filling
   * `ids` and `lengths`; returns how many. `text` must be well-formed UTF-16 (no lone surrogates).
   */
  commonPrefixSearch(text: string, start: number, end: number): number {
    const base = this.#base;
    const check = this.#check;
    const size = check.length;
    let found = 0;
    let node = 0;
    let child = 0;
    for (let i = start; i < end;) {
      let code = text.charCodeAt(i++);
      if (code >= 0xd800 && code <= 0xdbff) {
        code = ((code - 0xd800) << 10) + (text.charCodeAt(i++) - 0xdc00) + 0x10000;
      }
      if (code < 0x80) {
        child = (base[node] as number) + code;
        if (child < 0 || child >= size || check[child] !== node) return found;
        node = child;
      } else {
        let shift = code < 0x800 ? 6 : code < 0x10000 ? 12 : 18;
        let lead = code < 0x800 ? 0xc0 : code < 0x10000 ? 0xe0 : 0xf0;
        for (; shift >= 0; shift -= 6) {
          const byte = lead | ((code >> shift) & 0x3f);
          lead = 0x80;
          child = (base[node] as number) + byte;
          if (child < 0 || child >= size || check[child] !== node) return found;
          node = child;
        }
      }
      // The key ends here when the terminal byte 0 leads on to a leaf.
      const leaf = base[node] as number;
      if (leaf >= 0 && leaf < size && check[leaf] === node) {
        const value = base[leaf] as number;
        if (value <= 0 && found < this.ids.length) {
          this.ids[found] = -value - 1;
          this.lengths[found] = i - start;
          found++;
        }
      }
    }
    return found;
  }
}

/** Bytes of one entry in `tid.dat`/`unk.dat`: left id, right id, cost (int16 each), feature offset (int32). */
const ENTRY_BYTES = 10;

/**
 * The entries of one kuromoji dictionary (`tid.dat` + `tid_pos.dat` + `tid_map.dat` for known words, `unk.dat` +
 * `unk_pos.dat` + `unk_map.dat` for unknown-word categories), in flat typed arrays:
 * - an entry's id is its byte offset in `tid.dat` (kuromoji's `word_id`), always a multiple of 10; arrays below are
 *   indexed by `id / 10`;
 * - `idsOf(key)`: the entry ids of a trie id (or a character category), in kuromoji's order;
 * - `features(index)`: the entry's feature line (`surface,pos,…`) split at commas, decoded once and kept.
 */
export class WordEntries {
  /** int16 triples: left id, right id, word cost of entry `index` at `3 * index`. */
  readonly costs: Int16Array;
  /** Entry indices of key `k`: `targets[targetStart[k]]` … `targets[targetStart[k + 1] - 1]`. */
  readonly targetStart: Int32Array;
  readonly targets: Int32Array;
  /** Byte offset of each entry's feature line in `#features`. */
  readonly #featureOffsets: Int32Array;
  readonly #features: Uint8Array;
  readonly #cache: Array<readonly string[] | undefined>;
  readonly #decoder = new TextDecoder('utf-8', { ignoreBOM: true });

  /**
   * Keeps only what the entries the map refers to need (kuromoji's files are unshrunk buffers, mostly zeros at the
   * end): the raw entry and map files can be dropped by the caller.
   */
  constructor(file: string, entries: Uint8Array, features: Uint8Array, targetMap: Uint8Array) {
    [this.targetStart, this.targets] = readTargetMap(file, targetMap, Math.floor(entries.length / ENTRY_BYTES));
    let count = 0;
    for (const index of this.targets) if (index >= count) count = index + 1;
    const view = new DataView(entries.buffer, entries.byteOffset, entries.byteLength);
    this.costs = new Int16Array(count * 3);
    this.#featureOffsets = new Int32Array(count);
    for (let index = 0; index < count; index++) {
      const at = index * ENTRY_BYTES;
      this.costs[3 * index] = view.getInt16(at, true);
      this.costs[3 * index + 1] = view.getInt16(at + 2, true);
      this.costs[3 * index + 2] = view.getInt16(at + 4, true);
      this.#featureOffsets[index] = view.getInt32(at + 6, true);
    }
    let used = features.length;
    while (used > 0 && features[used - 1] === 0) used--;
    // A copy of the used part only: the zeros after it (most of the file) are freed with the original.
    this.#features = features.slice(0, used + 1);
    this.#cache = new Array<readonly string[] | undefined>(count);
  }

  /** kuromoji's `word_id` of the entry at `index`. */
  static wordId(index: number): number {
    return index * ENTRY_BYTES;
  }

  /** The feature line of entry `index` split at commas, as kuromoji's `getFeatures(id).split(',')`. */
  features(index: number): readonly string[] {
    let fields = this.#cache[index];
    if (fields === undefined) {
      const start = this.#featureOffsets[index] as number;
      let end = this.#features.indexOf(0, start);
      if (end < 0) end = this.#features.length;
      fields = this.#decoder.decode(this.#features.subarray(start, end)).split(',');
      this.#cache[index] = fields;
    }
    return fields;
  }
}

/**
 * `tid_map.dat`: int32 key count, then records `key, n, id × n` (little-endian) up to the end of the file, zeros
 * after the last record (a key with no ids). Repeated keys append, as kuromoji's `addMapping` does. Returns the map
 * as compressed rows of entry indices.
 */
function readTargetMap(file: string, bytes: Uint8Array, entryCount: number): [Int32Array, Int32Array] {
  const ints = new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 2);
  let maxKey = -1;
  let total = 0;
  for (let at = 1; at + 1 < ints.length;) {
    const key = ints[at] as number;
    const n = ints[at + 1] as number;
    if (n < 0 || at + 2 + n > ints.length || key < 0) {
      throw new DictionaryLayoutError(file, `a record at byte ${at * 4} runs past the end of the file`);
    }
    if (n > 0 && key > maxKey) maxKey = key;
    total += n;
    at += 2 + n;
  }
  const targetStart = new Int32Array(maxKey + 2);
  for (let at = 1; at + 1 < ints.length; at += 2 + (ints[at + 1] as number)) {
    const key = (ints[at] as number) + 1;
    if (key < targetStart.length) targetStart[key] = (targetStart[key] as number) + (ints[at + 1] as number);
  }
  for (let key = 0; key <= maxKey; key++) {
    targetStart[key + 1] = (targetStart[key + 1] as number) + (targetStart[key] as number);
  }
  const filled = targetStart.slice(0, maxKey + 1);
  const targets = new Int32Array(total);
  for (let at = 1; at + 1 < ints.length;) {
    const key = ints[at] as number;
    const n = ints[at + 1] as number;
    for (let i = 0; i < n; i++) {
      const id = ints[at + 2 + i] as number;
      if (id % ENTRY_BYTES !== 0 || id < 0 || id / ENTRY_BYTES >= entryCount) {
        throw new DictionaryLayoutError(file, `entry id ${id} is not an entry of the dictionary`);
      }
      const slot = filled[key] as number;
      targets[slot] = id / ENTRY_BYTES;
      filled[key] = slot + 1;
    }
    at += 2 + n;
  }
  return [targetStart, targets];
}
