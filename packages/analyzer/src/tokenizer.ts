import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { DEFAULT_MAX_CHUNK_CHARS, assertMaxChunkChars, chunkText } from './chunk-text.js';
import { dictionaryChannel, tokenizeChannel } from './diagnostics.js';
import type { DictionaryLoadEvent, TokenizeEvent } from './diagnostics.js';
import { DictionaryError } from './errors.js';
import type { Homograph } from './homograph-readings.js';
import { loadKuromojiDictionary } from './kuromoji-dictionary.js';
import { LatticeTokenizer } from './lattice-tokenizer.js';
import type { Token } from './token.js';
import type { WordPath } from './word-path.js';

export type { Token } from './token.js';
export type { Homograph } from './homograph-readings.js';

export interface TokenizeOptions {
  /**
   * Upper bound of one chunk in UTF-16 code units; the event loop gets a turn between two chunks.
   * @defaultValue 2000 (`DEFAULT_MAX_CHUNK_CHARS`)
   */
  maxChunkChars?: number;
}

/** The process-wide tokenizer (kuromoji's tokens, see `LatticeTokenizer`), with chunked tokenisation that keeps the event loop responsive. */
export interface JapaneseTokenizer {
  /** Tokenises `text` chunk by chunk without yielding. Same tokens as `tokenizeAsync`; for small texts. */
  tokenize(text: string, options?: TokenizeOptions): Token[];
  /**
   * Tokenises `text` chunk by chunk, yielding to the event loop (`setImmediate`) between chunks once every
   * `MAX_SLICE_MS`, so timers such as BullMQ's lock renewal keep running while a huge page is tokenised.
   */
  tokenizeAsync(text: string, options?: TokenizeOptions): Promise<Token[]>;
  /**
   * The tokens of each chunk in turn, yielding to the event loop between chunks once every `MAX_SLICE_MS` (the
   * consumer's work between chunks counts); memory stays one chunk deep.
   */
  tokenizeChunks(text: string, options?: TokenizeOptions): AsyncGenerator<Token[], void, undefined>;
  /**
   * `tokenizeChunks` for counting (what `analyzeText` uses when there): the same tokens but without `word_position`,
   * shared by all their occurrences (one object per dictionary entry, per unknown word's class and surface). Tokens
   * must not be kept or changed. Wrappers forward it when their inner tokenizer has it.
   */
  tokenizeChunksShared?(text: string, options?: TokenizeOptions): AsyncGenerator<readonly Token[], void, undefined>;
  /**
   * `tokenizeChunksShared` without tokens: each chunk's words as dictionary entries and spans (`WordPath`), the
   * cheapest way to count them. One path per call, refilled for the next chunk: read it before asking for the next
   * one. Wrappers that change tokens (the glossary) leave it out.
   */
  tokenizeChunksPath?(text: string, options?: TokenizeOptions): AsyncGenerator<WordPath, void, undefined>;
  /**
   * The readings of a known word's dictionary entry (its `word_id`) and of the entries with the same written form
   * and connection ids, which no context tells apart (行: クダリ, ギョウ), lowest cost first; empty when it has no
   * such homograph. The analysis chooses among them from evidence. Optional: without it, kuromoji's reading stays.
   */
  homographReadings?(wordId: number): readonly Homograph[];
}

export interface BuildTokenizerOptions {
  /**
   * Directory holding kuromoji's `*.dat.gz` dictionary files.
   * @defaultValue the `dict/` directory of the installed `kuromoji` package
   */
  dicPath?: string;
}

/** The longest stretch `tokenizeChunks` works without giving the event loop a turn (a chunk may overrun it). */
export const MAX_SLICE_MS = 10;

let shared: Promise<JapaneseTokenizer> | undefined;

/**
 * The tokenizer of this process, built once from the dictionary shipped with kuromoji (~1 s, ~200 MB); concurrent
 * callers share one build. It gives exactly kuromoji's tokens (`LatticeTokenizer`). Rejects with `DictionaryError`
 * (`KUMO_ANALYZER_DICTIONARY`) or `DictionaryLayoutError` (`KUMO_ANALYZER_DICTIONARY_LAYOUT`), both critical; a
 * later call then tries again.
 */
export function loadTokenizer(): Promise<JapaneseTokenizer> {
  shared ??= buildTokenizer().catch((error: unknown) => {
    shared = undefined;
    throw error;
  });
  return shared;
}

/** The dictionary directory of the installed kuromoji package. */
export function defaultDictionaryPath(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('kuromoji/package.json')), 'dict');
}

/**
 * Builds a new tokenizer every call (each one loads its own dictionary): use `loadTokenizer`, which shares one per
 * process. Kept separate so that a bad dictionary path can be tested.
 */
