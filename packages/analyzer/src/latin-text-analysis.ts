import type { AnalysisAccumulator } from './analysis-accumulator.js';
import { isCountable, normalizeWord } from './content-words.js';
import type { ContentWord } from './content-words.js';

const segmenter = new Intl.Segmenter('en', { granularity: 'word' });

/**
 * Analysis state for text without Japanese, fed chunk by chunk: word-like segments (Intl.Segmenter, `en`),
 * NFKC + lower-cased, English stop words and words without a letter dropped; `pos` 名詞 and `reading` ''. Phrases
 * are bigrams of two counted words separated by nothing but whitespace (punctuation or a stop word breaks them).
 */
export class LatinTextAnalysis {
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
