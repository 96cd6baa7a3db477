import type { Analysis } from '@kumo/contract';
import type { ContentWord } from './content-words.js';
import { topByCount } from './ranking.js';

interface TermCount {
  count: number;
  /** Occurrences per `pos \t reading`: the most frequent one represents the term. */
  variants: Map<string, number>;
}

/** Counts the terms and phrases of one text, then ranks them into an `Analysis`. */
export class AnalysisAccumulator {
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
    const variant = `${word.pos}\t${word.reading}`;
    entry.variants.set(variant, (entry.variants.get(variant) ?? 0) + 1);
  }

  addPhrase(phrase: string): void {
    this.#phrases.set(phrase, (this.#phrases.get(phrase) ?? 0) + 1);
  }

  toAnalysis(maxTerms: number, maxPhrases: number): Analysis {
    const terms = topByCount(this.#terms, (entry) => entry.count, maxTerms).map(([term, entry]) => {
      const [pos = '', reading = ''] = mostFrequent(entry.variants).split('\t');
      return { term, reading, pos, count: entry.count };
    });
    const phrases = topByCount(this.#phrases, (count) => count, maxPhrases).map(([phrase, count]) => ({
      phrase,
      count,
    }));
    return { tokens: this.tokens, terms, phrases };
  }
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
