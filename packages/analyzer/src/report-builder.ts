import type { Analysis, Cooccurrence, Keyword, Report, ReportPhrase, Variation } from '@kumo/contract';
import { toHiragana } from 'wanakana';
import { AnalyzerOptionError, ReportPhaseError } from './errors.js';
import {
  CompoundParts,
  compoundReading,
  genericWeight,
  hasJapanese,
  isCodeToken,
  isLatinTerm,
  isReadablePhrase,
  isStopWord,
  scriptWeight,
} from './keyword-candidates.js';
import { toHepburn } from './romaji.js';
import { compareStrings } from './top-by-count.js';

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
  /** `reading \t pos \t display` of the first variant seen; `variants` only exists once a second one appears. */
  variant: string;
  variants?: Map<string, number>;
}

/** A selected keyword and what pass 2 and the variations need to know about it. */
interface Selected {
  /** The counted form: the page terms' `term`, or the phrase of a compound. */
  key: string;
  /** Share of its TF-IDF the keyword kept as a generic word (`genericWeight`): below 0.5 it makes no pair. */
  weight: number;
  /** A compound keyword: found in the pages' phrases, not their terms. */
  compound: boolean;
}

interface PhraseStats {
  count: number;
  df: number;
  /** The first reading a page gave (compound nouns), '' until then. */
  reading: string;
  /** Counts per reading once pages read the phrase differently (行番号: ギョウバンゴウ, クダリバンゴウ). */
  readings?: Map<string, number>;
}

interface Pair {
  a: string;
  b: string;
  weight: number;
  pages: number;
}

/** A compound keyword: kana and kanji (and ー, 々) only. */
const COMPOUND = /^[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Han}ー々]+$/u;

/** Pairs whose keywords both kept at least this much of their weight: generic words make no meaningful pair. */
const MIN_PAIR_WEIGHT = 0.5;

type Phase = 'terms' | 'cooccurrence';

/**
 * Builds a crawl's `Report` from its page analyses in two streamed passes, holding memory proportional to the
 * vocabulary, never to the number of pages:
 *
 * 1. `addPage(analysis)` for every analysed page: term tf (sum of the page counts) and df (pages listing the term),
 *    phrase counts and df. Only what each page kept (its top 50 terms, top 20 phrases) is seen.
 * 2. `selectKeywords()`: the top keywords by weighted TF-IDF, `score = tf × (ln((1 + N) / (1 + df)) + 1) × weight`
 *    with N the pages added (smoothed idf, as scikit-learn's: never zero, never divides by zero) and `weight` the
 *    share a candidate keeps (`genericWeight`: words on most pages, verbs and adjectives; `scriptWeight`: Latin), rounded to 4
 *    decimals, ties by term. Candidates are the page terms and the compound nouns of the phrases (Japanese, on ≥ 2
 *    pages); stop words, single letters and code names are never keywords, nor is a term found inside one compound
 *    most of the time (`CompoundParts`: プラグ and イン of プラグイン). Latin terms are shown as most often written.
 * 3. `addCooccurrencePage(analysis)` for every page again: pages shared by each pair of selected keywords.
 * 4. `build(id, pages)`: the report. A pair's `weight` is the Jaccard index of the two keywords' page sets,
 *    `pagesWithBoth / pagesWithEither`, rounded to 4 decimals: raw co-counts would rank every pair of the few most
 *    widespread keywords first, and the index stays comparable between crawls of any size. Pairs of a compound and
 *    its own part and pairs with a generic keyword are left out; pairs seen on one page only come after the others.
 */
export class ReportBuilder {
  readonly #maxKeywords: number;
  readonly #maxPhrases: number;
  readonly #maxPairs: number;
  readonly #maxVariations: number;
  readonly #maxCombos: number;

  readonly #terms = new Map<string, TermStats>();
  readonly #phrases = new Map<string, PhraseStats>();
  readonly #parts = new CompoundParts();
  #pages = 0;
  #phase: Phase = 'terms';

