// What a word does in a page's counts — blank, a content noun, a noun that only extends a compound, another content
// word, or nothing — worked out once per dictionary entry (per character class for unknown words), so that counting a
// page's words from a `WordPath` reads one byte per word.
import { rememberedContentWordOf } from './content-words.js';
import { MAX_ENTRY_INDEX, grownCapacity } from './entry-index.js';
import type { SeenSlots } from './analysis-accumulator.js';
import type { ContentWord } from './content-words.js';
import { RestartingIds } from './restarting-ids.js';
import { SpanCache } from './span-cache.js';
import type { Token } from './token.js';
import type { WordPath } from './word-path.js';

export const WordRole = {
  /** White space: not counted as a token; ends a compound noun. */
  BLANK: 1,
  /** A content noun: counted; starts or extends a compound noun. */
  NOUN: 2,
  /** A 数 noun, or a 接尾 noun with a letter: extends a compound noun already started, never starts one. */
  EXTENDS: 3,
  /** A content word that is no noun (verbs, adjectives): counted; ends a compound noun. */
  COUNTED: 4,
  /** Anything else (particles, symbols, 非自立 nouns): ends a compound noun. */
  OTHER: 5,
} as const;
export type WordRole = (typeof WordRole)[keyof typeof WordRole];

/** The role of `token`, whose remembered content word is `word`. */
export function roleOf(token: Token, word: ContentWord | undefined): WordRole {
  if (isBlank(token.surface_form)) return WordRole.BLANK;
  if (word !== undefined) return word.pos === '名詞' ? WordRole.NOUN : WordRole.COUNTED;
  return extendsRun(token) ? WordRole.EXTENDS : WordRole.OTHER;
}

/** Stored for an unknown word's class whose surface decides its role. */
const BY_SURFACE = 255;

/** One byte per entry index, 0 where not worked out yet (~400 KB for IPADIC's known words at most), never cleared. */
class ByteMemo {
  #bytes = new Uint8Array(64);

  get(entry: number): number {
    return entry < this.#bytes.length ? (this.#bytes[entry] as number) : 0;
  }

