import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Analysis } from '@kumo/contract';
import { AnalysisAccumulator } from './analysis-accumulator.js';
import { DEFAULT_MAX_CHUNK_CHARS, assertMaxChunkChars, chunkText } from './chunk-text.js';
import { normalizeWord, rememberedContentWordOf } from './content-words.js';
import type { ContentWord } from './content-words.js';
import { AnalyzerOptionError } from './errors.js';
import { LatinTextAnalysis } from './latin-text-analysis.js';
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
