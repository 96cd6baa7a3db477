// A page's counts (terms with their variants, phrases with the words of a compound) and their ranking into the
// contract's `Analysis`, with the page's readings of homographs.
import type { Analysis, PhraseCount, Term } from '@kumo/contract';
import { entryOf, rememberedContentWordOf, rememberedTermOf } from './content-words.js';
import { MAX_ENTRY_INDEX, grownCapacity } from './entry-index.js';
import type { ContentWord } from './content-words.js';
import { readingFromEvidence } from './homograph-readings.js';
import { RestartingIds } from './restarting-ids.js';
import { StringSlots } from './string-slots.js';
import { katakanaOf } from './kana.js';
import type { EvidenceWord, Homograph } from './homograph-readings.js';
import type { Token } from './token.js';
import { topByCount } from './top-by-count.js';

/**
 * Per known entry (index): the stamp of the accumulator that counted it last, then its word and term slots there;
 * three int32 per entry, together, so that counting a word seen before on the page reads one place of memory instead
 * of its content word and a Map. Shared by the process's analyses: a stamp that is not one's own only means a
 * Map lookup (`AnalysisAccumulator.countSeenEntry`).
 */
let entrySlots = new Int32Array(3 * 1024);
/** The accumulators' stamps; past 2^31 − 1 they start again, and `entrySlots` is cleared first. */
const stamps = new RestartingIds();
stamps.onRestart(() => entrySlots.fill(0));

/**
 * Registers `forget`, called when the stamps start again: a table that remembers slots by stamp (`PhraseTable`)
 * must then forget them, or a new accumulator would take an old one's slots for its own.
 */
export function onStampsRestart(forget: () => void): void {
  stamps.onRestart(forget);
}

/**
 * Where the accumulator that counted a word last (`stamp`) keeps its word and term slots: what `countSeen` reads, so
 * that a word (an unknown word's, which has no entry for `countSeenEntry`) seen before on the page costs no Map
 * lookup. Kept on an object shared by the word's occurrences; a stamp that is not one's own only means a Map lookup.
 */
export interface SeenSlots {
  stamp: number;
  wordSlot: number;
  termSlot: number;
}

/**
 * The growable arrays of an accumulator, handed to the next one once its analysis is made (`toAnalysis`): growing
 * ten arrays and two hash tables from empty on every page allocated more than the counting itself, and that garbage
 * slowed the tokenizer beside it (it shares the caches). Their lengths are the accumulator's own counts; past those
 * they hold an earlier page's values, never read.
 */
class CountArrays {
  /** The terms by slot (`keys`), first-seen order. */
  readonly termSlots = new StringSlots();
  readonly termCounts: number[] = [];
  readonly firstWord: number[] = [];
  readonly words: ContentWord[] = [];
  readonly wordCounts: number[] = [];
  readonly nextWord: number[] = [];
  /** Per word, the `word_id` of its dictionary entry, `LOOK_UP` (ask `entryOf`) or `NO_ENTRY` (an unknown word). */
  readonly wordEntries: number[] = [];
  /** The phrases by slot (`keys`), first-seen order. */
  readonly phraseSlots = new StringSlots();
  readonly phraseCounts: number[] = [];
  readonly phraseRuns: Array<readonly Token[] | undefined> = [];
  /** Per term, its reading once `PageReadings.ofTerm` worked it out (cleared for each page's terms first). */
  readonly termReadings: Array<string | undefined> = [];
  /** Per term, the word that represents it once `toAnalysis` asked (cleared for each page's terms first). */
  readonly representatives: Array<ContentWord | undefined> = [];

  /** These arrays, emptied for a new accumulator. */
  static take(): CountArrays {
    const arrays = freeArrays.pop();
    if (arrays === undefined) return new CountArrays();
    arrays.termSlots.clear();
    arrays.phraseSlots.clear();
    return arrays;
  }
}

/** Arrays of finished accumulators, for the next ones (one per analysis running at a time, as a rule). */
const freeArrays: CountArrays[] = [];
const MAX_FREE_ARRAYS = 4;
/** Arrays that grew past this many words are not kept (one huge page must not hold memory for good). */
const MAX_KEPT_WORDS = 65_536;
/** What a finished accumulator is left with: never kept, never read. */
const RELEASED = new CountArrays();

