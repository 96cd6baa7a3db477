// Domain terms kept whole by the analysis: the deployment's user dictionary and a crawl's `glossary`. kuromoji has
// no user dictionary, so the text is cut around each glossary term before tokenising, and the term itself becomes
// one token with the reading and part of speech given (or worked out from the dictionary's own tokens).
import { createHash } from 'node:crypto';
import { isKana, toKatakana } from 'wanakana';
import { AnalyzerOptionError } from './errors.js';
import type { Homograph } from './homograph-readings.js';
import type { JapaneseTokenizer, Token, TokenizeOptions } from './tokenizer.js';

/** One domain term: `reading` in katakana, `pos` an IPADIC top-level part of speech (default 名詞). */
export interface GlossaryEntry {
  term: string;
  reading?: string | undefined;
  pos?: string | undefined;
}

/** The parts of speech a glossary term may have: what the analysis counts as a content word. */
export const GLOSSARY_POS: readonly string[] = ['名詞', '動詞', '形容詞'];

interface CompiledEntry {
  term: string;
  reading: string;
  pos: string;
}

/**
 * A set of glossary terms, matched in text longest first (a term inside a longer one never cuts it). Build it with
 * `Glossary.compile`, which reads terms without a reading from the tokenizer's dictionary, once.
 */
export class Glossary {
  /** Terms by first character, longest first. */
  readonly #byFirst = new Map<string, CompiledEntry[]>();
  /** SHA-256 of the entries, for cache keys: two glossaries with the same entries analyse text the same way. */
  readonly fingerprint: string;
  readonly size: number;

  private constructor(entries: readonly CompiledEntry[]) {
    const sorted = [...entries].sort((a, b) => b.term.length - a.term.length || (a.term < b.term ? -1 : 1));
    for (const entry of sorted) {
      const first = entry.term[0] as string;
      const list = this.#byFirst.get(first) ?? [];
      list.push(entry);
      this.#byFirst.set(first, list);
    }
    this.size = sorted.length;
    const hash = createHash('sha256');
    for (const { term, reading, pos } of sorted) hash.update(`${term}\t${reading}\t${pos}\n`);
    this.fingerprint = hash.digest('hex').slice(0, 16);
  }

  /**
   * Compiles entries (later ones win for the same term): NFKC terms, katakana readings, `pos` checked against
   * `GLOSSARY_POS`. A term without a reading is read as the tokenizer reads its parts. Throws
   * `AnalyzerOptionError` for an empty term or another part of speech.
   */
  static compile(entries: Iterable<GlossaryEntry>, tokenizer: JapaneseTokenizer): Glossary {
    const byTerm = new Map<string, CompiledEntry>();
    for (const entry of entries) {
      const term = (entry.term ?? '').normalize('NFKC').trim();
      if (term === '') throw new AnalyzerOptionError('glossary', 'a glossary term must not be empty');
      const pos = entry.pos ?? '名詞';
      if (!GLOSSARY_POS.includes(pos)) {
        throw new AnalyzerOptionError(
          'glossary',
          `glossary term ${term}: pos must be one of ${GLOSSARY_POS.join(', ')}`,
        );
      }
      const given = entry.reading?.normalize('NFKC').trim();
      const reading = given ? toKatakana(given) : readingOfParts(tokenizer.tokenize(term));
      byTerm.set(term, { term, reading, pos });
    }
    return new Glossary([...byTerm.values()]);
  }

