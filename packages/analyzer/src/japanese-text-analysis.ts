// Counting Japanese text: tokens (blanks left out), content words and compound nouns, fed chunk by chunk as tokens
// or as word paths (entries and spans, the cheap form: see `addPath`).
import { onStampsRestart } from './analysis-accumulator.js';
import type { AnalysisAccumulator } from './analysis-accumulator.js';
import { knownContentWordOf, normalizeWord, rememberedContentWordOf } from './content-words.js';
import type { ContentWord } from './content-words.js';
import { PhraseTable } from './phrase-table.js';
import { mixKey } from './table-hash.js';
import type { Token } from './token.js';
import { WordKind } from './word-path.js';
import type { WordPath } from './word-path.js';
import {
  WordRole,
  isAsciiWithoutLetter,
  isBlankSpan,
  knownRoleOf,
  onUnknownWordIdsRestart,
  roleOf,
  unknownClassRoleOf,
  unknownWordOf,
} from './word-roles.js';
import type { UnknownWord } from './word-roles.js';

/**
 * Analysis state for Japanese text, fed chunk by chunk (as tokens or as a `WordPath`): tokens counted (blanks
 * left out), content words, compound nouns.
 */
export class JapaneseTextAnalysis {
  readonly #accumulator: AnalysisAccumulator;
  readonly #compounds: CompoundNouns;

  constructor(accumulator: AnalysisAccumulator) {
    this.#accumulator = accumulator;
    this.#compounds = new CompoundNouns(accumulator);
  }

  addTokens(tokens: readonly Token[]): void {
    for (let i = 0; i < tokens.length; i++) this.#addToken(tokens[i] as Token);
  }

  /**
   * The words of `path`, as `addTokens` would count their tokens: a known word's role and content word are read by
   * its entry, an unknown word's token is made only when its surface matters (not for spaces, symbols or a number
   * outside a compound).
   */
  addPath(path: WordPath): void {
    const accumulator = this.#accumulator;
    const compounds = this.#compounds;
    const { kinds, entries, starts, ends, text } = path;
    for (let i = 0; i < path.length; i++) {
      let role: number;
      let unknown: UnknownWord | undefined;
      if (kinds[i] === WordKind.KNOWN) {
        role = knownRoleOf(path, i);
        const entry = entries[i] as number;
        if ((role === WordRole.NOUN || role === WordRole.COUNTED) && !accumulator.countSeenEntry(entry)) {
          accumulator.addKnownWord(
            entry,
            knownContentWordOf(entry) ?? (rememberedContentWordOf(path.token(i)) as ContentWord),
          );
        }
      } else {
        role = unknownClassRoleOf(path, i);
        const start = starts[i] as number;
        const end = ends[i] as number;
        if (role === 0 && !isAsciiWithoutLetter(text, start, end)) {
          // Its surface decides: role and content word remembered per class and surface, counted from its slots
          // when seen before on the page.
          unknown = unknownWordOf(path, i);
          role = unknown.role;
          const { word } = unknown;
          if (word !== undefined && role !== WordRole.BLANK && !accumulator.countSeen(unknown)) {
            accumulator.addSeenWord(word, unknown);
          }
        } else {
          if (role === 0) role = WordRole.OTHER;
          if (isBlankSpan(text, start, end)) role = WordRole.BLANK;
        }
      }
      if (role === WordRole.BLANK) {
        compounds.end();
        continue;
      }
      accumulator.tokens++;
      if (role === WordRole.NOUN || (role === WordRole.EXTENDS && compounds.running)) {
        compounds.pushWord(path, i, unknown);
      } else {
        compounds.end();
      }
    }
    compounds.settle();
  }

  end(): void {
    this.#compounds.end();
  }

  #addToken(token: Token): void {
    const word = rememberedContentWordOf(token);
    this.#add(token, word, roleOf(token, word));
  }

  #add(token: Token, word: ContentWord | undefined, role: WordRole): void {
    if (role === WordRole.BLANK) {
      this.#compounds.end();
      return;
    }
    this.#accumulator.tokens++;
    if (word !== undefined) this.#accumulator.addWord(word);
    if (role === WordRole.NOUN || (role === WordRole.EXTENDS && this.#compounds.running)) this.#compounds.push(token);
    else this.#compounds.end();
  }
}

/**
 * Finds compound nouns: maximal runs of at least two adjacent nouns that start with a content noun and go on with
 * content, 接尾 (〜さん, 〜性) or 数 nouns. The phrase is the run's surfaces joined, normalised like a term.
 */