/**
 * Counts the terms and phrases of one text, then ranks them into an `Analysis`. `toAnalysis` ends it: its arrays go
 * to the next accumulator.
 */
export class AnalysisAccumulator {
  tokens = 0;
  readonly #stamp = stamps.next();
  /**
   * The arrays behind the slots (`CountArrays`; the first `#wordCount` words are this accumulator's). The words
   * counted so far are grouped by term as they come: per term (first-seen order) its slot in `termSlots`, its total,
   * and its words (variants: one object per dictionary entry or written form, usually one per term) chained from
   * `firstWord` through `nextWord` in first-seen order, each with its own count. One lookup of the term per word new
   * to the page (`countSeenEntry` and `countSeen` count the others).
   *
   * Likewise for phrases: their slot in `phraseSlots`, and per slot its count and the tokens of its first occurrence
   * (compound nouns: their reading is worked out for the top phrases only, once the page's readings are known; the
   * tokens are immutable and shared: one per dictionary entry for known words, one array per compound of path
   * words).
   */
  #arrays = CountArrays.take();
  #wordCount = 0;
  /** The term slot of the last word `#count` counted. */
  #countedTerm = 0;

  /** This accumulator's stamp, by which tables outside it remember its slots (`PhraseTable`); no other has it. */
  get stamp(): number {
    return this.#stamp;
  }

  addWord(word: ContentWord): void {
    this.#count(word, LOOK_UP);
  }

  /**
   * Counts known entry `entry` (index) once more if this accumulator has counted it before, from `entrySlots`
   * without looking at its word; false when it has not (or another analysis took the entry's slots since): then
   * `addKnownWord`.
   */
  countSeenEntry(entry: number): boolean {
    const at = 3 * entry;
    if (at >= entrySlots.length || entrySlots[at] !== this.#stamp) return false;
    const w = entrySlots[at + 1] as number;
    const t = entrySlots[at + 2] as number;
    const { wordCounts, termCounts } = this.#arrays;
    wordCounts[w] = (wordCounts[w] as number) + 1;
    termCounts[t] = (termCounts[t] as number) + 1;
    return true;
  }

  /**
   * Counts the word whose `slots` these are once more if this accumulator has counted it before (`addSeenWord`),
   * from the slots alone; false when it has not (or another analysis took the slots since): then `addSeenWord`.
   */
  countSeen(slots: SeenSlots): boolean {
    if (slots.stamp !== this.#stamp) return false;
    const { wordCounts, termCounts } = this.#arrays;
    wordCounts[slots.wordSlot] = (wordCounts[slots.wordSlot] as number) + 1;
    termCounts[slots.termSlot] = (termCounts[slots.termSlot] as number) + 1;
    return true;
  }

  /** Counts `word`, an unknown word's, and remembers where in `slots`, for `countSeen`. */
  addSeenWord(word: ContentWord, slots: SeenSlots): void {
    slots.wordSlot = this.#count(word, NO_ENTRY);
    slots.termSlot = this.#countedTerm;
    slots.stamp = this.#stamp;
  }

  /** The slot of the term under which this accumulator counted known entry `entry` (index), or -1 if unknown. */
  #termOfEntry(entry: number): number {
    const at = 3 * entry;
    return entrySlots[at] === this.#stamp ? (entrySlots[at + 2] as number) : -1;
  }

  /** Counts `word`, the content word of known entry `entry`, and remembers where for `countSeenEntry`. */
  addKnownWord(entry: number, word: ContentWord): void {
    const w = this.#count(word, 10 * entry);
    if (entry < 0 || entry > MAX_ENTRY_INDEX) return;
    const at = 3 * entry;
    if (at >= entrySlots.length) {
      const grown = new Int32Array(3 * grownCapacity(entrySlots.length / 3, entry));
      grown.set(entrySlots);
      entrySlots = grown;
    }
    entrySlots[at] = this.#stamp;
    entrySlots[at + 1] = w;
    entrySlots[at + 2] = this.#countedTerm;
  }

  /**
   * Counts `word` under its term; returns its slot in `words` (and leaves its term's in `#countedTerm`). `wordId`:
   * its entry's `word_id`, if known, for `wordEntries`.
   */
  #count(word: ContentWord, wordId: number): number {
    const { termSlots, termCounts, firstWord, words, wordCounts, nextWord } = this.#arrays;
    const t = termSlots.slotOf(word.term);
    if (t < 0) {
      const slot = termSlots.add(word.term);
      this.#countedTerm = slot;
      termCounts[slot] = 1;
      const w = this.#newWord(word, wordId);
      firstWord[slot] = w;
      return w;
    }
    this.#countedTerm = t;
    termCounts[t] = (termCounts[t] as number) + 1;
    let w = firstWord[t] as number;
    for (;;) {
      if (words[w] === word) {
        wordCounts[w] = (wordCounts[w] as number) + 1;
        return w;
      }
      const next = nextWord[w] as number;
      if (next === -1) break;
      w = next;
    }
    const added = this.#newWord(word, wordId);
    nextWord[w] = added;
    return added;
  }

