// Readings of homographs from evidence. IPADIC often has several entries for one written noun with the same part of
// speech and connection ids — 行 ギョウ/クダリ, 仮名 カメイ/カナ, 生物 セイブツ/ナマモノ — which the lattice cannot tell
// apart by context: the lowest word cost wins everywhere (行 is always クダリ, 仮名 always カメイ, in kuromoji and
// MeCab alike). The words around a page or a crawl can: 改行 カイギョウ, 行頭 ギョウトウ and 行末 ギョウマツ read 行 as
// ギョウ; 片仮名 カタカナ and 平仮名 ヒラガナ read 仮名 as カナ. But a single kanji inside a Sino-Japanese compound is
// read on'yomi whatever it is read alone (以上 イジョウ says nothing about 上 ウエ), so the dictionary's own odds
// stand against the evidence: a reading the dictionary rates far less likely needs far more words behind it.
import type { KuromojiDictionary } from './kuromoji-dictionary.js';

/** One reading of a homograph and its dictionary word cost (lower: more likely). */
export interface Homograph {
  readonly reading: string;
  readonly cost: number;
}

/**
 * IPADIC's `cost-factor` (its dicrc): word costs are 800 × the negative log-likelihood its model learnt, so a cost
 * difference d means the dictionary rates the cheaper reading e^(d / 800) times as likely.
 */
export const IPADIC_COST_FACTOR = 800;

/** Entries whose alternatives are remembered; past this the memo starts afresh (bounded memory). */
const MEMO_SIZE = 50_000;
const NONE: readonly Homograph[] = [];

/** Per entry index in `HomographReadings` (0: not looked up yet): has no homograph, has homographs (in the memo). */
const ALONE = 1;
const ALIKE = 2;

/**
 * The readings of the dictionary entries the tokenizer cannot tell apart from a given one: same written form, same
 * left and right connection ids (so the same context costs), different reading. Lowest word cost first, so the
 * first one is the reading kuromoji gives in every context.
 */
export class HomographReadings {
  readonly #dictionary: KuromojiDictionary;
  /**
   * One byte per entry (0, `ALONE` or `ALIKE`), never cleared (~400 KB for IPADIC): almost every entry has
   * no homograph, and a page asks for each of its top nouns, so that answer costs one load instead of a Map lookup.
   */
  readonly #kinds: Uint8Array;
  readonly #memo = new Map<number, readonly Homograph[]>();

  constructor(dictionary: KuromojiDictionary) {
    this.#dictionary = dictionary;
    this.#kinds = new Uint8Array(dictionary.known.costs.length / 3);
  }

  /** The readings of `wordId`'s entry and its homographs; empty when it has none (one reading only). */
  of(wordId: number): readonly Homograph[] {
    const index = wordId / 10;
    const kind = index < this.#kinds.length ? this.#kinds[index] : ALONE;
    if (kind === ALONE) return NONE;
    let readings = kind === ALIKE ? this.#memo.get(index) : undefined;
    if (readings === undefined) {
      readings = this.#lookUp(index);
      // Not an entry index (no integer, or past the dictionary): nothing to remember.
      if (Number.isInteger(index) && index >= 0 && index < this.#kinds.length) {
        this.#kinds[index] = readings.length > 0 ? ALIKE : ALONE;
        if (readings.length > 0) {
          if (this.#memo.size >= MEMO_SIZE) this.#memo.clear();
          this.#memo.set(index, readings);
        }
      }
    }
    return readings;
  }

  #lookUp(index: number): readonly Homograph[] {
    const { trie, known } = this.#dictionary;
    if (!Number.isInteger(index) || index < 0 || 3 * index + 2 >= known.costs.length) return NONE;
    const surface = known.features(index)[0] ?? '';
    if (surface === '') return NONE;
    const found = trie.commonPrefixSearch(surface, 0, surface.length);
    let key = -1;
    for (let r = 0; r < found; r++) if (trie.lengths[r] === surface.length) key = trie.ids[r] as number;
    if (key < 0 || key + 1 >= known.targetStart.length) return NONE;
    const left = known.costs[3 * index];
    const right = known.costs[3 * index + 1];
    const alike: Homograph[] = [];
    for (let t = known.targetStart[key] as number, last = known.targetStart[key + 1] as number; t < last; t++) {
      const entry = known.targets[t] as number;
      if (known.costs[3 * entry] !== left || known.costs[3 * entry + 1] !== right) continue;
      const reading = known.features(entry)[8];
      if (reading !== undefined && reading !== '' && reading !== '*') {
        alike.push({ reading, cost: known.costs[3 * entry + 2] as number });
      }
    }
    // The cheapest entry of each reading.
    alike.sort((a, b) => a.cost - b.cost);
    const seen = new Set<string>();
    const readings = alike.filter(({ reading }) => !seen.has(reading) && seen.add(reading));
    return readings.length > 1 ? readings : NONE;
  }
}