class CompoundNouns {
  readonly #accumulator: AnalysisAccumulator;
  /**
   * The run so far: its first `#length` words, each a token or, when `undefined`, word `#indices[k]` of `#path`,
   * whose token is made only if the run reaches two words (most nouns stand alone). The arrays are reused.
   */
  readonly #run: Array<Token | undefined> = [];
  readonly #indices: number[] = [];
  #path: WordPath | undefined;
  #length = 0;
  /**
   * While every word of the run is a path's word: their keys (a known word's entry, `~id` of an unknown word's
   * `UnknownWord`), by which a compound seen before is found in `pathCompounds` without its surface.
   */
  #keyed = true;
  readonly #keys: number[] = [];

  constructor(accumulator: AnalysisAccumulator) {
    this.#accumulator = accumulator;
  }

  /** Whether a compound is under way (a 数 or 接尾 noun then extends it). */
  get running(): boolean {
    return this.#length > 0;
  }

  push(token: Token): void {
    this.#keyed = false;
    this.#run[this.#length++] = token;
  }

  /**
   * Adds word `i` of `path` (`unknown`: its `unknownWordOf`, if the caller has it); `settle()` before the path is
   * refilled.
   */
  pushWord(path: WordPath, i: number, unknown?: UnknownWord): void {
    const k = this.#length++;
    let key: number;
    if (path.kinds[i] === WordKind.KNOWN) {
      key = path.entries[i] as number;
      this.#path = path;
      this.#indices[k] = i;
      this.#run[k] = undefined;
    } else {
      const word = unknown ?? unknownWordOf(path, i);
      key = ~word.id;
      this.#run[k] = word.token;
    }
    this.#keys[k] = key;
  }

  /** Makes the tokens of the run's path words: the path is about to be refilled, and the run may go on. */
  settle(): void {
    for (let k = 0; k < this.#length; k++) this.#tokenAt(k);
  }

  end(): void {
    const length = this.#length;
    // Most words end no run: nothing to reset.
    if (length === 0) return;
    if (length >= 2) {
      if (this.#keyed) this.#endKeyed(length);
      else this.#accumulator.addPhrase(phraseOf(this.#surface(length)), this.#tokens(length), length);
    }
    this.#length = 0;
    this.#keyed = true;
  }

  /**
   * Counts a compound of path words by its keys: its surface is joined only the first time in the process, and its
   * tokens are shared by the pages that have it.
   */
  #endKeyed(length: number): void {
    const accumulator = this.#accumulator;
    const keys = this.#keys;
    let hash = 0;
    for (let k = 0; k < length; k++) hash = mixKey(hash, keys[k] as number);
    let id = pathCompounds.find(hash, keys, length);
    if (id >= 0) {
      const slot = pathCompounds.slotOf(id, accumulator.stamp);
      if (slot >= 0) {
        accumulator.countPhraseAt(slot);
        return;
      }
    } else {
      id = pathCompounds.add(hash, keys, length, phraseOf(this.#surface(length)));
    }
    let tokens = pathCompounds.tokens(id);
    if (tokens === undefined) {
      tokens = this.#tokens(length).slice(0, length);
      pathCompounds.setTokens(id, tokens);
    }
    pathCompounds.setSlot(id, accumulator.stamp, accumulator.addSharedPhrase(pathCompounds.phrase(id), tokens));
  }

  #surface(length: number): string {
    let surface = '';
    for (let k = 0; k < length; k++) surface += this.#tokenAt(k).surface_form;
    return surface;
  }

  /** The run's tokens, every one made. */
  #tokens(length: number): readonly Token[] {
    for (let k = 0; k < length; k++) this.#tokenAt(k);
    return this.#run as readonly Token[];
  }

  #tokenAt(k: number): Token {
    let token = this.#run[k];
    if (token === undefined) {
      token = (this.#path as WordPath).token(this.#indices[k] as number);
      this.#run[k] = token;
    }
    return token;
  }
}

/** Compounds of path words, by their keys (shared by the process's analyses). */
const pathCompounds = new PhraseTable();
onStampsRestart(() => pathCompounds.forget());
onUnknownWordIdsRestart(() => pathCompounds.forget());

/** Compounds (their surfaces joined) whose phrase is remembered; past this the memo starts afresh (bounded memory). */
const PHRASE_MEMO_SIZE = 100_000;
const phraseMemo = new Map<string, string>();

/** `normalizeWord(surface)`, worked out once per compound and process: the same compounds recur page after page. */
function phraseOf(surface: string): string {
  let phrase = phraseMemo.get(surface);
  if (phrase === undefined) {
    phrase = normalizeWord(surface);
    if (phraseMemo.size >= PHRASE_MEMO_SIZE) phraseMemo.clear();
    phraseMemo.set(surface, phrase);
  }
  return phrase;
}