  #newWord(word: ContentWord, wordId: number): number {
    const w = this.#wordCount++;
    const arrays = this.#arrays;
    arrays.words[w] = word;
    arrays.wordEntries[w] = wordId;
    arrays.wordCounts[w] = 1;
    arrays.nextWord[w] = -1;
    return w;
  }

  /**
   * Counts a phrase; returns its slot (for `countPhraseAt`). A compound noun's run (the first `runLength` tokens of
   * `run`) gives its reading (the report reads compound keywords with it).
   */
  addPhrase(phrase: string, run?: readonly Token[], runLength = run?.length ?? 0): number {
    const slot = this.#arrays.phraseSlots.slotOf(phrase);
    if (slot >= 0) {
      this.countPhraseAt(slot);
      return slot;
    }
    return this.#newPhrase(phrase, run?.slice(0, runLength));
  }

  /** `addPhrase` for a compound whose tokens are shared and never changed (`PhraseTable.tokens`): kept, not copied. */
  addSharedPhrase(phrase: string, tokens: readonly Token[]): number {
    const slot = this.#arrays.phraseSlots.slotOf(phrase);
    if (slot >= 0) {
      this.countPhraseAt(slot);
      return slot;
    }
    return this.#newPhrase(phrase, tokens);
  }

  #newPhrase(phrase: string, run: readonly Token[] | undefined): number {
    const arrays = this.#arrays;
    const slot = arrays.phraseSlots.add(phrase);
    arrays.phraseCounts[slot] = 1;
    arrays.phraseRuns[slot] = run;
    return slot;
  }

  /** Counts once more the phrase in slot `slot`, as `addPhrase` returned it. */
  countPhraseAt(slot: number): void {
    const { phraseCounts } = this.#arrays;
    phraseCounts[slot] = (phraseCounts[slot] as number) + 1;
  }

  /**
   * `homographs`: the tokenizer's `homographReadings`; without it, kuromoji's readings stay as they are. Ends the
   * accumulator (its arrays go to the next one).
   */
  toAnalysis(maxTerms: number, maxPhrases: number, homographs?: (wordId: number) => readonly Homograph[]): Analysis {
    const arrays = this.#arrays;
    const { termSlots, termCounts, firstWord, nextWord, words, wordCounts, phraseSlots, phraseCounts, phraseRuns } =
      arrays;
    const terms = termSlots.keys;
    const termCount = termSlots.size;
    // Worked out once per term: the top terms, the readings' evidence and the compounds' parts all ask.
    const representatives = arrays.representatives;
    clearFirst(representatives, termCount);
    const represent = (t: number): ContentWord =>
      (representatives[t] ??= representativeOf(words, wordCounts, nextWord, firstWord[t] as number));
    const readings = new PageReadings(homographs, termSlots, represent, {
      words,
      nextWord,
      firstWord,
      wordEntries: arrays.wordEntries,
      termReadings: arrays.termReadings,
      termOfEntry: (entry) => this.#termOfEntry(entry),
    });
    const topTerms = topByCount(terms, termCounts, maxTerms, termCount).map((t): Term => {
      const term = terms[t] as string;
      const count = termCounts[t] as number;
      const { pos, reading: kuromojiReading, display } = represent(t);
      const reading = pos === '名詞' ? readings.ofTerm(t, kuromojiReading) : kuromojiReading;
      return display === undefined || display === ''
        ? { term, reading, pos, count }
        : { term, reading, pos, count, display };
    });
    const phrases = phraseSlots.keys;
    const topPhrases = topByCount(phrases, phraseCounts, maxPhrases, phraseSlots.size).map((p): PhraseCount => {
      const phrase = phrases[p] as string;
      const count = phraseCounts[p] as number;
      const run = phraseRuns[p];
      const reading = run === undefined ? '' : runReading(run, readings);
      return reading === '' ? { phrase, count } : { phrase, count, reading };
    });
    this.#arrays = RELEASED;
    if (freeArrays.length < MAX_FREE_ARRAYS && this.#wordCount <= MAX_KEPT_WORDS) freeArrays.push(arrays);
    return { tokens: this.tokens, terms: topTerms, phrases: topPhrases };
  }
}

