// A page's analysis: Japanese text through the tokenizer (content words, compound nouns), other text as English
// words (`LatinTextAnalysis`), both counted by one `AnalysisAccumulator` and ranked into the contract's `Analysis`.
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Analysis } from '@kumo/contract';
import { AnalysisAccumulator } from './analysis-accumulator.js';
import { DEFAULT_MAX_CHUNK_CHARS, assertMaxChunkChars, chunkText } from './chunk-text.js';
import { AnalyzerOptionError } from './errors.js';
import type { Glossary } from './glossary.js';
import { JapaneseTextAnalysis } from './japanese-text-analysis.js';
import { LatinTextAnalysis } from './latin-text-analysis.js';
import type { Homograph, JapaneseTokenizer, TokenizeOptions } from './tokenizer.js';

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
    const japanese = new JapaneseTextAnalysis(accumulator);
    const source = options.glossary === undefined ? tokenizer : options.glossary.wrap(tokenizer);
    // The cheapest form the tokenizer offers: entries and spans (no token per word), else shared tokens (no token
    // per occurrence of a known word), else tokens.
    const paths = source.tokenizeChunksPath?.(input, { maxChunkChars });
    if (paths !== undefined) {
      for await (const path of paths) japanese.addPath(path);
    } else {
      const chunks =
        source.tokenizeChunksShared?.(input, { maxChunkChars }) ?? source.tokenizeChunks(input, { maxChunkChars });
      for await (const tokens of chunks) japanese.addTokens(tokens);
    }
    japanese.end();
  } else {
    const latin = new LatinTextAnalysis(accumulator);
    let chunks = 0;
    for (const chunk of chunkText(input, maxChunkChars)) {
      if (chunks++ > 0) await yieldToEventLoop();
      latin.addChunk(chunk);
    }
  }
  return accumulator.toAnalysis(maxTerms, maxPhrases, homographsOf(tokenizer));
}

/**
 * `tokenizer.homographReadings` as a function, or undefined. A closure, not a bound function: V8 can take the
 * closures made at one place for one call target (their feedback cell), where every page's freshly bound function
 * was a target never seen before. (The analyze jobs wrap the tokenizer once per job, so no per-tokenizer cache.)
 */
function homographsOf(tokenizer: JapaneseTokenizer): ((wordId: number) => readonly Homograph[]) | undefined {
  if (tokenizer.homographReadings === undefined) return undefined;
  return (wordId) => tokenizer.homographReadings?.(wordId) ?? [];
}

function positiveInteger(option: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new AnalyzerOptionError(option, `${option} must be a positive integer (got ${String(value)})`);
  }
  return value;
}
