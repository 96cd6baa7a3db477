// The best path of a chunk as dictionary entries rather than tokens: what counting reads, so that a word costs two
// typed-array loads instead of a token's fields (`LatticeTokenizer.tokenizePath`, `ChunkedTokenizer.tokenizeChunksPath`).
import type { SharedTokens } from './shared-tokens.js';
import type { Token } from './token.js';
import { NodeType } from './viterbi-lattice.js';

/** What word `i` of a path is: a known dictionary entry or an unknown word of a character class. */
export const WordKind = { KNOWN: NodeType.KNOWN, UNKNOWN: NodeType.UNKNOWN } as const;

/**
 * The words of one chunk's best path, in text order: kind and entry index (kuromoji's `word_id / 10`), and for an
 * unknown word its surface `text[starts[i], ends[i])`. A path is refilled chunk after chunk (one per
 * `tokenizeChunksPath` call): read it before asking for the next chunk, and keep nothing but what `token(i)` returns.
 */
export class WordPath {
  /** The chunk as tokenised (lone surrogates and U+0000 already replaced): what the spans index. */
  text = '';
  length = 0;
  kinds = new Uint8Array(256);
  entries = new Int32Array(256);
  starts = new Int32Array(256);
  ends = new Int32Array(256);
  readonly #tokens: SharedTokens;

  constructor(tokens: SharedTokens) {
    this.#tokens = tokens;
  }

  /** Empties the path for the words of `text`. */
  reset(text: string): void {
    this.text = text;
    this.length = 0;
  }

  push(kind: number, entry: number, start: number, end: number): void {
    if (this.length === this.kinds.length) this.#grow();
    const i = this.length++;
    this.kinds[i] = kind;
    this.entries[i] = entry;
    this.starts[i] = start;
    this.ends[i] = end;
  }

  /** Word `i` as the token `tokenizeShared` gives (shared by its occurrences, without `word_position`): never to be changed. */
  token(i: number): Token {
    const entry = this.entries[i] as number;
    return this.kinds[i] === WordKind.KNOWN
      ? this.#tokens.known(entry)
      : this.#tokens.unknown(this.text, this.starts[i] as number, this.ends[i] as number, entry);
  }

  #grow(): void {
    const length = this.kinds.length * 2;
    const kinds = new Uint8Array(length);
    const entries = new Int32Array(length);
    const starts = new Int32Array(length);
    const ends = new Int32Array(length);
    kinds.set(this.kinds);
    entries.set(this.entries);
    starts.set(this.starts);
    ends.set(this.ends);
    this.kinds = kinds;
    this.entries = entries;
    this.starts = starts;
    this.ends = ends;
  }
}