/**
 * Sets the first `length` elements of a reused array to undefined, appending where it is shorter: assigning past its
 * end later would leave holes, and V8 then keeps the array in a slower form.
 */
function clearFirst<T>(array: Array<T | undefined>, length: number): void {
  array.fill(undefined, 0, length);
  for (let i = array.length; i < length; i++) array.push(undefined);
}

/**
 * The word that represents a term: of its words (variants), merged where part of speech, reading and display are
 * the same, the most frequent (the first seen wins a tie); usually its only word. The words are chained from
 * `first` through `next`, in first-seen order.
 */
function representativeOf(
  words: readonly ContentWord[],
  counts: readonly number[],
  next: readonly number[],
  first: number,
): ContentWord {
  if (next[first] === -1) return words[first] as ContentWord;
  const variants: ContentWord[] = [];
  const totals: number[] = [];
  for (let w = first; w !== -1; w = next[w] as number) {
    const word = words[w] as ContentWord;
    let v = 0;
    while (v < variants.length && !sameVariant(variants[v] as ContentWord, word)) v++;
    if (v === variants.length) {
      variants.push(word);
      totals.push(0);
    }
    totals[v] = (totals[v] as number) + (counts[w] as number);
  }
  let best = 0;
  for (let v = 1; v < variants.length; v++) if ((totals[v] as number) > (totals[best] as number)) best = v;
  return variants[best] as ContentWord;
}

function sameVariant(a: ContentWord, b: ContentWord): boolean {
  return a.pos === b.pos && a.reading === b.reading && (a.display ?? '') === (b.display ?? '');
}

/** The words of a page grouped by term: term `t`'s words are chained from `firstWord[t]` through `nextWord` (-1 ends). */
interface TermWords {
  readonly words: readonly ContentWord[];
  readonly nextWord: readonly number[];
  readonly firstWord: readonly number[];
  /** Per word, its entry's `word_id`, `LOOK_UP` or `NO_ENTRY`. */
  readonly wordEntries: readonly number[];
  /** Where `PageReadings` keeps each term's reading; its first terms' entries are cleared by `PageReadings`. */
  readonly termReadings: Array<string | undefined>;
  /** The term slot of a known entry (index) counted on the page, -1 if not (or not known to be). */
  readonly termOfEntry: (entry: number) => number;
}

/** In `wordEntries`: a word counted without its entry (from a token), which `entryOf` may know. */
const LOOK_UP = -1;
/** In `wordEntries`: an unknown word's, which has no entry. */
const NO_ENTRY = -2;

/**
 * The readings of a page's nouns. A homograph (`HomographReadings`: 行 クダリ/ギョウ, 仮名 カメイ/カナ) is read as the
 * page's other words that contain it (or are inside it) say (`readingFromEvidence`: 改行 カイギョウ reads 行 as ギョウ),
 * kuromoji's reading where the page says nothing. Inside compound nouns a word is read as the page reads it on its
 * own (one sense per page): 行番号 is ギョウバンゴウ where 行 is ギョウ, although kuromoji takes that 行 for the place
 * name アルキ. Worked out for the top terms and phrases only, once per term.
 */
class PageReadings {
  readonly #homographs: ((wordId: number) => readonly Homograph[]) | undefined;
  readonly #terms: readonly string[];
  readonly #termCount: number;
  readonly #slots: StringSlots;
  readonly #represent: (t: number) => { pos: string; reading: string };
  readonly #termWords: TermWords;
  /** Readings chosen from evidence, by entry (`word_id`): only homographs get here. */
  readonly #ofEntry = new Map<number, string>();

