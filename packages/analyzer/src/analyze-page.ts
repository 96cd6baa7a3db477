// A page's analysis: Japanese text through the tokenizer (content words, compound nouns), other text as English
// words (`LatinTextAnalysis`), both counted by one `AnalysisAccumulator` and ranked into the contract's `Analysis`.
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Analysis, PhraseCount, Term } from '@kumo/contract';
import { toKatakana } from 'wanakana';
import { DEFAULT_MAX_CHUNK_CHARS, assertMaxChunkChars, chunkText } from './chunk-text.js';
import { isCountable, normalizeWord, rememberedContentWordOf } from './content-words.js';
import type { ContentWord } from './content-words.js';
import { AnalyzerOptionError } from './errors.js';
import type { Glossary } from './glossary.js';
import { topByCount } from './report-builder.js';
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
    for await (const tokens of source.tokenizeChunks(input, { maxChunkChars })) {
      for (const token of tokens) {
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
  return accumulator.toAnalysis(maxTerms, maxPhrases);
}

/**
 * Finds compound nouns: maximal runs of at least two adjacent nouns that start with a content noun and go on with
 * content, 接尾 (〜さん, 〜性) or 数 nouns. The phrase is the run's surfaces joined, normalised like a term.
 */
class CompoundNouns {
  readonly #accumulator: AnalysisAccumulator;
  readonly #run: Token[] = [];

  constructor(accumulator: AnalysisAccumulator) {
    this.#accumulator = accumulator;
  }

  add(token: Token, word: ContentWord | undefined): void {
    if (word !== undefined && word.pos === '名詞') {
      this.#run.push(token);
    } else if (this.#run.length > 0 && extendsRun(token)) {
      this.#run.push(token);
    } else {
      this.end();
    }
  }

  end(): void {
    const run = this.#run;
    if (run.length >= 2) {
      let surface = '';
      for (const token of run) surface += token.surface_form;
      const phrase = normalizeWord(surface);
      this.#accumulator.addPhrase(phrase, run);
    }
    run.length = 0;
  }
}

/** The katakana reading of a run of tokens (each token's reading, kana read as written), or '' if a part has none. */
function runReading(run: readonly Token[]): string {
  let reading = '';
  for (const token of run) {
    const part = token.reading;
    if (part !== undefined && part !== '' && part !== '*') reading += part;
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

interface TermCount {
  count: number;
  /**
   * Occurrences per content word object (the memo shares one per dictionary entry, so this costs no string per
   * occurrence); merged per `pos \t reading` at the end, where the most frequent one represents the term.
   */
  variants: Map<ContentWord, number>;
}

/** Counts the terms and phrases of one text, then ranks them into an `Analysis`. */
class AnalysisAccumulator {
  tokens = 0;
  readonly #terms = new Map<string, TermCount>();
  readonly #phrases = new Map<string, number>();
  /** Readings of the compound nouns that have one, from their first occurrence. */
  readonly #phraseReadings = new Map<string, string>();

  addWord(word: ContentWord): void {
    let entry = this.#terms.get(word.term);
    if (entry === undefined) {
      entry = { count: 0, variants: new Map() };
      this.#terms.set(word.term, entry);
    }
    entry.count++;
    entry.variants.set(word, (entry.variants.get(word) ?? 0) + 1);
  }

  /**
   * Counts a phrase. A compound noun's `run` of tokens gives its reading, worked out at its first occurrence only
   * (the report reads compound keywords with it).
   */
  addPhrase(phrase: string, run?: readonly Token[]): void {
    const count = this.#phrases.get(phrase);
    if (count !== undefined) {
      this.#phrases.set(phrase, count + 1);
      return;
    }
    this.#phrases.set(phrase, 1);
    if (run !== undefined) {
      const reading = runReading(run);
      if (reading !== '') this.#phraseReadings.set(phrase, reading);
    }
  }

  toAnalysis(maxTerms: number, maxPhrases: number): Analysis {
    const terms = topByCount(this.#terms, (entry) => entry.count, maxTerms).map(([term, entry]): Term => {
      const [pos = '', reading = '', display = ''] = mostFrequent(byVariant(entry.variants)).split('\t');
      return display === ''
        ? { term, reading, pos, count: entry.count }
        : { term, reading, pos, count: entry.count, display };
    });
    const phrases = topByCount(this.#phrases, (count) => count, maxPhrases).map(([phrase, count]): PhraseCount => {
      const reading = this.#phraseReadings.get(phrase);
      return reading === undefined ? { phrase, count } : { phrase, count, reading };
    });
    return { tokens: this.tokens, terms, phrases };
  }
}

/** Counts per `pos \t reading \t display`, in the order each variant was first seen. */
function byVariant(words: Map<ContentWord, number>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const [word, count] of words) {
    const variant =
      word.display === undefined ? `${word.pos}\t${word.reading}` : `${word.pos}\t${word.reading}\t${word.display}`;
    counts.set(variant, (counts.get(variant) ?? 0) + count);
  }
  return counts;
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

/** `text.trim() === ''`, without trimming when the first character is not white space (almost every token). */
function isBlank(text: string): boolean {
  const first = text.charCodeAt(0);
  if (first > 0x20 && first < 0x7f) return false;
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
