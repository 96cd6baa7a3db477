import { HomographReadings } from './homograph-readings.js';
import type { Homograph } from './homograph-readings.js';
import type { KuromojiDictionary } from './kuromoji-dictionary.js';
import type { Token } from './token.js';
import { SharedTokens } from './shared-tokens.js';
import { NodeType, ViterbiLattice } from './viterbi-lattice.js';
import { WordEntries } from './word-dictionary.js';
import { WordPath } from './word-path.js';

const COMMA = 0x3001; // 、
const FULL_STOP = 0x3002; // 。

// kuromoji throws a TypeError on a lone surrogate (its trie cannot encode it as UTF-8) and on U+0000 (its trie then
// returns an entry the dictionary does not have). Such text only comes from broken pages, so both become U+FFFD, as
// TextDecoder would have made them. (String#toWellFormed is ES2024, not in our lib target, and misses NUL.)
// eslint-disable-next-line no-control-regex -- U+0000 is exactly what must be replaced
const UNTOKENIZABLE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]|\u0000/g;

/** `text` with lone surrogates and U+0000 replaced by U+FFFD: what both tokenizers are given. */
export function toTokenizable(text: string): string {
  return text.replace(UNTOKENIZABLE, '\uFFFD');
}

/**
 * kuromoji's `Tokenizer.tokenize`, reimplemented over its own dictionary files in linear time, giving the same tokens
 * in every field (including `word_id` and kuromoji's `word_position` arithmetic) with the same tie-breaking:
 * - the text is cut after every 、 and 。 into sentences, each tokenised on its own lattice (kuromoji's
 *   `splitByPunctuation`);
 * - at every code point the dictionary's words are found by walking the trie on the UTF-16 text (`DoubleArrayTrie`);
 * - unknown words are added where no word was found or the character's category is `invoke`; a `group` category
 *   makes one unknown word of the whole run of its characters (run ends found in one pass per sentence);
 * - the best path is found by `ViterbiLattice`, with kuromoji's costs, order and quirks.
 * Lone surrogates and U+0000 become U+FFFD first (kuromoji would throw). Not thread-safe: one instance per thread.
 */
export class LatticeTokenizer {
  readonly #dictionary: KuromojiDictionary;
  readonly #lattice: ViterbiLattice;
  #offsets = new Int32Array(1024);
  #categories = new Uint8Array(1024);
  #runEnds = new Int32Array(1024);
  readonly #shared: SharedTokens;
  readonly #homographs: HomographReadings;

  constructor(dictionary: KuromojiDictionary) {
    this.#dictionary = dictionary;
    this.#lattice = new ViterbiLattice(dictionary.connectionCosts);
    this.#shared = new SharedTokens(dictionary.known, dictionary.unknown);
    this.#homographs = new HomographReadings(dictionary);
  }

  /** The readings of a known word's entry and of the entries it cannot be told apart from (`HomographReadings`). */
  homographReadings(wordId: number): readonly Homograph[] {
    return this.#homographs.of(wordId);
  }

  /** The tokens of `text`, exactly as kuromoji's `tokenize(text)` gives them. */
  tokenize(text: string): Token[] {
    return this.#tokenize(text, false);
  }

  /**
   * The tokens of `text` for counting: the same tokens as `tokenize` but without `word_position`, shared by all
   * occurrences and calls (`SharedTokens`: no token is made per occurrence). Never to be changed.
   */
  tokenizeShared(text: string): Token[] {
    return this.#tokenize(text, true);
  }

