// Counting Japanese text: tokens (blanks left out), content words and compound nouns, fed chunk by chunk as tokens
// or as word paths (entries and spans, the cheap form: see `addPath`).
import type { AnalysisAccumulator } from './analysis-accumulator.js';
import { knownContentWordOf, normalizeWord, rememberedContentWordOf } from './content-words.js';
import type { ContentWord } from './content-words.js';
import type { Token } from './token.js';
import { WordKind } from './word-path.js';
import type { WordPath } from './word-path.js';
import {
  WordRole,
  isAsciiWithoutLetter,
  isBlankSpan,
  knownRoleOf,
  roleOf,
  unknownClassRoleOf,
  unknownWordOf,
} from './word-roles.js';

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
        if (role === 0) {
          if (!isAsciiWithoutLetter(text, start, end)) {
            const unknown = unknownWordOf(path, i);
            this.#add(unknown.token, unknown.word, unknown.role);
            continue;
          }
          role = WordRole.OTHER;
        }
        if (isBlankSpan(text, start, end)) role = WordRole.BLANK;
      }
      if (role === WordRole.BLANK) {
        compounds.end();
        continue;
      }
      accumulator.tokens++;
      if (role === WordRole.NOUN || (role === WordRole.EXTENDS && compounds.running)) compounds.pushWord(path, i);
      else compounds.end();
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

  constructor(accumulator: AnalysisAccumulator) {
    this.#accumulator = accumulator;
  }

  /** Whether a compound is under way (a 数 or 接尾 noun then extends it). */
  get running(): boolean {
    return this.#length > 0;
  }

  push(token: Token): void {
    this.#run[this.#length++] = token;
  }

  /** Adds word `i` of `path`; `settle()` before the path is refilled. */
  pushWord(path: WordPath, i: number): void {
    this.#path = path;
    this.#indices[this.#length] = i;
    this.#run[this.#length++] = undefined;
  }

  /** Makes the tokens of the run's path words: the path is about to be refilled, and the run may go on. */
  settle(): void {
    for (let k = 0; k < this.#length; k++) this.#tokenAt(k);
  }

  end(): void {
    const length = this.#length;
    if (length >= 2) {
      let surface = '';
      for (let k = 0; k < length; k++) surface += this.#tokenAt(k).surface_form;
      this.#accumulator.addPhrase(phraseOf(surface), this.#run as readonly Token[], length);
    }
    this.#length = 0;
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
