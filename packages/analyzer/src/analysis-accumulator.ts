import type { Analysis } from '@kumo/contract';
import type { ContentWord } from './content-words.js';
import { topByCount } from './ranking.js';

interface TermCount {
  count: number;
  /**
   * Occurrences per content word object (the memo shares one per dictionary entry, so this costs no string per
   * occurrence); merged per `pos \t reading` at the end, where the most frequent one represents the term.
   */
  variants: Map<ContentWord, number>;
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