  #keywords: Keyword[] = [];
  #selected: Selected[] = [];
  /** Pass 2: keyword index by page term, and by phrase for compound keywords. */
  readonly #keywordIndex = new Map<string, number>();
  readonly #compoundIndex = new Map<string, number>();
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
    const terms = listOf(analysis.terms);
    for (const { term, reading, pos, count, display } of terms) {
      if (typeof term !== 'string' || term === '' || !isCount(count)) continue;
      const written = typeof display === 'string' ? display : '';
      const variant = `${typeof reading === 'string' ? reading : ''}\t${typeof pos === 'string' ? pos : ''}\t${written}`;
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
    const japanesePhrases: Array<readonly [string, number]> = [];
    for (const { phrase, count, reading } of listOf(analysis.phrases)) {
      if (typeof phrase !== 'string' || phrase === '' || !isCount(count)) continue;
      if (hasJapanese(phrase)) japanesePhrases.push([phrase, count]);
      const stats = this.#phrases.get(phrase) ?? { count: 0, df: 0, reading: '' };
      if (typeof reading === 'string' && reading !== '') addPhraseReading(stats, reading, count);
      stats.count += count;
      if (!seen.has(phrase)) {
        stats.df++;
        seen.add(phrase);
      }
      this.#phrases.set(phrase, stats);
    }
    this.#parts.addPage(
      terms.filter((entry) => typeof entry.term === 'string' && isCount(entry.count)),
      japanesePhrases,
    );
  }

  /** Ends pass 1 and returns the keywords (top `maxKeywords` by TF-IDF). Calling it again returns the same list. */
  selectKeywords(): Keyword[] {
    if (this.#phase === 'terms') {
      const n = this.#pages;
      const candidates: Array<Keyword & Selected> = [];
      const idf = (df: number) => Math.log((1 + n) / (1 + df)) + 1;
      const compounds = this.#compoundCandidates();
      /** Compounds' occurrences inside longer runs too, as seen from their parts: [tf, df]. */
      const extended = new Map<string, [number, number]>();
      for (const [term, stats] of this.#terms) {
        const { reading, pos, display } = representativeOf(stats, term);
        if (isStopWord(term) || isCodeToken(term, display)) continue;
        const part = this.#parts.compoundOf(term, stats.tf, stats.df, compounds);
        if (part !== undefined) {
          const [tf, df] = extended.get(part.compound) ?? [0, 0];
          extended.set(part.compound, [Math.max(tf, part.count), Math.max(df, part.pages)]);
          continue;
        }
        const weight = genericWeight({ pos, df: stats.df, pages: n });
        const score = round4(stats.tf * idf(stats.df) * weight * scriptWeight(term, display));
        candidates.push({
          term: display,
          reading,
          score,
          tf: stats.tf,
          df: stats.df,
          key: term,
          weight,
          compound: false,
        });
      }
      const readings = new Map<string, string>();
      const readingOfTerm = (term: string): string | undefined => {
        let reading = readings.get(term);
        if (reading === undefined) {
          const stats = this.#terms.get(term);
          if (stats === undefined) return undefined;
          reading = representativeOf(stats).reading;
          readings.set(term, reading);
        }
        return reading;
      };
      for (const compound of compounds) {
        if (this.#terms.has(compound) || isStopWord(compound)) continue;
        const phrase = this.#phrases.get(compound) as PhraseStats;
        const [longerTf, longerDf] = extended.get(compound) ?? [0, 0];
        const tf = Math.max(phrase.count, longerTf);
        const df = Math.min(n, Math.max(phrase.df, longerDf));
        const weight = genericWeight({ pos: '名詞', df, pages: n });
        const reading = phraseReadingOf(phrase) || compoundReading(compound, readingOfTerm);
        const score = round4(tf * idf(df) * weight);
        candidates.push({ term: compound, reading, score, tf, df, key: compound, weight, compound: true });
      }
      candidates.sort((x, y) => y.score - x.score || compareStrings(x.term, y.term));
      const top = candidates.slice(0, this.#maxKeywords);
      this.#keywords = top.map(({ term, reading, score, tf, df }) => ({ term, reading, score, tf, df }));
      this.#selected = top.map(({ key, weight, compound }) => ({ key, weight, compound }));
      this.#selected.forEach(({ key, compound }, index) =>
        (compound ? this.#compoundIndex : this.#keywordIndex).set(key, index),
      );
      const k = this.#keywords.length;
      this.#keywordPages = new Uint32Array(k);
      this.#pairPages = new Uint32Array(k * k);
      this.#phase = 'cooccurrence';
    }
    return this.#keywords.map((keyword) => ({ ...keyword }));
  }

  /**
   * Phrases that may stand as keywords: Japanese compound nouns of kana and kanji only (no Latin letters or digits:
   * `int1`, `k正規化`, `第2章` are not words), found on at least two pages (or in a one-page crawl), more than once.
   */
  #compoundCandidates(): Set<string> {
    const compounds = new Set<string>();
    for (const [phrase, { count, df }] of this.#phrases) {
      if (count < 2 || (df < 2 && this.#pages > 1)) continue;
      if (!COMPOUND.test(phrase)) continue;
      compounds.add(phrase);
    }
    return compounds;
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
    if (this.#compoundIndex.size > 0) {
      for (const { phrase } of listOf(analysis.phrases)) {
        const index = this.#compoundIndex.get(phrase);
        if (index !== undefined) present.add(index);
      }
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

  /**
   * The most frequent readable phrases (no code: `int1`, `let x`), by count weighted like keywords (a Latin phrase
   * or one on nearly every page counts less), then pages, then phrase; each shown with its own count.
   */
  #topPhrases(): ReportPhrase[] {
    const phrases: Array<ReportPhrase & { rank: number }> = [];
    for (const [phrase, { count, df }] of this.#phrases) {
      if (!isReadablePhrase(phrase)) continue;
      const weight = genericWeight({ pos: '名詞', df, pages: this.#pages }) * scriptWeight(phrase, phrase);
      phrases.push({ phrase, count, df, rank: count * weight });
    }
    phrases.sort((x, y) => y.rank - x.rank || y.df - x.df || compareStrings(x.phrase, y.phrase));
    return phrases.slice(0, this.#maxPhrases).map(({ phrase, count, df }) => ({ phrase, count, df }));
  }

  /**
   * Every meaningful keyword pair seen together, strongest first: pairs seen on two pages or more first, then by
   * weight, shared pages, a and b. A compound and its own part (表示 and 表示色) and a generic keyword make no pair.
   */
  #pairs(): Pair[] {
    const k = this.#keywords.length;
    const pairs: Pair[] = [];
    for (let i = 0; i < k; i++) {
      const selectedI = this.#selected[i] as Selected;
      if (selectedI.weight < MIN_PAIR_WEIGHT) continue;
      for (let j = i + 1; j < k; j++) {
        const both = this.#pairPages[i * k + j] ?? 0;
        if (both === 0) continue;
        const selectedJ = this.#selected[j] as Selected;
        if (selectedJ.weight < MIN_PAIR_WEIGHT) continue;
        if (selectedI.key.includes(selectedJ.key) || selectedJ.key.includes(selectedI.key)) continue;
        const either = (this.#keywordPages[i] ?? 0) + (this.#keywordPages[j] ?? 0) - both;
        const termI = (this.#keywords[i] as Keyword).term;
        const termJ = (this.#keywords[j] as Keyword).term;
        const [a, b] = compareStrings(termI, termJ) < 0 ? [termI, termJ] : [termJ, termI];
        pairs.push({ a, b, weight: round4(both / either), pages: both });
      }
    }
    pairs.sort(
      (x, y) =>
        Number(y.pages > 1) - Number(x.pages > 1) ||
        y.weight - x.weight ||
        y.pages - x.pages ||
        compareStrings(x.a, y.a) ||
        compareStrings(x.b, y.b),
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
    return { term, forms: formsOf(term, reading), combos };
  }
}

/**
 * The written forms of a keyword. A Latin term keeps its case as written (`base`), with its lower-case `romaji` and
 * its upper/lower-case spellings when they differ; no kana is invented for it. A Japanese term has its reading in
 * katakana, hiragana (ー kept: ページ → ぺーじ, not wanakana's default ぺえじ) and modified Hepburn romaji.
 */
export function formsOf(term: string, reading: string): Variation['forms'] {
  if (isLatinTerm(term) || (reading === '' && !hasJapanese(term))) {
    const lower = term.toLowerCase();
    const upper = term.toUpperCase();
    return {
      base: term,
      romaji: lower,
      ...(upper !== term ? { upper } : {}),
      ...(lower !== term ? { lower } : {}),
    };
  }
  return {
    base: term,
    katakana: reading,
    hiragana: toHiragana(reading, { convertLongVowelMark: false }),
    romaji: toHepburn(reading),
  };
}

/**
 * What represents a term: the reading and part of speech of its heaviest variant (a non-empty reading beats an empty
 * one, then weight, then order), and its most frequent written form (`display`, sent for Latin terms whose case
 * differs from the counted form; the term itself otherwise).
 */
function representativeOf(stats: TermStats, term = ''): { reading: string; pos: string; display: string } {
  const variants = stats.variants ?? new Map([[stats.variant, stats.tf]]);
  let best: [string, number] | undefined;
  const displays = new Map<string, number>();
  for (const entry of variants) {
    if (best === undefined || better(entry, best)) best = entry;
    const display = entry[0].split('\t')[2] ?? '';
    displays.set(display, (displays.get(display) ?? 0) + entry[1]);
  }
  const [reading = '', pos = ''] = (best?.[0] ?? '').split('\t');
  let display = '';
  let displayWeight = 0;
  for (const [written, weight] of displays) {
    if (weight > displayWeight || (weight === displayWeight && compareStrings(written, display) < 0)) {
      display = written;
      displayWeight = weight;
    }
  }
  return { reading, pos, display: display === '' ? term : display };
}

function better([key, weight]: [string, number], [bestKey, bestWeight]: [string, number]): boolean {
  const hasReading = !key.startsWith('\t');
  const bestHasReading = !bestKey.startsWith('\t');
  if (hasReading !== bestHasReading) return hasReading;
  if (weight !== bestWeight) return weight > bestWeight;
  return compareStrings(key, bestKey) < 0;
}

/** Counts a page's reading of a phrase; the first one is kept alone until another one comes. */
function addPhraseReading(stats: PhraseStats, reading: string, count: number): void {
  if (stats.reading === '') {
    stats.reading = reading;
  } else if (stats.readings !== undefined || stats.reading !== reading) {
    stats.readings ??= new Map([[stats.reading, stats.count]]);
    stats.readings.set(reading, (stats.readings.get(reading) ?? 0) + count);
  }
}

/** A phrase's most frequent reading, the first one seen on a tie. */
function phraseReadingOf({ reading, readings }: PhraseStats): string {
  let [best, bestCount] = [reading, 0];
  for (const [other, count] of readings ?? []) if (count > bestCount) [best, bestCount] = [other, count];
  return best;
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
