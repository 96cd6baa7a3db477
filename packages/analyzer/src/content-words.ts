import { isKana, toKatakana } from 'wanakana';
import { ENGLISH_STOP_WORDS } from './english-stop-words.js';
import { MAX_ENTRY_INDEX, grownCapacity } from './entry-index.js';
import type { Token } from './tokenizer.js';

/**
 * Verbs so common and so empty of meaning that they would top every page: する, ある, いる, なる, できる and the
 * passive/potential auxiliaries れる, られる (which IPADIC files as 動詞/接尾, already excluded, but an unknown
 * analysis can still surface them), plus their kanji spellings 為る, 有る, 居る, 成る, 出来る.
 */
export const LIGHT_VERBS: ReadonlySet<string> = new Set([
  'する',
  'ある',
  'いる',
  'なる',
  'できる',
  'れる',
  'られる',
  '為る',
  '有る',
  '居る',
  '成る',
  '出来る',
]);

/** Adjectives as empty as the light verbs: ない in 「〜がない」 (and 無い) is IPADIC 形容詞/自立. */
export const LIGHT_ADJECTIVES: ReadonlySet<string> = new Set(['ない', '無い']);

/** Noun sub-classes (pos_detail_1) that never are content words on their own. */
const EXCLUDED_NOUN_CLASSES: ReadonlySet<string> = new Set(['非自立', '代名詞', '数', '接尾']);
/** Verb and adjective sub-classes that are grammar, not content (〜ている's いる, 〜られる, 〜っぽい). */
const EXCLUDED_PREDICATE_CLASSES: ReadonlySet<string> = new Set(['非自立', '接尾']);

const LETTER = /\p{L}/u;
const LATIN_LETTER = /\p{Script=Latin}/u;
const SINGLE_KANA_NOUN = /^[\p{Script=Hiragana}ー]$/u;

/** A word worth counting, normalised. Shared between occurrences (see `rememberedContentWordOf`): never mutated. */
export interface ContentWord {
  readonly term: string;
  readonly reading: string;
  readonly pos: string;
  /** The word as written (NFKC) when that differs from `term`: a Latin word's case (`SSH`, `FontForge`). */
  readonly display?: string;
}

export function contentWordOf(token: Token): ContentWord | undefined {
  const { pos } = token;
  if (pos === '名詞') {
    if (EXCLUDED_NOUN_CLASSES.has(token.pos_detail_1)) return undefined;
  } else if (pos === '動詞' || pos === '形容詞') {
    if (EXCLUDED_PREDICATE_CLASSES.has(token.pos_detail_1)) return undefined;
  } else {
    return undefined;
  }
  const written = writtenFormOf(token);
  const term = normalizeWord(written);
  if (!isCountable(term)) return undefined;
  if (pos === '名詞' && SINGLE_KANA_NOUN.test(term)) return undefined;
  if (pos === '動詞' && LIGHT_VERBS.has(term)) return undefined;
  if (pos === '形容詞' && LIGHT_ADJECTIVES.has(term)) return undefined;
  const reading = readingOf(token);
  return written === term ? { term, reading, pos } : { term, reading, pos, display: written };
}

/** Unknown words (by character class and surface) whose content word is remembered; past this that memo starts afresh (bounded memory). */
export const CONTENT_WORD_MEMO_SIZE = 100_000;
/**
 * Known words: by entry (`word_id / 10`, kuromoji's entry ids are multiples of 10), `null` for none. An array, not a
 * Map: one indexed load per token; its size is bounded by the dictionary's entries, so it is never cleared.
 */
let memo: Array<ContentWord | null | undefined> = [];
/** The dictionary entry (`word_id`) each remembered known word was made from: what its homographs are found by. */
const entries = new WeakMap<ContentWord, number>();
/** Unknown words: per character class id (`word_id`), by surface. Bounded by `CONTENT_WORD_MEMO_SIZE`. */
const unknownMemo = new Map<number, Map<string, ContentWord | null>>();
let unknownMemoSize = 0;

/**
 * `contentWordOf`, remembered per dictionary entry: a known word's surface, base form, reading and part of speech
 * are those of its entry (`word_id`), so its normalisation, filtering and reading are worked out once per process
 * instead of once per occurrence. An unknown word's fields are those of its character class (`word_id`, shared by
 * many surfaces) and its surface, so it is remembered by both.
 */
export function rememberedContentWordOf(token: Token): ContentWord | undefined {
  const id = token.word_id;
  if (id === undefined) return contentWordOf(token);
  if (token.word_type !== 'KNOWN') return rememberedUnknownWordOf(token, id);
  const index = id / 10;
  const remembered = memo[index];
  if (remembered !== undefined) return remembered ?? undefined;
  // Not an entry id of kuromoji's (a token made elsewhere): worked out, not remembered.
  if (!Number.isInteger(index) || index < 0 || index > MAX_ENTRY_INDEX) return contentWordOf(token);
  const word = contentWordOf(token);
  if (index >= memo.length) memo = grown(memo, index + 1);
  memo[index] = word ?? null;
  if (word !== undefined) entries.set(word, id);
  return word;
}

