// What may become a keyword of a report, and how much a candidate's TF-IDF counts: words a reader recognises
// (compound nouns rather than the halves the dictionary split them into, no code identifiers or single letters),
// generic words weighted down whatever the site.
import { JAPANESE_STOP_WORDS } from './stop-words.js';

const JAPANESE = /[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Han}]/u;
const LATIN = /\p{Script=Latin}/u;
const UPPER = /\p{Lu}/u;
const SINGLE_LETTER = /^\p{L}$/u;
/** Short letters then digits: int1, e1, str2, v10 (loop variables and numbered names in code and examples). */
const NUMBERED_NAME = /^\p{Script=Latin}{1,3}\d+$/u;
/** lowerCamelCase (getValue, innerHTML) or snake_case: names from code, not words. */
const CODE_NAME = /^\p{Ll}+\p{Lu}|_/u;

/**
 * A part whose occurrences fall inside one compound at least this often is that compound's part, not a word of its
 * own (プラグ and イン in プラグイン: 84 % and 76 % on the fixture sites; 文字 is inside 文字列 33 % of the time and
 * stays a word).
 */
export const PART_SHARE = 0.5;
/** A crawl needs this many pages before "on nearly every page" says anything. */
export const MIN_PAGES_FOR_SPREAD = 5;
/** Verbs and adjectives count this much of their TF-IDF: a report's topics are nouns. */
export const PREDICATE_WEIGHT = 0.4;
/**
 * Latin words keep half their weight (a Japanese report is about Japanese terms; in a crawl of English pages every
 * term is Latin and the ranking does not change), and half of that again when only ever written in lower case
 * (int, string, let: code more often than names).
 */
export const LATIN_WEIGHT = 0.5;
export const LOWER_CASE_LATIN_WEIGHT = 0.5;

export function hasJapanese(text: string): boolean {
  return JAPANESE.test(text);
}

/** A term written in Latin letters (and no kana or kanji). */
export function isLatinTerm(term: string): boolean {
  return LATIN.test(term) && !JAPANESE.test(term);
}

/**
 * Single letters and code names (int1, e1, getValue, max_len): never keywords. `display` is the term as written
 * (its case), when known.
 */
export function isCodeToken(term: string, display: string = term): boolean {
  if (!isLatinTerm(term)) return false;
  return SINGLE_LETTER.test(term) || NUMBERED_NAME.test(term) || CODE_NAME.test(display);
}

/** On the stop list (stopwords-iso's Japanese list): never a keyword. */
export function isStopWord(term: string): boolean {
  return JAPANESE_STOP_WORDS.has(term);
}

/**
 * A phrase worth listing: Latin bigrams with a single letter or a code name (`let x`, `int1`) are code, not
 * phrases; a phrase without any word a reader would recognise has nothing to say.
 */
export function isReadablePhrase(phrase: string): boolean {
  if (hasJapanese(phrase)) return true;
  return phrase.split(' ').every((word) => !isCodeToken(word) && !/^\d+$/.test(word));
}

export interface WeightInput {
  /** 名詞, 動詞, 形容詞 (the term's most frequent part of speech). */
  pos: string;
  /** Pages listing the term, and pages in the crawl. */
  df: number;
  pages: number;
}

/**
 * The share of its TF-IDF a generic word keeps, in (0, 1], the same way on any site:
 * - spread: in a crawl of ≥ 5 pages, a term on more than half of them loses weight linearly, down to 0.1 on every
 *   page (smoothed IDF alone leaves a word on every page at a third of a rare word's score, enough to top a small
 *   crawl);
 * - part of speech: verbs and adjectives keep 0.4 (思う, 知る, 多い are on every page of any site).
 */
export function genericWeight({ pos, df, pages }: WeightInput): number {
  let weight = 1;
  if (pages >= MIN_PAGES_FOR_SPREAD) {
    const spread = df / pages;
    if (spread > 0.5) weight *= Math.max(0.1, 1 - (spread - 0.5) * 1.8);
  }
  if (pos === '動詞' || pos === '形容詞') weight *= PREDICATE_WEIGHT;
  return weight;
}

