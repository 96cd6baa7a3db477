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