  set(entry: number, value: number): void {
    if (entry < 0 || entry > MAX_ENTRY_INDEX) return;
    if (entry >= this.#bytes.length) {
      const grown = new Uint8Array(grownCapacity(this.#bytes.length, entry));
      grown.set(this.#bytes);
      this.#bytes = grown;
    }
    this.#bytes[entry] = value;
  }
}

const knownRoles = new ByteMemo();
const unknownClassRoles = new ByteMemo();

/** The role of word `i` of `path`, a known word. */
export function knownRoleOf(path: WordPath, i: number): WordRole {
  const entry = path.entries[i] as number;
  const remembered = knownRoles.get(entry);
  if (remembered !== 0) return remembered as WordRole;
  const token = path.token(i);
  const role = roleOf(token, rememberedContentWordOf(token));
  knownRoles.set(entry, role);
  return role;
}

/**
 * What an unknown word's class entry says before its surface is read: `WordRole.EXTENDS` (名詞/数: a number, never
 * a content word), `WordRole.OTHER` (a part of speech never counted and never in a compound: symbols, spaces,
 * 非自立 nouns), or 0 when the surface decides (it may be a content word). Blank surfaces are found apart
 * (`isBlankSpan`). Word `i` of `path` is an unknown word.
 */
export function unknownClassRoleOf(path: WordPath, i: number): number {
  const entry = path.entries[i] as number;
  let role = unknownClassRoles.get(entry);
  if (role === 0) {
    // The class entry fixes the part of speech, whatever the surface.
    const { pos, pos_detail_1: detail } = path.token(i);
    if (pos === '名詞') {
      role =
        detail === '数' ? WordRole.EXTENDS : detail === '非自立' || detail === '代名詞' ? WordRole.OTHER : BY_SURFACE;
    } else {
      role = pos === '動詞' || pos === '形容詞' ? BY_SURFACE : WordRole.OTHER;
    }
    unknownClassRoles.set(entry, role);
  }
  return role === BY_SURFACE ? 0 : role;
}

/**
 * `text.trim() === ''`, without trimming when the first character cannot be white space (almost every token:
 * printable ASCII, and everything above U+3000 but U+FEFF, which is where kana and kanji are).
 */
export function isBlank(text: string): boolean {
  const first = text.charCodeAt(0);
  if ((first > 0x20 && first < 0x7f) || (first > 0x3000 && first !== 0xfeff)) return false;
  return text.trim() === '';
}

/** `isBlank(text.slice(start, end))`, slicing only when the first character may be white space. */
export function isBlankSpan(text: string, start: number, end: number): boolean {
  if (start >= end) return true;
  const first = text.charCodeAt(start);
  if ((first > 0x20 && first < 0x7f) || (first > 0x3000 && first !== 0xfeff)) return false;
  return text.slice(start, end).trim() === '';
}

/**
 * Whether `text[start, end)` is ASCII without a letter (`(`, `);`, `--`, `1.5`): such a word is never counted (a
 * term needs a letter, and NFKC leaves ASCII as it is) and never extends a compound (a 接尾 noun needs a letter), so
 * its role is `WordRole.OTHER` (or `BLANK`) whatever its class. Most unknown words of code and markup are such runs.
 */
export function isAsciiWithoutLetter(text: string, start: number, end: number): boolean {
  for (let at = start; at < end; at++) {
    const code = text.charCodeAt(at);
    if (code >= 0x80 || ((code | 0x20) >= 0x61 && (code | 0x20) <= 0x7a)) return false;
  }
  return true;
}

/** A noun that continues a compound noun without being a content word: 数 (第3回), 接尾 with a letter (〜さん, 〜性). */
export function extendsRun(token: Token): boolean {
  if (token.pos !== '名詞') return false;
  if (token.pos_detail_1 === '数') return true;
  return token.pos_detail_1 === '接尾' && /\p{L}/u.test(token.surface_form);
}

/**
 * An unknown word as counting sees it: its shared token, content word and role, per character class and surface,
 * and where the last analysis that counted it did (its `SeenSlots`, on the object itself: one object per word).
 */
export interface UnknownWord extends SeenSlots {
  /** Unique among the process's unknown words (`PhraseTable` keys compounds by it). */
  readonly id: number;
  readonly token: Token;
  readonly word: ContentWord | undefined;
  readonly role: WordRole;
}

/**
 * Unknown words remembered per class entry and surface (longer ones are worked out each time: long runs such as code
 * and URLs rarely recur); past 50,000 the memo starts afresh (bounded memory).
 */
const unknownWords = new SpanCache<UnknownWord>(32, 50_000);

/** The unknown words' ids; past 2^31 − 1 they start again, and the words remembered so far are forgotten first. */
const unknownWordIds = new RestartingIds();
unknownWordIds.onRestart(() => unknownWords.clear());

/**
 * Registers `forget`, called when the ids of unknown words start again: a table that keys by them (`PhraseTable`)
 * must then forget them, or a new word would be taken for an old one.
 */
export function onUnknownWordIdsRestart(forget: () => void): void {
  unknownWordIds.onRestart(forget);
}

/**
 * Word `i` of `path`, an unknown word (one whose surface decides its role, `unknownClassRoleOf` gave 0, or one in a
 * compound noun): remembered per class entry and surface, so that a recurring word (a Latin name, a symbol, a
 * number) costs one hash of its characters.
 */
export function unknownWordOf(path: WordPath, i: number): UnknownWord {
  const { text } = path;
  const entry = path.entries[i] as number;
  const start = path.starts[i] as number;
  const end = path.ends[i] as number;
  let unknown = unknownWords.get(entry, text, start, end);
  if (unknown === undefined) {
    const token = path.token(i);
    const word = rememberedContentWordOf(token);
    unknown = {
      id: unknownWordIds.next(),
      token,
      word,
      role: roleOf(token, word),
      stamp: 0,
      wordSlot: 0,
      termSlot: 0,
    };
    unknownWords.set(entry, text, start, end, token.surface_form, unknown);
  }
  return unknown;
}
