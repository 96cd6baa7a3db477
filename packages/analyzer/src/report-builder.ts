import type { Analysis, Cooccurrence, Keyword, Report, ReportPhrase, Variation } from '@kumo/contract';
import { toHiragana, toRomaji } from 'wanakana';
import { AnalyzerOptionError, ReportPhaseError } from './errors.js';

export interface ReportBuilderOptions {
  /** Keywords selected by TF-IDF. @defaultValue 100 */
  maxKeywords?: number;
  /** Phrases in the report. @defaultValue 50 */
  maxPhrases?: number;
  /** Keyword pairs in `cooccurrence`. @defaultValue 50 */
  maxPairs?: number;
  /** Top keywords that get a `variations` entry. @defaultValue 20 */
  maxVariations?: number;
  /** Co-occurring keywords combined with each variation's term in `combos`. @defaultValue 3 */
  maxCombos?: number;
}

interface TermStats {
  tf: number;
  df: number;
  /** `reading \t pos` of the first variant seen; `variants` only exists once a second one appears. */
  variant: string;
  variants?: Map<string, number>;
}

interface PhraseStats {
  count: number;
  df: number;
}

interface Pair {
  a: string;
  b: string;
  weight: number;
  pages: number;
}

type Phase = 'terms' | 'cooccurrence';

/**
 * Builds a crawl's `Report` from its page analyses in two streamed passes, holding memory proportional to the
 * vocabulary, never to the number of pages:
 *
 * 1. `addPage(analysis)` for every analysed page: term tf (sum of the page counts) and df (pages listing the term),
 *    phrase counts and df. Only what each page kept (its top 50 terms, top 20 phrases) is seen.
 * 2. `selectKeywords()`: the top keywords by TF-IDF, `score = tf × (ln((1 + N) / (1 + df)) + 1)` with N the pages
 *    added (smoothed idf, as scikit-learn's: never zero, never divides by zero), rounded to 4 decimals, ties by term.
 * 3. `addCooccurrencePage(analysis)` for every page again: pages shared by each pair of selected keywords.
 * 4. `build(id, pages)`: the report. A pair's `weight` is the Jaccard index of the two keywords' page sets,
 *    `pagesWithBoth / pagesWithEither`, rounded to 4 decimals: raw co-counts would rank every pair of the few most
 *    widespread keywords first, and the index stays comparable between crawls of any size.
 */
export class ReportBuilder {
  readonly #maxKeywords: number;
  readonly #maxPhrases: number;
  readonly #maxPairs: number;
  readonly #maxVariations: number;
  readonly #maxCombos: number;

  readonly #terms = new Map<string, TermStats>();
  readonly #phrases = new Map<string, PhraseStats>();
  #pages = 0;
  #phase: Phase = 'terms';

  #keywords: Keyword[] = [];
  readonly #keywordIndex = new Map<string, number>();
  /** Pass 2: pages listing keyword i. */
  #keywordPages = new Uint32Array(0);
  /** Pass 2: pages listing keywords i and j (i < j), at i × K + j. */
  #pairPages = new Uint32Array(0);

  constructor(options: ReportBuilderOptions = {}) {
    this.#maxKeywords = limit('maxKeywords', options.maxKeywords ?? 100);
    this.#maxPhrases = limit('maxPhrases', options.maxPhrases ?? 50);
    this.#maxPairs = limit('maxPairs', options.maxPairs ?? 50);
    this.#maxVariations = limit('maxVariations', options.maxVariations ?? 20);
    this.#maxCombos = limit('maxCombos', options.maxCombos ?? 3);
  }

  /** Pages added in pass 1 (the N of the idf). */
  get pageCount(): number {
    return this.#pages;
  }

  /** Distinct terms seen so far: what the builder's memory grows with. */
  get vocabularySize(): number {
    return this.#terms.size;
  }