/** A word of the same page or crawl that may contain the homograph, or be part of it: its term and its reading. */
export type EvidenceWord = readonly [term: string, reading: string];

/**
 * The reading of `term`, which kuromoji read `current`, among its homographs `candidates`: the one whose support
 * beats the dictionary's odds most, or `current`. A reading's support is the number of distinct longer words that
 * contain `term` and have that reading where the term sits: at the start (行頭 ギョウトウ; also with a final ッ, 学校
 * ガッコウ), at the end (改行 カイギョウ; also voiced, 平仮名 ヒラガナ: カナ), anywhere for a term in the middle; and of
 * distinct words of two characters or more inside `term` whose reading the candidate has there (文字 モジ in 大文字:
 * オオモジ, not ダイモンジ). Another
 * reading wins when (its support + 1) / (current's support + 1) exceeds the dictionary's odds against it,
 * e^((its cost − current's cost) / 800): 行 ギョウ (17 dearer than クダリ) with 改行 and 行頭 behind it does; 上
 * ジョウ (3,045 dearer than ウエ: odds of 45) with 以上, 上記 and 向上 does not.
 */
export function readingFromEvidence(
  term: string,
  current: string,
  candidates: readonly Homograph[],
  words: Iterable<EvidenceWord>,
): string {
  const support = new Array<number>(candidates.length).fill(0);
  for (const [word, reading] of words) {
    if (reading === '' || word === term) continue;
    if (word.length > term.length) {
      if (!word.includes(term)) continue;
      const atStart = word.startsWith(term);
      const atEnd = word.endsWith(term);
      candidates.forEach(({ reading: candidate }, index) => {
        if (fits(reading, candidate, atStart, atEnd)) support[index] = (support[index] as number) + 1;
      });
    } else if (word.length >= 2 && term.includes(word)) {
      const atStart = term.startsWith(word);
      const atEnd = term.endsWith(word);
      candidates.forEach(({ reading: candidate }, index) => {
        if (fits(candidate, reading, atStart, atEnd)) support[index] = (support[index] as number) + 1;
      });
    }
  }
  const at = candidates.findIndex(({ reading }) => reading === current);
  if (at < 0) return current;
  const base = candidates[at] as Homograph;
  const baseSupport = support[at] as number;
  let best = current;
  let bestMargin = 0;
  candidates.forEach(({ reading, cost }, index) => {
    if (index === at) return;
    const margin =
      Math.log(((support[index] as number) + 1) / (baseSupport + 1)) - (cost - base.cost) / IPADIC_COST_FACTOR;
    if (margin > bestMargin) {
      best = reading;
      bestMargin = margin;
    }
  });
  return best;
}

/** Whether the longer word's `reading` has the shorter one's `part` where the shorter one sits in it. */
function fits(reading: string, part: string, atStart: boolean, atEnd: boolean): boolean {
  if (atStart) return reading.startsWith(part) || reading.startsWith(geminated(part));
  if (atEnd) return reading.endsWith(part) || reading.endsWith(voiced(part));
  return reading.includes(part) || reading.includes(voiced(part)) || reading.includes(geminated(part));
}

/** The reading with its last kana turned into ッ (学 ガク → ガッ in 学校): from two kana on. */
function geminated(reading: string): string {
  return reading.length > 1 ? `${reading.slice(0, -1)}ッ` : reading;
}

const VOICED: Record<string, string> = {
  カ: 'ガ',
  キ: 'ギ',
  ク: 'グ',
  ケ: 'ゲ',
  コ: 'ゴ',
  サ: 'ザ',
  シ: 'ジ',
  ス: 'ズ',
  セ: 'ゼ',
  ソ: 'ゾ',
  タ: 'ダ',
  チ: 'ヂ',
  ツ: 'ヅ',
  テ: 'デ',
  ト: 'ド',
  ハ: 'バ',
  ヒ: 'ビ',
  フ: 'ブ',
  ヘ: 'ベ',
  ホ: 'ボ',
};

/** The reading with its first kana voiced (rendaku: 仮名 カナ → ガナ in 平仮名 ヒラガナ). */
function voiced(reading: string): string {
  const first = VOICED[reading[0] ?? ''];
  return first === undefined ? reading : first + reading.slice(1);
}