  constructor(
    homographs: ((wordId: number) => readonly Homograph[]) | undefined,
    slots: StringSlots,
    represent: (t: number) => { pos: string; reading: string },
    termWords: TermWords,
  ) {
    this.#homographs = homographs;
    this.#terms = slots.keys;
    this.#termCount = slots.size;
    this.#slots = slots;
    this.#represent = represent;
    this.#termWords = termWords;
    // The arrays are reused page after page: no reading of an earlier page's term may be taken for this page's.
    clearFirst(termWords.termReadings, slots.size);
  }

  /** The reading of noun term `t`, whose occurrences kuromoji read most often as `reading`. */
  ofTerm(t: number, reading: string): string {
    if (this.#homographs === undefined) return reading;
    const termReadings = this.#termWords.termReadings;
    let chosen = termReadings[t];
    if (chosen === undefined) {
      chosen = reading;
      const { words, nextWord, firstWord, wordEntries } = this.#termWords;
      for (let w = firstWord[t] as number; w !== -1; w = nextWord[w] as number) {
        const entry = wordEntries[w] as number;
        if (entry === NO_ENTRY) continue;
        const word = words[w] as ContentWord;
        if (word.reading !== reading || word.pos !== '名詞') continue;
        const id = entry === LOOK_UP ? entryOf(word) : entry;
        if (id === undefined) continue;
        chosen = this.#ofEntryId(id, this.#terms[t] as string, reading);
        break;
      }
      termReadings[t] = chosen;
    }
    return chosen;
  }

  /** The reading of one token of a compound noun, which kuromoji read `reading`. */
  ofToken(token: Token, reading: string): string {
    if (this.#homographs === undefined || token.pos !== '名詞' || token.word_type !== 'KNOWN') return reading;
    const id = token.word_id;
    // A content noun counted on the page: its term's slot is where its entry was counted.
    let t = id === undefined ? -1 : this.#termWords.termOfEntry(id / 10);
    let term: string;
    if (t >= 0) {
      term = this.#terms[t] as string;
    } else {
      // A content noun's term is remembered with its entry; only other nouns (数, 接尾) are normalised here.
      term = rememberedContentWordOf(token)?.term ?? rememberedTermOf(token);
      t = this.#slots.slotOf(term);
    }
    if (t >= 0) {
      const own = this.#represent(t);
      if (own.pos === '名詞' && own.reading !== '') return this.ofTerm(t, own.reading);
    }
    return id === undefined ? reading : this.#ofEntryId(id, term, reading);
  }

  #ofEntryId(id: number, term: string, reading: string): string {
    // Most entries have no homograph (the tokenizer remembers that per entry): nothing to choose, nothing to keep.
    const candidates = (this.#homographs as (wordId: number) => readonly Homograph[])(id);
    if (candidates.length <= 1) return reading;
    let chosen = this.#ofEntry.get(id);
    if (chosen === undefined) {
      chosen = readingFromEvidence(term, reading, candidates, this.#evidence(term));
      this.#ofEntry.set(id, chosen);
    }
    return chosen;
  }

  #evidence(term: string): EvidenceWord[] {
    const terms = this.#terms;
    const evidence: EvidenceWord[] = [];
    for (let t = 0; t < this.#termCount; t++) {
      const word = terms[t] as string;
      if (word.length > term.length ? !word.includes(term) : word.length < 2 || !term.includes(word)) continue;
      evidence.push([word, this.#represent(t).reading]);
    }
    return evidence;
  }
}

/**
 * The katakana reading of a run of tokens (each token's reading, a noun's as the page reads it, kana read as
 * written), or '' if a part has none.
 */
function runReading(run: readonly Token[], readings: PageReadings): string {
  let reading = '';
  for (const token of run) {
    const part = token.reading;
    if (part !== undefined && part !== '' && part !== '*') reading += readings.ofToken(token, part);
    else {
      const kana = katakanaOf(token.surface_form);
      if (kana === '') return '';
      reading += kana;
    }
  }
  return reading;
}
