// A page's analysis: Japanese text through the tokenizer (content words, compound nouns), other text as English
// words (`LatinTextAnalysis`), both counted by one `AnalysisAccumulator` and ranked into the contract's `Analysis`.
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Analysis, PhraseCount, Term } from '@kumo/contract';
import { toKatakana } from 'wanakana';
import { DEFAULT_MAX_CHUNK_CHARS, assertMaxChunkChars, chunkText } from './chunk-text.js';
import { entryOf, isCountable, normalizeWord, rememberedContentWordOf, termOf } from './content-words.js';
import type { ContentWord } from './content-words.js';
import { AnalyzerOptionError } from './errors.js';
import type { Glossary } from './glossary.js';
import { readingFromEvidence } from './homograph-readings.js';
import type { EvidenceWord, Homograph } from './homograph-readings.js';
import { topByCount } from './top-by-count.js';
import type { JapaneseTokenizer, Token, TokenizeOptions } from './tokenizer.js';

/** How many terms an analysis keeps (the contract's 50). */
export const DEFAULT_MAX_TERMS = 50;
/** How many phrases an analysis keeps (the contract's 20). */
export const DEFAULT_MAX_PHRASES = 20;

export interface AnalyzeOptions extends TokenizeOptions {
  /**
   * The number of most frequent content words kept in `terms`.
   * @defaultValue 50 (`DEFAULT_MAX_TERMS`)
   */
  maxTerms?: number;
  /**
   * The number of most frequent compound nouns kept in `phrases`.
   * @defaultValue 20 (`DEFAULT_MAX_PHRASES`)
   */
  maxPhrases?: number;
  /** Domain terms kept whole, with their reading and part of speech (`Glossary.compile`). @defaultValue none */
  glossary?: Glossary | undefined;
}

const JAPANESE = /[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Han}]/u;

/**
 * The version of what {@link analyzeText} makes of a text: raise it with every change that gives a different
 * `Analysis` for the same text and options (words, readings, romaji, keywords). Cached analyses are keyed by it, so a
 * new analyzer never serves a page an older one's readings. 2: readings in context and compound keywords (#16).
 */
export const ANALYSIS_VERSION = 2;

/**
 * Analyses one page's text: token count, top content words, top compound nouns (see CONTRACT.md, `Analysis`).
 * Text with kana or kanji goes through kuromoji; text without any is segmented as English by `Intl.Segmenter`.
 * Yields to the event loop between chunks of `maxChunkChars`. Resolves for every string; it only throws
 * `AnalyzerOptionError` (`KUMO_ANALYZER_INVALID_OPTION`) for bad options.
 */
export async function analyzeText(
  text: string,
  tokenizer: JapaneseTokenizer,
  options: AnalyzeOptions = {},
): Promise<Analysis> {
  const maxTerms = positiveInteger('maxTerms', options.maxTerms ?? DEFAULT_MAX_TERMS);
  const maxPhrases = positiveInteger('maxPhrases', options.maxPhrases ?? DEFAULT_MAX_PHRASES);
  const maxChunkChars = options.maxChunkChars ?? DEFAULT_MAX_CHUNK_CHARS;
  assertMaxChunkChars(maxChunkChars);
  // Callers in plain JavaScript may hand over anything: treat a non-string as an empty page.
  const input = typeof text === 'string' ? text : '';
  const accumulator = new AnalysisAccumulator();
  if (JAPANESE.test(input)) {
    const compounds = new CompoundNouns(accumulator);
    const source = options.glossary === undefined ? tokenizer : options.glossary.wrap(tokenizer);
    // Shared tokens where the tokenizer has them: no token object per occurrence of a known word.
    const chunks =
      source.tokenizeChunksShared?.(input, { maxChunkChars }) ?? source.tokenizeChunks(input, { maxChunkChars });
    for await (const tokens of chunks) {
      for (let i = 0; i < tokens.length; i++) {
        const token = tokens[i] as Token;
        if (isBlank(token.surface_form)) {
          compounds.end();
          continue;
        }
        accumulator.tokens++;
        const word = rememberedContentWordOf(token);
        if (word !== undefined) accumulator.addWord(word);
        compounds.add(token, word);
      }
    }
    compounds.end();
  } else {
    const latin = new LatinTextAnalysis(accumulator);
    let chunks = 0;
    for (const chunk of chunkText(input, maxChunkChars)) {
      if (chunks++ > 0) await yieldToEventLoop();
      latin.addChunk(chunk);
    }
  }
  return accumulator.toAnalysis(maxTerms, maxPhrases, tokenizer.homographReadings?.bind(tokenizer));
}

