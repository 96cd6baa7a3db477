// The tokens `LatticeTokenizer.tokenizeShared` gives: one object per dictionary entry for a known word, one per
// character class and surface for an unknown one, so that counting makes no token (and no surface string) per
// occurrence, and Map lookups by a shared surface find its hash already computed.
import { SpanCache } from './span-cache.js';
import type { Token } from './token.js';
import { WordEntries } from './word-dictionary.js';

/** Unknown words longer than this get a fresh token each time: long runs (code, URLs) rarely recur. */
const MAX_SHARED_UNKNOWN_CHARS = 32;
/** Shared unknown-word tokens kept; past this the cache starts afresh (bounded memory). */
const MAX_SHARED_UNKNOWN_TOKENS = 50_000;

export class SharedTokens {
  readonly #known: WordEntries;
  readonly #unknown: WordEntries;
  /** Indexed by entry; filled, not sparse (a sparse array this long would fall back to a dictionary of elements). */
  readonly #knownTokens: Array<Token | undefined>;
  /** By character class entry and surface. */
  readonly #unknownTokens = new SpanCache<Token>(MAX_SHARED_UNKNOWN_CHARS, MAX_SHARED_UNKNOWN_TOKENS);

  constructor(known: WordEntries, unknown: WordEntries) {
    this.#known = known;
    this.#unknown = unknown;
    this.#knownTokens = new Array<Token | undefined>(known.costs.length / 3).fill(undefined);
  }

  /** The token of known entry `entry`. */
  known(entry: number): Token {
    let token = this.#knownTokens[entry];
    if (token === undefined) {
      const features = this.#known.features(entry);
      token = {
        word_id: WordEntries.wordId(entry),
        word_type: 'KNOWN',
        ...fieldsOf(features, features[0] as string),
        reading: features[8],
        pronunciation: features[9],
      };
      this.#knownTokens[entry] = token;
    }
    return token;
  }

  /** The token of an unknown word of class entry `entry`, its surface `text[start, end)`. */
  unknown(text: string, start: number, end: number, entry: number): Token {
    const shared = this.#unknownTokens.get(entry, text, start, end);
    if (shared !== undefined) return shared;
    const token = this.#unknownToken(entry, WordEntries.wordId(entry), text.slice(start, end));
    this.#unknownTokens.set(entry, text, start, end, token.surface_form, token);
    return token;
  }

  // kuromoji's fields of an unknown word: no reading or pronunciation keys.
  #unknownToken(entry: number, wordId: number, surface: string): Token {
    return { word_id: wordId, word_type: 'UNKNOWN', ...fieldsOf(this.#unknown.features(entry), surface) };
  }
}

function fieldsOf(features: readonly string[], surface: string) {
  return {
    surface_form: surface,
    pos: features[1] as string,
    pos_detail_1: features[2] as string,
    pos_detail_2: features[3] as string,
    pos_detail_3: features[4] as string,
    conjugated_type: features[5] as string,
    conjugated_form: features[6] as string,
    basic_form: features[7] as string,
  };
}
