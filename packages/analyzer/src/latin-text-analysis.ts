// Counting text without Japanese: English words and their bigrams.
import type { AnalysisAccumulator } from './analysis-accumulator.js';
import { isCountable, normalizeWord } from './content-words.js';
import type { ContentWord } from './content-words.js';

const segmenter = new Intl.Segmenter('en', { granularity: 'word' });
const SENTENCE_END = /[.!?]/;
/** A capital first letter and no other: at a sentence start, the ordinary word (`Natural` → natural). */
const CAPITALISED = /^\p{Lu}\P{Lu}*$/u;

/**
 * Analysis state for text without Japanese, fed chunk by chunk: word-like segments (Intl.Segmenter, `en`),
 * NFKC + lower-cased, English stop words and words without a letter dropped; `pos` 名詞 and `reading` ''. Phrases
 * are bigrams of two counted words separated by nothing but whitespace (punctuation or a stop word breaks them).
 */
export class LatinTextAnalysis {
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