  /** An empty word path for `tokenizePath`, its tokens shared with `tokenizeShared`'s. */
  newWordPath(): WordPath {
    return new WordPath(this.#shared);
  }

  /**
   * Fills `path` (from `newWordPath`) with the best path of `text` as entries and spans, for counting: the words
   * `tokenizeShared` would give, without a token each. A path is refilled by every call that is given it: give each
   * reader its own.
   */
  tokenizePath(text: string, path: WordPath): WordPath {
    const input = toTokenizable(text);
    path.reset(input);
    this.#forEachSentence(input, (start, end) => {
      const lattice = this.#lattice;
      const length = this.#bestPath(input, start, end);
      const nodes = lattice.path;
      for (let k = 0; k < length; k++) {
        const node = nodes[k] as number;
        path.push(
          lattice.type[node] as number,
          lattice.entry[node] as number,
          lattice.surfaceStart[node] as number,
          lattice.surfaceEnd[node] as number,
        );
      }
    });
    return path;
  }

  #tokenize(text: string, shared: boolean): Token[] {
    const input = toTokenizable(text);
    const tokens: Token[] = [];
    this.#forEachSentence(input, (start, end) => this.#tokensOf(input, start, end, tokens, shared));
    return tokens;
  }

  /** Calls `visit` for each sentence of `input`: cut after every 、 and 。 (kuromoji's `splitByPunctuation`). */
  #forEachSentence(input: string, visit: (start: number, end: number) => void): void {
    let start = 0;
    for (let at = 0; at < input.length; at++) {
      const code = input.charCodeAt(at);
      if (code === COMMA || code === FULL_STOP) {
        visit(start, at + 1);
        start = at + 1;
      }
    }
    if (start < input.length) visit(start, input.length);
  }

  #tokensOf(text: string, start: number, end: number, tokens: Token[], shared: boolean): void {
    const { known, unknown } = this.#dictionary;
    const lattice = this.#lattice;
    const length = this.#bestPath(text, start, end);
    const nodes = lattice.path;
    const lastPosition =
      tokens.length > 0 && !shared ? ((tokens[tokens.length - 1] as Token).word_position as number) : 0;
    for (let k = 0; k < length; k++) {
      const node = nodes[k] as number;
      const position = lastPosition + (lattice.start[node] as number) + 1;
      const entry = lattice.entry[node] as number;
      if (shared) {
        tokens.push(
          lattice.type[node] === NodeType.KNOWN
            ? this.#shared.known(entry)
            : this.#shared.unknown(
                text,
                lattice.surfaceStart[node] as number,
                lattice.surfaceEnd[node] as number,
                entry,
              ),
        );
      } else if (lattice.type[node] === NodeType.KNOWN) {
        tokens.push(makeToken(known.features(entry), WordEntries.wordId(entry), position, undefined));
      } else {
        const surface = text.slice(lattice.surfaceStart[node], lattice.surfaceEnd[node]);
        tokens.push(makeToken(unknown.features(entry), WordEntries.wordId(entry), position, surface));
      }
    }
  }

  /**
   * Finds the best path of the sentence `text[start, end)`; returns how many nodes it has (the first of the lattice's
   * `path`, valid until the next sentence).
   */
  #bestPath(text: string, start: number, end: number): number {
    const count = this.#readCharacters(text, start, end);
    const { trie, known, unknown, categories } = this.#dictionary;
    const { invoke, group, nameId } = categories;
    const offsets = this.#offsets;
    const classes = this.#categories;
    const lattice = this.#lattice;
    lattice.reset(end - start);
    for (let p = 0; p < count; p++) {
      const at = offsets[p] as number;
      lattice.startAt(p);
      const found = trie.commonPrefixSearch(text, at, end);
      for (let r = 0; r < found; r++) {
        const key = trie.ids[r] as number;
        const length = trie.lengths[r] as number;
        if (key + 1 >= known.targetStart.length) continue;
        for (let t = known.targetStart[key] as number, last = known.targetStart[key + 1] as number; t < last; t++) {
          const entry = known.targets[t] as number;
          const c = 3 * entry;
          const costs = known.costs;
          lattice.add(
            NodeType.KNOWN,
            entry,
            p,
            p + length,
            costs[c] as number,
            costs[c + 1] as number,
            costs[c + 2] as number,
          );
        }
      }
      const category = classes[p] as number;
      if (found === 0 || invoke[category] === 1) {
        let surfaceEnd = offsets[p + 1] as number;
        let wordEnd = p + 1;
        if (group[category] === 1 && p + 1 < count && nameId[classes[p + 1] as number] === nameId[category]) {
          surfaceEnd = this.#runEnds[p] as number;
          wordEnd = p + surfaceEnd - at;
        }
        const costs = unknown.costs;
        for (
          let t = unknown.targetStart[category] as number, last = unknown.targetStart[category + 1] as number;
          t < last;
          t++
        ) {
          const entry = unknown.targets[t] as number;
          const c = 3 * entry;
          lattice.add(
            NodeType.UNKNOWN,
            entry,
            p,
            wordEnd,
            costs[c] as number,
            costs[c + 1] as number,
            costs[c + 2] as number,
            at,
            surfaceEnd,
          );
        }
      }
    }
    return lattice.bestPath();
  }

  /**
   * Fills, for each code point of `text[start, end)`: its UTF-16 offset, its character category, and where the run
   * of characters of the same category name starting there ends. Returns the number of code points.
   */
  #readCharacters(text: string, start: number, end: number): number {
    if (this.#offsets.length < end - start + 1) {
      const length = Math.max(end - start + 1, this.#offsets.length * 2);
      this.#offsets = new Int32Array(length);
      this.#categories = new Uint8Array(length);
      this.#runEnds = new Int32Array(length);
    }
    const { ofUnit, defaultId, nameId } = this.#dictionary.categories;
    const offsets = this.#offsets;
    const classes = this.#categories;
    let count = 0;
    for (let at = start; at < end; count++) {
      offsets[count] = at;
      const code = text.charCodeAt(at);
      if (code >= 0xd800 && code <= 0xdbff) {
        classes[count] = defaultId; // char.def cannot name a surrogate pair: kuromoji makes it DEFAULT
        at += 2;
      } else {
        classes[count] = ofUnit[code] as number;
        at += 1;
      }
    }
    offsets[count] = end;
    const runEnds = this.#runEnds;
    for (let p = count - 1; p >= 0; p--) {
      runEnds[p] =
        p + 1 < count && nameId[classes[p + 1] as number] === nameId[classes[p] as number]
          ? (runEnds[p + 1] as number)
          : (offsets[p + 1] as number);
    }
    return count;
  }
}

// kuromoji's own key order (IpadicFormatter), so that tokens compare equal field for field; unknown words have no
// reading or pronunciation keys at all.
function makeToken(features: readonly string[], wordId: number, position: number, surface: string | undefined): Token {
  const token: { -readonly [K in keyof Token]: Token[K] } = {
    word_id: wordId,
    word_type: surface === undefined ? 'KNOWN' : 'UNKNOWN',
    word_position: position,
    surface_form: surface ?? (features[0] as string),
    pos: features[1] as string,
    pos_detail_1: features[2] as string,
    pos_detail_2: features[3] as string,
    pos_detail_3: features[4] as string,
    conjugated_type: features[5] as string,
    conjugated_form: features[6] as string,
    basic_form: features[7] as string,
  };
  if (surface === undefined) {
    token.reading = features[8];
    token.pronunciation = features[9];
  }
  return token;
}