  /** Pass 1: counts one page's terms and phrases. Throws `ReportPhaseError` once keywords are selected. */
  addPage(analysis: Analysis): void {
    if (this.#phase !== 'terms') {
      throw new ReportPhaseError('addPage() was called after selectKeywords(); pass 1 is over');
    }
    this.#pages++;
    const seen = new Set<string>();
    for (const { term, reading, pos, count } of listOf(analysis.terms)) {
      if (typeof term !== 'string' || term === '' || !isCount(count)) continue;
      const variant = `${typeof reading === 'string' ? reading : ''}\t${typeof pos === 'string' ? pos : ''}`;
      const stats = this.#terms.get(term);
      if (stats === undefined) {
        this.#terms.set(term, { tf: count, df: 1, variant });
        seen.add(term);
        continue;
      }
      if (stats.variants !== undefined || stats.variant !== variant) {
        stats.variants ??= new Map([[stats.variant, stats.tf]]);
        stats.variants.set(variant, (stats.variants.get(variant) ?? 0) + count);
      }
      stats.tf += count;
      if (!seen.has(term)) {
        stats.df++;
        seen.add(term);
      }
    }
    seen.clear();
    for (const { phrase, count } of listOf(analysis.phrases)) {
      if (typeof phrase !== 'string' || phrase === '' || !isCount(count)) continue;
      const stats = this.#phrases.get(phrase) ?? { count: 0, df: 0 };
      stats.count += count;
      if (!seen.has(phrase)) {
        stats.df++;
        seen.add(phrase);
      }
      this.#phrases.set(phrase, stats);
    }
  }

  /** Ends pass 1 and returns the keywords (top `maxKeywords` by TF-IDF). Calling it again returns the same list. */
  selectKeywords(): Keyword[] {
    if (this.#phase === 'terms') {
      const n = this.#pages;
      const scored: Keyword[] = [];
      for (const [term, stats] of this.#terms) {
        const idf = Math.log((1 + n) / (1 + stats.df)) + 1;
        scored.push({ term, reading: readingOf(stats), score: round4(stats.tf * idf), tf: stats.tf, df: stats.df });
      }
      scored.sort((x, y) => y.score - x.score || compareStrings(x.term, y.term));
      this.#keywords = scored.slice(0, this.#maxKeywords);
      this.#keywords.forEach((keyword, index) => this.#keywordIndex.set(keyword.term, index));
      const k = this.#keywords.length;
      this.#keywordPages = new Uint32Array(k);
      this.#pairPages = new Uint32Array(k * k);
      this.#phase = 'cooccurrence';
    }
    return this.#keywords.map((keyword) => ({ ...keyword }));
  }

  /** Pass 2: counts the pages shared by selected keywords. Throws `ReportPhaseError` before `selectKeywords()`. */
  addCooccurrencePage(analysis: Analysis): void {
    if (this.#phase !== 'cooccurrence') {
      throw new ReportPhaseError('addCooccurrencePage() needs selectKeywords() to be called first');
    }
    const present = new Set<number>();
    for (const { term } of listOf(analysis.terms)) {
      const index = this.#keywordIndex.get(term);
      if (index !== undefined) present.add(index);
    }
    const indices = [...present].sort((x, y) => x - y);
    const k = this.#keywords.length;
    for (let i = 0; i < indices.length; i++) {
      const a = indices[i] as number;
      this.#keywordPages[a] = (this.#keywordPages[a] ?? 0) + 1;
      for (let j = i + 1; j < indices.length; j++) {
        const at = a * k + (indices[j] as number);
        this.#pairPages[at] = (this.#pairPages[at] ?? 0) + 1;
      }
    }
  }

