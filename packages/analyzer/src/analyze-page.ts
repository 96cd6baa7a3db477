// A page's analysis: Japanese text through the tokenizer (content words, compound nouns), other text as English
// words (`LatinTextAnalysis`), both counted by one `AnalysisAccumulator` and ranked into the contract's `Analysis`.
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Analysis } from '@kumo/contract';
import { DEFAULT_MAX_CHUNK_CHARS, assertMaxChunkChars, chunkText } from './chunk-text.js';
import { isCountable, normalizeWord, rememberedContentWordOf } from './content-words.js';
import type { ContentWord } from './content-words.js';
import { AnalyzerOptionError } from './errors.js';
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
    for await (const tokens of tokenizer.tokenizeChunks(input, { maxChunkChars })) {
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
  readonly #run: string[] = [];

  constructor(accumulator: AnalysisAccumulator) {
    this.#accumulator = accumulator;
  }

  add(token: Token, word: ContentWord | undefined): void {
    if (word !== undefined && word.pos === '名詞') {
      this.#run.push(token.surface_form);
    } else if (this.#run.length > 0 && extendsRun(token)) {
      this.#run.push(token.surface_form);
    } else {
      this.end();
    }
  }

  end(): void {
    if (this.#run.length >= 2) this.#accumulator.addPhrase(normalizeWord(this.#run.join('')));
    this.#run.length = 0;
  }
}

const segmenter = new Intl.Segmenter('en', { granularity: 'word' });

/**
 * Analysis state for text without Japanese, fed chunk by chunk: word-like segments (Intl.Segmenter, `en`),
 * NFKC + lower-cased, English stop words and words without a letter dropped; `pos` 名詞 and `reading` ''. Phrases
 * are bigrams of two counted words separated by nothing but whitespace (punctuation or a stop word breaks them).
 */
class LatinTextAnalysis {
  readonly #accumulator: AnalysisAccumulator;
  /** The previous counted word, while only whitespace followed it. */
  #previous: string | undefined;
  /** One content word object per term of this text (the accumulator counts variants per object). */
  readonly #words = new Map<string, ContentWord>();

  constructor(accumulator: AnalysisAccumulator) {
    this.#accumulator = accumulator;
  }

  addChunk(chunk: string): void {
    for (const { segment, isWordLike } of segmenter.segment(chunk)) {
      if (segment.trim() === '') continue;
      this.#accumulator.tokens++;
      if (!isWordLike) {
        this.#previous = undefined;
        continue;
      }
      const word = normalizeWord(segment.replaceAll('’', "'"));
      if (!isCountable(word)) {
        this.#previous = undefined;
        continue;
      }
      let content = this.#words.get(word);
      if (content === undefined) {
        content = { term: word, reading: '', pos: '名詞' };
        this.#words.set(word, content);
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

  addWord(word: ContentWord): void {
    let entry = this.#terms.get(word.term);
    if (entry === undefined) {
      entry = { count: 0, variants: new Map() };
      this.#terms.set(word.term, entry);
    }
    entry.count++;
    entry.variants.set(word, (entry.variants.get(word) ?? 0) + 1);
  }

  addPhrase(phrase: string): void {
    this.#phrases.set(phrase, (this.#phrases.get(phrase) ?? 0) + 1);
  }

  toAnalysis(maxTerms: number, maxPhrases: number): Analysis {
    const terms = topByCount(this.#terms, (entry) => entry.count, maxTerms).map(([term, entry]) => {
      const [pos = '', reading = ''] = mostFrequent(byVariant(entry.variants)).split('\t');
      return { term, reading, pos, count: entry.count };
    });
    const phrases = topByCount(this.#phrases, (count) => count, maxPhrases).map(([phrase, count]) => ({
      phrase,
      count,
    }));
    return { tokens: this.tokens, terms, phrases };
  }
}

/** Counts per `pos \t reading`, in the order each variant was first seen. */
function byVariant(words: Map<ContentWord, number>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const [word, count] of words) {
    const variant = `${word.pos}\t${word.reading}`;
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