/**
 * Finds compound nouns: maximal runs of at least two adjacent nouns that start with a content noun and go on with
 * content, 接尾 (〜さん, 〜性) or 数 nouns. The phrase is the run's surfaces joined, normalised like a term.
 */
class CompoundNouns {
  readonly #accumulator: AnalysisAccumulator;
  /** The run so far: its first `#length` tokens (the array is reused, never shrunk). */
  readonly #run: Token[] = [];
  #length = 0;

  constructor(accumulator: AnalysisAccumulator) {
    this.#accumulator = accumulator;
  }

  add(token: Token, word: ContentWord | undefined): void {
    if ((word !== undefined && word.pos === '名詞') || (this.#length > 0 && extendsRun(token))) {
      this.#run[this.#length++] = token;
    } else if (this.#length > 0) {
      this.end();
    }
  }

  end(): void {
    const length = this.#length;
    if (length >= 2) {
      const run = this.#run;
      let surface = '';
      for (let i = 0; i < length; i++) surface += (run[i] as Token).surface_form;
      this.#accumulator.addPhrase(phraseOf(surface), run, length);
    }
    this.#length = 0;
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

/**
 * The katakana reading of a run of tokens (each token's reading, a noun's as the page reads it, kana read as
 * written), or '' if a part has none.
 */
function runReading(run: readonly Token[], readings: PageReadings): string {
  let reading = '';
  for (const token of run) {
    const part = token.reading;
    if (part !== undefined && part !== '' && part !== '*') reading += readings.ofToken(token, part);
    else if (KANA.test(token.surface_form)) reading += toKatakana(token.surface_form);
    else return '';
  }
  return reading;
}

const segmenter = new Intl.Segmenter('en', { granularity: 'word' });
const KANA = /^[\u3041-\u3096\u30a1-\u30fc]+$/;
const SENTENCE_END = /[.!?]/;
/** A capital first letter and no other: at a sentence start, the ordinary word (`Natural` → natural). */
const CAPITALISED = /^\p{Lu}\P{Lu}*$/u;

/**
 * Analysis state for text without Japanese, fed chunk by chunk: word-like segments (Intl.Segmenter, `en`),
 * NFKC + lower-cased, English stop words and words without a letter dropped; `pos` 名詞 and `reading` ''. Phrases
 * are bigrams of two counted words separated by nothing but whitespace (punctuation or a stop word breaks them).
 */
class LatinTextAnalysis {
  readonly #accumulator: AnalysisAccumulator;
  /** The previous counted word, while only whitespace followed it. */
  #previous: string | undefined;
  /** One content word object per written form of this text (the accumulator counts variants per object). */
  readonly #words = new Map<string, ContentWord>();
  /** At the start of the text or of a sentence, where a capital says nothing about the word. */
  #sentenceStart = true;

  constructor(accumulator: AnalysisAccumulator) {
    this.#accumulator = accumulator;
  }

  addChunk(chunk: string): void {
    for (const { segment, isWordLike } of segmenter.segment(chunk)) {
      if (segment.trim() === '') continue;
      this.#accumulator.tokens++;
      if (!isWordLike) {
        this.#previous = undefined;
        if (SENTENCE_END.test(segment)) this.#sentenceStart = true;
        continue;
      }
      let written = segment.replaceAll('’', "'").normalize('NFKC');
      if (this.#sentenceStart && CAPITALISED.test(written)) written = written.toLowerCase();
      this.#sentenceStart = false;
      const word = normalizeWord(written);
      if (!isCountable(word)) {
        this.#previous = undefined;
        continue;
      }
      let content = this.#words.get(written);
      if (content === undefined) {
        content =
          written === word
            ? { term: word, reading: '', pos: '名詞' }
            : { term: word, reading: '', pos: '名詞', display: written };
        this.#words.set(written, content);
      }
      this.#accumulator.addWord(content);
      if (this.#previous !== undefined) this.#accumulator.addPhrase(`${this.#previous} ${word}`);
      this.#previous = word;
    }
  }
}

/** Counts the terms and phrases of one text, then ranks them into an `Analysis`. */
class AnalysisAccumulator {
  tokens = 0;
  /**
   * Where each content word object counted so far is in `#words`/`#wordCounts` (first-seen order): one Map lookup
   * per occurrence (the memo shares one object per dictionary entry, so this costs no string per occurrence); the
   * words are grouped by term only once, at the end.
   */
  readonly #wordSlots = new Map<ContentWord, number>();
  readonly #words: ContentWord[] = [];
  readonly #wordCounts: number[] = [];
  /**
   * Likewise for phrases: their slot, and per slot the phrase, its count and the tokens of its first occurrence
   * (compound nouns: their reading is worked out for the top phrases only, once the page's readings are known; the
   * tokens are immutable, one per dictionary entry for known words, and dropped with the accumulator).
   */
  readonly #phraseSlots = new Map<string, number>();
  readonly #phrases: string[] = [];
  readonly #phraseCounts: number[] = [];
  readonly #phraseRuns: Array<readonly Token[] | undefined> = [];

  addWord(word: ContentWord): void {
    const slot = this.#wordSlots.get(word);
    if (slot === undefined) {
      this.#wordSlots.set(word, this.#words.length);
      this.#words.push(word);
      this.#wordCounts.push(1);
    } else {
      this.#wordCounts[slot] = (this.#wordCounts[slot] as number) + 1;
    }
  }

  /**
   * Counts a phrase. A compound noun's run (the first `runLength` tokens of `run`) gives its reading (the report
   * reads compound keywords with it).
   */
  addPhrase(phrase: string, run?: readonly Token[], runLength = run?.length ?? 0): void {
    const slot = this.#phraseSlots.get(phrase);
    if (slot !== undefined) {
      this.#phraseCounts[slot] = (this.#phraseCounts[slot] as number) + 1;
      return;
    }
    this.#phraseSlots.set(phrase, this.#phrases.length);
    this.#phrases.push(phrase);
    this.#phraseCounts.push(1);
    this.#phraseRuns.push(run?.slice(0, runLength));
  }

  /** `homographs`: the tokenizer's `homographReadings`; without it, kuromoji's readings stay as they are. */
  toAnalysis(maxTerms: number, maxPhrases: number, homographs?: (wordId: number) => readonly Homograph[]): Analysis {
    // The words grouped by term: per term its total, and its words (variants) chained in first-seen order.
    const termSlots = new Map<string, number>();
    const terms: string[] = [];
    const termCounts: number[] = [];
    const firstWord: number[] = [];
    const lastWord: number[] = [];
    const words = this.#words;
    const wordCounts = this.#wordCounts;
    // A plain array: a typed array costs more to allocate than this page's grouping does.
    const nextWord: number[] = [];
    for (let w = 0; w < words.length; w++) nextWord.push(-1);
    for (let w = 0; w < words.length; w++) {
      const term = (words[w] as ContentWord).term;
      const t = termSlots.get(term);
      if (t === undefined) {
        termSlots.set(term, terms.length);
        terms.push(term);
        termCounts.push(wordCounts[w] as number);
        firstWord.push(w);
        lastWord.push(w);
      } else {
        termCounts[t] = (termCounts[t] as number) + (wordCounts[w] as number);
        nextWord[lastWord[t] as number] = w;
        lastWord[t] = w;
      }
    }
    const represent = (t: number) => representativeOf(words, wordCounts, nextWord, firstWord[t] as number);
    const readings = new PageReadings(homographs, terms, termSlots, represent, { words, nextWord, firstWord });
    const topTerms = topByCount(terms, termCounts, maxTerms).map((t): Term => {
      const term = terms[t] as string;
      const count = termCounts[t] as number;
      const { pos, reading: kuromojiReading, display } = represent(t);
      const reading = pos === '名詞' ? readings.ofTerm(t, kuromojiReading) : kuromojiReading;
      return display === '' ? { term, reading, pos, count } : { term, reading, pos, count, display };
    });
    const phrases = this.#phrases;
    const topPhrases = topByCount(phrases, this.#phraseCounts, maxPhrases).map((p): PhraseCount => {
      const phrase = phrases[p] as string;
      const count = this.#phraseCounts[p] as number;
      const run = this.#phraseRuns[p];
      const reading = run === undefined ? '' : runReading(run, readings);
      return reading === '' ? { phrase, count } : { phrase, count, reading };
    });
    return { tokens: this.tokens, terms: topTerms, phrases: topPhrases };
  }
}

/**
 * The part of speech, reading and display that represent a term: its words' counts merged per
 * `pos \t reading \t display`, the most frequent of those (the first seen wins a tie). The words are chained from
 * `first` through `next`, in first-seen order.
 */
function representativeOf(
  words: readonly ContentWord[],
  counts: readonly number[],
  next: readonly number[],
  first: number,
): { pos: string; reading: string; display: string } {
  const only = words[first] as ContentWord;
  if (next[first] === -1 && !hasTab(only)) {
    // One word, the usual case: its own fields, as the split below would give them.
    return { pos: only.pos, reading: only.reading, display: only.display ?? '' };
  }
  const merged = new Map<string, number>();
  for (let w = first; w !== -1; w = next[w] as number) {
    const word = words[w] as ContentWord;
    const variant =
      word.display === undefined ? `${word.pos}\t${word.reading}` : `${word.pos}\t${word.reading}\t${word.display}`;
    merged.set(variant, (merged.get(variant) ?? 0) + (counts[w] as number));
  }
  const [pos = '', reading = '', display = ''] = mostFrequent(merged).split('\t');
  return { pos, reading, display };
}

/** The words of a page grouped by term: term `t`'s words are chained from `firstWord[t]` through `nextWord` (-1 ends). */
interface TermWords {
  readonly words: readonly ContentWord[];
  readonly nextWord: readonly number[];
  readonly firstWord: readonly number[];
}

/**
 * The readings of a page's nouns. A homograph (`HomographReadings`: 行 クダリ/ギョウ, 仮名 カメイ/カナ) is read as the
 * page's other words that contain it (or are inside it) say (`readingFromEvidence`: 改行 カイギョウ reads 行 as ギョウ),
 * kuromoji's reading where the page says nothing. Inside compound nouns a word is read as the page reads it on its
 * own (one sense per page): 行番号 is ギョウバンゴウ where 行 is ギョウ, although kuromoji takes that 行 for the place
 * name アルキ. Worked out for the top terms and phrases only, once per term.
 */
class PageReadings {
  readonly #homographs: ((wordId: number) => readonly Homograph[]) | undefined;
  readonly #terms: readonly string[];
  readonly #slots: ReadonlyMap<string, number>;
  readonly #represent: (t: number) => { pos: string; reading: string };
  readonly #termWords: TermWords;
  /** Readings chosen from evidence, by entry (`word_id`): only homographs get here. */
  readonly #ofEntry = new Map<number, string>();
  readonly #ofTerm = new Map<number, string>();

  constructor(
    homographs: ((wordId: number) => readonly Homograph[]) | undefined,
    terms: readonly string[],
    slots: ReadonlyMap<string, number>,
    represent: (t: number) => { pos: string; reading: string },
    termWords: TermWords,
  ) {
    this.#homographs = homographs;
    this.#terms = terms;
    this.#slots = slots;
    this.#represent = represent;
    this.#termWords = termWords;
  }

  /** The reading of noun term `t`, whose occurrences kuromoji read most often as `reading`. */
  ofTerm(t: number, reading: string): string {
    if (this.#homographs === undefined) return reading;
    let chosen = this.#ofTerm.get(t);
    if (chosen === undefined) {
      chosen = reading;
      const { words, nextWord, firstWord } = this.#termWords;
      for (let w = firstWord[t] as number; w !== -1; w = nextWord[w] as number) {
        const word = words[w] as ContentWord;
        const id = word.reading === reading && word.pos === '名詞' ? entryOf(word) : undefined;
        if (id === undefined) continue;
        chosen = this.#ofEntryId(id, this.#terms[t] as string, reading);
        break;
      }
      this.#ofTerm.set(t, chosen);
    }
    return chosen;
  }

  /** The reading of one token of a compound noun, which kuromoji read `reading`. */
  ofToken(token: Token, reading: string): string {
    if (this.#homographs === undefined || token.pos !== '名詞' || token.word_type !== 'KNOWN') return reading;
    // A content noun's term is remembered with its entry; only other nouns (数, 接尾) are normalised here.
    const term = rememberedContentWordOf(token)?.term ?? termOf(token);
    const t = this.#slots.get(term);
    if (t !== undefined) {
      const own = this.#represent(t);
      if (own.pos === '名詞' && own.reading !== '') return this.ofTerm(t, own.reading);
    }
    const id = token.word_id;
    return id === undefined ? reading : this.#ofEntryId(id, term, reading);
  }

  #ofEntryId(id: number, term: string, reading: string): string {
    // Most entries have no homograph (the tokenizer remembers that per entry): nothing to choose, nothing to keep.
    const candidates = (this.#homographs as (wordId: number) => readonly Homograph[])(id);
    if (candidates.length <= 1) return reading;
    let chosen = this.#ofEntry.get(id);
    if (chosen === undefined) {
      chosen = readingFromEvidence(term, reading, candidates, this.#evidence(term));
      this.#ofEntry.set(id, chosen);
    }
    return chosen;
  }

  *#evidence(term: string): Generator<EvidenceWord> {
    const terms = this.#terms;
    for (let t = 0; t < terms.length; t++) {
      const word = terms[t] as string;
      if (word.length > term.length ? !word.includes(term) : word.length < 2 || !term.includes(word)) continue;
      yield [word, this.#represent(t).reading];
    }
  }
}

function hasTab(word: ContentWord): boolean {
  return word.pos.includes('\t') || word.reading.includes('\t') || (word.display?.includes('\t') ?? false);
}

/** The key with the highest count; the first one seen wins a tie (Map order is insertion order). */
function mostFrequent(counts: Map<string, number>): string {
  let best = '';
  let bestCount = 0;
  for (const [key, count] of counts) {
    if (count > bestCount) {
      best = key;
      bestCount = count;
    }
  }
  return best;
}

/**
 * `text.trim() === ''`, without trimming when the first character cannot be white space (almost every token:
 * printable ASCII, and everything above U+3000 but U+FEFF, which is where kana and kanji are).
 */
export function isBlank(text: string): boolean {
  const first = text.charCodeAt(0);
  if ((first > 0x20 && first < 0x7f) || (first > 0x3000 && first !== 0xfeff)) return false;
  return text.trim() === '';
}

function extendsRun(token: Token): boolean {
  if (token.pos !== '名詞') return false;
  if (token.pos_detail_1 === '数') return true;
  return token.pos_detail_1 === '接尾' && /\p{L}/u.test(token.surface_form);
}

function positiveInteger(option: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new AnalyzerOptionError(option, `${option} must be a positive integer (got ${String(value)})`);
  }
  return value;
}