  /**
   * The report. Selects the keywords first if `selectKeywords()` was not called (the co-occurrences are then
   * empty, since pass 2 never ran). `pages` are the crawl's counts, reported as given.
   */
  build(id: string, pages: { fetched: number; failed: number }): Report {
    for (const [name, value] of Object.entries({ fetched: pages.fetched, failed: pages.failed })) {
      if (!Number.isInteger(value) || value < 0) {
        throw new AnalyzerOptionError(`pages.${name}`, `pages.${name} must be a non-negative integer`);
      }
    }
    const keywords = this.selectKeywords();
    const pairs = this.#pairs();
    return {
      id,
      pages: { fetched: pages.fetched, failed: pages.failed },
      keywords,
      phrases: this.#topPhrases(),
      cooccurrence: pairs.slice(0, this.#maxPairs).map(({ a, b, weight }): Cooccurrence => ({ a, b, weight })),
      variations: keywords.slice(0, this.#maxVariations).map((keyword) => this.#variation(keyword, pairs)),
    };
  }

  #topPhrases(): ReportPhrase[] {
    const phrases = [...this.#phrases].map(([phrase, { count, df }]) => ({ phrase, count, df }));
    phrases.sort((x, y) => y.count - x.count || y.df - x.df || compareStrings(x.phrase, y.phrase));
    return phrases.slice(0, this.#maxPhrases);
  }

  /** Every keyword pair seen together, strongest first: weight, then shared pages, then a and b. */
  #pairs(): Pair[] {
    const k = this.#keywords.length;
    const pairs: Pair[] = [];
    for (let i = 0; i < k; i++) {
      for (let j = i + 1; j < k; j++) {
        const both = this.#pairPages[i * k + j] ?? 0;
        if (both === 0) continue;
        const either = (this.#keywordPages[i] ?? 0) + (this.#keywordPages[j] ?? 0) - both;
        const termI = (this.#keywords[i] as Keyword).term;
        const termJ = (this.#keywords[j] as Keyword).term;
        const [a, b] = compareStrings(termI, termJ) < 0 ? [termI, termJ] : [termJ, termI];
        pairs.push({ a, b, weight: round4(both / either), pages: both });
      }
    }
    pairs.sort(
      (x, y) => y.weight - x.weight || y.pages - x.pages || compareStrings(x.a, y.a) || compareStrings(x.b, y.b),
    );
    return pairs;
  }

  #variation(keyword: Keyword, strongestFirst: readonly Pair[]): Variation {
    const { term, reading } = keyword;
    const combos: string[] = [];
    for (const pair of strongestFirst) {
      if (combos.length >= this.#maxCombos) break;
      if (pair.a === term) combos.push(`${term} ${pair.b}`);
      else if (pair.b === term) combos.push(`${term} ${pair.a}`);
    }
    const forms =
      reading === ''
        ? { base: term, katakana: '', hiragana: '', romaji: term.toLowerCase() }
        : {
            base: term,
            katakana: reading,
            // Keep ー: ページ → ぺーじ, as written, not wanakana's default ぺえじ.
            hiragana: toHiragana(reading, { convertLongVowelMark: false }),
            romaji: toRomaji(reading),
          };
    return { term, forms, combos };
  }
}

/** The reading of a term's heaviest variant; a non-empty reading beats an empty one, then weight, then order. */
function readingOf(stats: TermStats): string {
  if (stats.variants === undefined) return stats.variant.split('\t')[0] ?? '';
  let best: [string, number] | undefined;
  for (const entry of stats.variants) {
    if (best === undefined || better(entry, best)) best = entry;
  }
  return (best?.[0] ?? '').split('\t')[0] ?? '';
}

function better([key, weight]: [string, number], [bestKey, bestWeight]: [string, number]): boolean {
  const hasReading = !key.startsWith('\t');
  const bestHasReading = !bestKey.startsWith('\t');
  if (hasReading !== bestHasReading) return hasReading;
  if (weight !== bestWeight) return weight > bestWeight;
  return compareStrings(key, bestKey) < 0;
}

/** Analyses come back from Redis as JSON: anything but a positive integer count is skipped, not summed. */
function isCount(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) > 0;
}

function listOf<T>(value: readonly T[] | undefined): readonly T[] {
  return Array.isArray(value) ? value : [];
}

function round4(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

function limit(option: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new AnalyzerOptionError(option, `${option} must be a non-negative integer (got ${String(value)})`);
  }
  return value;
}

// --- ranking, shared with the page analysis (`analyzeText` ranks each page's terms and phrases the same way)

/** Code-unit order: the same on every machine and ICU version, unlike `localeCompare`. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The `limit` entries with the highest count, ties broken by key in code-unit order, so that the same counts always
 * give the same list whatever the insertion order.
 */
export function topByCount<T>(
  entries: Iterable<readonly [string, T]>,
  countOf: (value: T) => number,
  limit: number,
): Array<readonly [string, T]> {
  let all = [...entries];
  if (Number.isInteger(limit) && limit > 0 && all.length > limit) {
    // Only entries counted at least as often as the limit-th highest count can make the list: sort those alone.
    const counts = Float64Array.from(all, ([, value]) => countOf(value)).sort();
    const threshold = counts[counts.length - limit] as number;
    all = all.filter(([, value]) => countOf(value) >= threshold);
  }
  all.sort(([keyA, a], [keyB, b]) => countOf(b) - countOf(a) || compareStrings(keyA, keyB));
  return all.slice(0, limit);
}