export async function buildTokenizer(options: BuildTokenizerOptions = {}): Promise<JapaneseTokenizer> {
  const started = performance.now();
  let dicPath = options.dicPath ?? '';
  try {
    dicPath ||= defaultDictionaryPath();
  } catch (error) {
    throw new DictionaryError('kuromoji/dict', error);
  }
  const tokenizer = new LatticeTokenizer(await loadKuromojiDictionary(dicPath));
  if (dictionaryChannel.hasSubscribers) {
    dictionaryChannel.publish({ ms: performance.now() - started } satisfies DictionaryLoadEvent);
  }
  return new ChunkedTokenizer(tokenizer);
}

class ChunkedTokenizer implements JapaneseTokenizer {
  readonly #engine: LatticeTokenizer;
  /** Word paths of finished `tokenizeChunksPath` calls, for the next ones: their arrays have grown to a chunk's size. */
  readonly #freePaths: WordPath[] = [];

  constructor(tokenizer: LatticeTokenizer) {
    this.#engine = tokenizer;
  }

  homographReadings(wordId: number): readonly Homograph[] {
    return this.#engine.homographReadings(wordId);
  }

  tokenize(text: string, options: TokenizeOptions = {}): Token[] {
    const maxChunkChars = options.maxChunkChars ?? DEFAULT_MAX_CHUNK_CHARS;
    assertMaxChunkChars(maxChunkChars);
    const event: TokenizeEvent = { chars: text.length, tokens: 0, chunks: 0, ms: 0 };
    const tokens: Token[] = [];
    const started = performance.now();
    for (const chunk of chunkText(text, maxChunkChars)) {
      for (const token of this.#engine.tokenize(chunk)) tokens.push(token);
      event.chunks++;
    }
    event.ms = performance.now() - started;
    event.tokens = tokens.length;
    publishTokenize(event);
    return tokens;
  }

  async tokenizeAsync(text: string, options: TokenizeOptions = {}): Promise<Token[]> {
    const tokens: Token[] = [];
    for await (const chunk of this.tokenizeChunks(text, options)) {
      for (const token of chunk) tokens.push(token);
    }
    return tokens;
  }

  tokenizeChunks(text: string, options: TokenizeOptions = {}): AsyncGenerator<Token[], void, undefined> {
    return this.#chunks(text, options, (chunk) => this.#engine.tokenize(chunk));
  }

  tokenizeChunksShared(text: string, options: TokenizeOptions = {}): AsyncGenerator<Token[], void, undefined> {
    return this.#chunks(text, options, (chunk) => this.#engine.tokenizeShared(chunk));
  }

  async *tokenizeChunksPath(text: string, options: TokenizeOptions = {}): AsyncGenerator<WordPath, void, undefined> {
    // One path per call in progress, refilled chunk after chunk (concurrent analyses each read their own), then kept.
    const path = this.#freePaths.pop() ?? this.#engine.newWordPath();
    try {
      yield* this.#chunks(text, options, (chunk) => this.#engine.tokenizePath(chunk, path));
    } finally {
      path.reset('');
      this.#freePaths.push(path);
    }
  }

  async *#chunks<Words extends { length: number }>(
    text: string,
    options: TokenizeOptions,
    tokenizeChunk: (chunk: string) => Words,
  ): AsyncGenerator<Words, void, undefined> {
    const maxChunkChars = options.maxChunkChars ?? DEFAULT_MAX_CHUNK_CHARS;
    assertMaxChunkChars(maxChunkChars);
    const event: TokenizeEvent = { chars: text.length, tokens: 0, chunks: 0, ms: 0 };
    let sliceStarted = performance.now();
    try {
      for (const chunk of chunkText(text, maxChunkChars)) {
        // Chunks are cut as before (the tokens do not change), but the event loop gets a turn only once a slice of
        // work (the consumer's included) has lasted MAX_SLICE_MS: a turn per 2,000 characters cost more than the
        // tokenising once it became ~1 µs per character.
        if (event.chunks > 0 && performance.now() - sliceStarted >= MAX_SLICE_MS) {
          await yieldToEventLoop();
          sliceStarted = performance.now();
        }
        const started = performance.now();
        const words = tokenizeChunk(chunk);
        event.ms += performance.now() - started;
        event.chunks++;
        event.tokens += words.length;
        yield words;
      }
    } finally {
      // Also when the consumer stops early: the event then describes the work actually done.
      publishTokenize(event);
    }
  }
}

function publishTokenize(event: TokenizeEvent): void {
  if (tokenizeChannel.hasSubscribers) tokenizeChannel.publish(event);
}