/**
 * The share of its TF-IDF a term keeps for its script: Latin words 0.5, and 0.25 when written in lower case (code
 * keywords: int, string, let); names and acronyms as written (FontForge, SSH) keep 0.5. Japanese terms keep it all.
 */
export function scriptWeight(term: string, display: string): number {
  if (!isLatinTerm(term)) return 1;
  return UPPER.test(display) ? LATIN_WEIGHT : LATIN_WEIGHT * LOWER_CASE_LATIN_WEIGHT;
}

/** Where a part was found: the compound, and the part's occurrences and pages inside it (longer runs included). */
export interface PartOf {
  compound: string;
  count: number;
  pages: number;
}

/**
 * Which terms are parts of compounds. Fed, page by page, with the page's terms and phrases: for each term, the
 * occurrences of the phrases (runs of nouns) that contain it. A term whose occurrences fall inside one compound at
 * least `PART_SHARE` of the time (counting longer runs containing that compound) is that compound's part.
 */
export class CompoundParts {
  /** Per term: phrase → [occurrences, pages] of the phrase on pages listing the term. */
  readonly #phrasesOf = new Map<string, Map<string, [number, number]>>();

  addPage(terms: ReadonlyArray<{ term: string }>, phrases: ReadonlyArray<readonly [string, number]>): void {
    if (phrases.length === 0) return;
    for (const { term } of terms) {
      for (const [phrase, count] of phrases) {
        if (phrase === term || !phrase.includes(term)) continue;
        let counts = this.#phrasesOf.get(term);
        if (counts === undefined) {
          counts = new Map();
          this.#phrasesOf.set(term, counts);
        }
        const seen = counts.get(phrase);
        if (seen === undefined) counts.set(phrase, [count, 1]);
        else {
          seen[0] += count;
          seen[1]++;
        }
      }
    }
  }

  /**
   * The compound `term` is a part of, among `compounds` (the candidate compounds), or undefined. `tf` and `df` are
   * the term's own counts over the crawl; the result's pages never exceed `df`.
   */
  compoundOf(term: string, tf: number, df: number, compounds: ReadonlySet<string>): PartOf | undefined {
    const counts = this.#phrasesOf.get(term);
    if (counts === undefined || tf <= 0) return undefined;
    let best: PartOf | undefined;
    for (const compound of counts.keys()) {
      if (!compounds.has(compound)) continue;
      let count = 0;
      let pages = 0;
      for (const [phrase, [occurrences, onPages]] of counts) {
        if (!phrase.includes(compound)) continue;
        count += occurrences;
        pages += onPages;
      }
      if (
        best === undefined ||
        count > best.count ||
        (count === best.count && compound.length < best.compound.length)
      ) {
        best = { compound, count, pages: Math.min(pages, df) };
      }
    }
    return best !== undefined && best.count >= PART_SHARE * tf ? best : undefined;
  }
}

/**
 * The katakana reading of a compound made of known terms: the longest known term at each position, in turn (プラグ +
 * イン, 正規 + 表現). Kana stand for themselves; anything else unknown gives ''.
 */
export function compoundReading(compound: string, readingOf: (term: string) => string | undefined): string {
  let reading = '';
  for (let at = 0; at < compound.length;) {
    let found = false;
    for (let end = Math.min(compound.length, at + 12); end > at; end--) {
      const part = readingOf(compound.slice(at, end));
      if (part !== undefined && part !== '') {
        reading += part;
        at = end;
        found = true;
        break;
      }
    }
    if (found) continue;
    const char = compound[at] as string;
    const code = char.charCodeAt(0);
    if (code >= 0x30a1 && code <= 0x30fc) reading += char;
    else if (code >= 0x3041 && code <= 0x3096) reading += String.fromCharCode(code + 0x60);
    else return '';
    at++;
  }
  return reading;
}