/**
 * The content word of known entry index `entry` (`word_id / 10`) as `rememberedContentWordOf` remembered it, or
 * undefined: none, or none remembered yet.
 */
export function knownContentWordOf(entry: number): ContentWord | undefined {
  return memo[entry] ?? undefined;
}

/** The `word_id` of the known dictionary entry a word from `rememberedContentWordOf` was made from. */
export function entryOf(word: ContentWord): number | undefined {
  return entries.get(word);
}

/** `array` with room for `length` elements, filled (a sparse array would fall back to a dictionary of elements). */
function grown<T>(array: Array<T | undefined>, length: number): Array<T | undefined> {
  const next = new Array<T | undefined>(grownCapacity(array.length, length - 1)).fill(undefined);
  for (let i = 0; i < array.length; i++) next[i] = array[i];
  return next;
}

function rememberedUnknownWordOf(token: Token, id: number): ContentWord | undefined {
  // Most unknown words are symbols, numbers or spaces: ruled out by their part of speech alone.
  const { pos } = token;
  if (pos !== '名詞' && pos !== '動詞' && pos !== '形容詞') return undefined;
  if (pos === '名詞' && EXCLUDED_NOUN_CLASSES.has(token.pos_detail_1)) return undefined;
  let bySurface = unknownMemo.get(id);
  if (bySurface === undefined) {
    bySurface = new Map();
    unknownMemo.set(id, bySurface);
  }
  const remembered = bySurface.get(token.surface_form);
  if (remembered !== undefined) return remembered ?? undefined;
  const word = contentWordOf(token);
  if (unknownMemoSize >= CONTENT_WORD_MEMO_SIZE) {
    unknownMemo.clear();
    unknownMemoSize = 0;
    bySurface = new Map();
    unknownMemo.set(id, bySurface);
  }
  bySurface.set(token.surface_form, word ?? null);
  unknownMemoSize++;
  return word;
}

/**
 * The counted form of a word: the base form (the surface when kuromoji has none), NFKC-normalised so that
 * half-width katakana and full-width Latin meet their usual forms, and lower-cased (which only affects Latin).
 */
export function termOf(token: Token): string {
  return normalizeWord(writtenFormOf(token));
}

const terms = new WeakMap<Token, string>();

/** `termOf(token)`, remembered per token: shared tokens (one per entry) recur page after page. */
export function rememberedTermOf(token: Token): string {
  let term = terms.get(token);
  if (term === undefined) {
    term = termOf(token);
    terms.set(token, term);
  }
  return term;
}

/** The base form as written, NFKC-normalised: the term before lower-casing. */
function writtenFormOf(token: Token): string {
  const base = token.basic_form === '*' || token.basic_form === '' ? token.surface_form : token.basic_form;
  return base.normalize('NFKC');
}

/** NFKC, then lower case: the one normalisation of terms and phrases. */
export function normalizeWord(word: string): string {
  const normalized = word.normalize('NFKC');
  return LATIN_LETTER.test(normalized) ? normalized.toLowerCase() : normalized;
}

/** False for terms without any letter (symbols, punctuation, digits) and for English stop words. */
export function isCountable(term: string): boolean {
  return LETTER.test(term) && !ENGLISH_STOP_WORDS.has(term);
}

/**
 * The katakana reading of the token's base form. kuromoji reads the surface (走っ → ハシッ), so for a conjugated
 * verb or adjective the surface's kana ending is swapped for the base form's (ハシッ → ハシル). Unknown words get
 * their surface in katakana when it is kana, else ''.
 */
export function readingOf(token: Token): string {
  const reading = token.reading;
  if (reading === undefined || reading === '' || reading === '*') {
    const surface = token.surface_form.normalize('NFKC');
    return isKana(surface) ? toKatakana(surface) : '';
  }
  if (token.pos === '動詞' || token.pos === '形容詞') return baseReading(token, reading);
  return reading;
}

function baseReading(token: Token, reading: string): string {
  const surface = token.surface_form;
  const base = token.basic_form;
  if (base === surface || base === '*') return reading;
  // 来る conjugates its stem (来ない: コ, 来ます: キ); its base reading is always クル.
  if (token.conjugated_type.startsWith('カ変')) return base === '来る' || base === 'くる' ? 'クル' : reading;
  let shared = 0;
  while (shared < surface.length && shared < base.length && surface[shared] === base[shared]) shared++;
  const surfaceTail = surface.slice(shared);
  const baseTail = base.slice(shared);
  if ((surfaceTail !== '' && !isKana(surfaceTail)) || !isKana(baseTail)) return reading;
  const surfaceTailReading = toKatakana(surfaceTail);
  if (!reading.endsWith(surfaceTailReading)) return reading;
  return reading.slice(0, reading.length - surfaceTailReading.length) + toKatakana(baseTail);
}