  /** One glossary made of several (the deployment's, then a crawl's: the crawl's entry wins for the same term). */
  static merge(glossaries: ReadonlyArray<Glossary | undefined>): Glossary | undefined {
    const byTerm = new Map<string, CompiledEntry>();
    for (const glossary of glossaries) {
      if (glossary === undefined) continue;
      for (const list of glossary.#byFirst.values()) for (const entry of list) byTerm.set(entry.term, entry);
    }
    return byTerm.size === 0 ? undefined : new Glossary([...byTerm.values()]);
  }

  /**
   * `text` cut into pieces: plain text (a string) and glossary terms (their entry), in order. Matches are taken
   * left to right, the longest term at each position.
   */
  *split(text: string): Generator<string | CompiledEntry, void, undefined> {
    let plainStart = 0;
    for (let at = 0; at < text.length;) {
      const candidates = this.#byFirst.get(text[at] as string);
      const match = candidates?.find((entry) => text.startsWith(entry.term, at));
      if (match === undefined) {
        at++;
        continue;
      }
      if (at > plainStart) yield text.slice(plainStart, at);
      yield match;
      at += match.term.length;
      plainStart = at;
    }
    if (plainStart < text.length) yield text.slice(plainStart);
  }

  /**
   * A tokenizer that keeps this glossary's terms whole: `inner`'s tokens for the text around them, one token per
   * term (`word_type` `GLOSSARY`, the entry's reading and part of speech, 固有名詞 for nouns).
   */
  wrap(inner: JapaneseTokenizer): JapaneseTokenizer {
    return new GlossaryTokenizer(inner, this);
  }
}

/** The reading of a term from its parts: each token's reading, kana read as written; '' when a part has none. */
function readingOfParts(tokens: readonly Token[]): string {
  let reading = '';
  for (const token of tokens) {
    if (token.reading !== undefined && token.reading !== '' && token.reading !== '*') reading += token.reading;
    else if (isKana(token.surface_form)) reading += toKatakana(token.surface_form);
    else return '';
  }
  return reading;
}

function glossaryToken(entry: CompiledEntry): Token {
  return {
    surface_form: entry.term,
    pos: entry.pos,
    pos_detail_1: entry.pos === '名詞' ? '固有名詞' : '自立',
    pos_detail_2: '*',
    pos_detail_3: '*',
    conjugated_type: '*',
    conjugated_form: '*',
    basic_form: entry.term,
    reading: entry.reading,
    pronunciation: entry.reading,
    word_type: 'GLOSSARY',
  };
}

class GlossaryTokenizer implements JapaneseTokenizer {
  readonly #inner: JapaneseTokenizer;
  readonly #glossary: Glossary;

  constructor(inner: JapaneseTokenizer, glossary: Glossary) {
    this.#inner = inner;
    this.#glossary = glossary;
  }

  homographReadings(wordId: number): readonly Homograph[] {
    return this.#inner.homographReadings?.(wordId) ?? [];
  }

  tokenize(text: string, options?: TokenizeOptions): Token[] {
    const tokens: Token[] = [];
    for (const piece of this.#glossary.split(text)) {
      if (typeof piece !== 'string') tokens.push(glossaryToken(piece));
      else for (const token of this.#inner.tokenize(piece, options)) tokens.push(token);
    }
    return tokens;
  }

  async tokenizeAsync(text: string, options?: TokenizeOptions): Promise<Token[]> {
    const tokens: Token[] = [];
    for await (const chunk of this.tokenizeChunks(text, options)) for (const token of chunk) tokens.push(token);
    return tokens;
  }

  async *tokenizeChunks(text: string, options?: TokenizeOptions): AsyncGenerator<Token[], void, undefined> {
    for (const piece of this.#glossary.split(text)) {
      if (typeof piece !== 'string') yield [glossaryToken(piece)];
      else yield* this.#inner.tokenizeChunks(piece, options);
    }
  }

  async *tokenizeChunksShared(
    text: string,
    options?: TokenizeOptions,
  ): AsyncGenerator<readonly Token[], void, undefined> {
    const inner = this.#inner;
    for (const piece of this.#glossary.split(text)) {
      if (typeof piece !== 'string') yield [glossaryToken(piece)];
      else if (inner.tokenizeChunksShared !== undefined) yield* inner.tokenizeChunksShared(piece, options);
      else yield* inner.tokenizeChunks(piece, options);
    }
  }
}

/**
 * Entries of a user dictionary file: JSON (an array of `{ term, reading?, pos? }`) or CSV (`term,reading,pos` per
 * line, reading and pos optional, `#` comments and blank lines skipped). Throws `AnalyzerOptionError` naming the
 * line of a malformed entry.
 */
export function parseUserDictionary(text: string, format: 'json' | 'csv'): GlossaryEntry[] {
  const source = 'ANALYZER_USER_DICTIONARY';
  if (format === 'json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new AnalyzerOptionError(source, `the user dictionary is not valid JSON: ${(error as Error).message}`);
    }
    if (!Array.isArray(parsed)) throw new AnalyzerOptionError(source, 'the user dictionary must be a JSON array');
    return parsed.map((value: unknown, index) => {
      const entry = value as Partial<GlossaryEntry> | null;
      if (!entry || typeof entry.term !== 'string') {
        throw new AnalyzerOptionError(source, `user dictionary entry ${index} has no term`);
      }
      return { term: entry.term, reading: stringOr(entry.reading), pos: stringOr(entry.pos) };
    });
  }
  const entries: GlossaryEntry[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    const trimmed = line.replace(/^\uFEFF/, '').trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const [term = '', reading = '', pos = ''] = trimmed.split(',').map((field) => field.trim());
    if (term === '') throw new AnalyzerOptionError(source, `user dictionary line ${index + 1} has no term`);
    entries.push({ term, reading: reading || undefined, pos: pos || undefined });
  });
  return entries;
}

function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
