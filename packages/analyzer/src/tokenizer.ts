import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import kuromoji from 'kuromoji';
import type { IpadicFeatures, Tokenizer } from 'kuromoji';
import { DEFAULT_MAX_CHUNK_CHARS, assertMaxChunkChars, chunkText } from './chunk-text.js';
import { dictionaryChannel, tokenizeChannel } from './diagnostics.js';
import type { DictionaryLoadEvent, TokenizeEvent } from './diagnostics.js';
import { DictionaryError } from './errors.js';

/**
 * One morpheme as kuromoji (IPADIC) reports it. Field names are kuromoji's own; unknown words have `basic_form`
 * `*` and no `reading`.
 */
export interface Token {
  readonly surface_form: string;
  /** Top-level part of speech: 名詞, 動詞, 形容詞, 助詞, 記号, … */
  readonly pos: string;
  readonly pos_detail_1: string;
  readonly pos_detail_2: string;
  readonly pos_detail_3: string;
  readonly conjugated_type: string;
  readonly conjugated_form: string;
  /** Dictionary form, `*` when unknown. */
  readonly basic_form: string;
  /** Katakana reading of the surface form, absent for unknown words. */
  readonly reading?: string | undefined;
  readonly pronunciation?: string | undefined;
  /** `KNOWN` (in the dictionary) or `UNKNOWN`. */
  readonly word_type: string;
  /** kuromoji's id of the dictionary entry (for `UNKNOWN` words: of the character class, shared by many surfaces). */
  readonly word_id?: number;
}

export interface TokenizeOptions {
  /**
   * Upper bound of one chunk in UTF-16 code units; the event loop gets a turn between two chunks.
   * @defaultValue 2000 (`DEFAULT_MAX_CHUNK_CHARS`)
   */
  maxChunkChars?: number;
}

/** The process-wide kuromoji tokenizer, with chunked tokenisation that keeps the event loop responsive. */
export interface JapaneseTokenizer {
  /** Tokenises `text` chunk by chunk without yielding. Same tokens as `tokenizeAsync`; for small texts. */
  tokenize(text: string, options?: TokenizeOptions): Token[];
  /**
   * Tokenises `text` chunk by chunk, yielding to the event loop (`setImmediate`) between chunks, so timers such as
   * BullMQ's lock renewal keep running while a huge page is tokenised.
   */
  tokenizeAsync(text: string, options?: TokenizeOptions): Promise<Token[]>;
  /** The tokens of each chunk in turn, yielding to the event loop between chunks; memory stays one chunk deep. */
  tokenizeChunks(text: string, options?: TokenizeOptions): AsyncGenerator<Token[], void, undefined>;
}

export interface BuildTokenizerOptions {
  /**
   * Directory holding kuromoji's `*.dat.gz` dictionary files.
   * @defaultValue the `dict/` directory of the installed `kuromoji` package
   */
  dicPath?: string;
}

let shared: Promise<JapaneseTokenizer> | undefined;

/**
 * The tokenizer of this process, built once from the dictionary shipped with kuromoji (~0.5 s, ~350 MB); concurrent
 * callers share one build. Rejects with `DictionaryError` (`KUMO_ANALYZER_DICTIONARY`, critical); a later call then
 * tries again.
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
 * Builds a new tokenizer every call (each one costs ~350 MB): use `loadTokenizer`, which shares one per process.
 * Kept separate so that a bad dictionary path can be tested.
 */
export async function buildTokenizer(options: BuildTokenizerOptions = {}): Promise<JapaneseTokenizer> {
  const started = performance.now();
  let dicPath = options.dicPath ?? '';
  try {
    dicPath ||= defaultDictionaryPath();
  } catch (error) {
    throw new DictionaryError('kuromoji/dict', error);
  }
  const tokenizer = await new Promise<Tokenizer<IpadicFeatures>>((resolve, reject) => {
    // kuromoji may call back twice on a partial failure, and builds the tokenizer even when loading failed.
    let settled = false;
    kuromoji.builder({ dicPath }).build((error, built) => {
      if (settled) return;
      settled = true;
      if (error) reject(new DictionaryError(dicPath, error));
      else resolve(built);
    });
  });
  if (dictionaryChannel.hasSubscribers) {
    dictionaryChannel.publish({ ms: performance.now() - started } satisfies DictionaryLoadEvent);
  }
  return new ChunkedTokenizer(tokenizer);
}

class ChunkedTokenizer implements JapaneseTokenizer {
  readonly #kuromoji: Tokenizer<IpadicFeatures>;

  constructor(tokenizer: Tokenizer<IpadicFeatures>) {
    this.#kuromoji = tokenizer;
  }

  tokenize(text: string, options: TokenizeOptions = {}): Token[] {
    const maxChunkChars = options.maxChunkChars ?? DEFAULT_MAX_CHUNK_CHARS;
    assertMaxChunkChars(maxChunkChars);
    const event: TokenizeEvent = { chars: text.length, tokens: 0, chunks: 0, ms: 0 };
    const tokens: Token[] = [];
    const started = performance.now();
    for (const chunk of chunkText(text, maxChunkChars)) {
      for (const token of this.#kuromoji.tokenize(toTokenizable(chunk))) tokens.push(token);
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

  async *tokenizeChunks(text: string, options: TokenizeOptions = {}): AsyncGenerator<Token[], void, undefined> {
    const maxChunkChars = options.maxChunkChars ?? DEFAULT_MAX_CHUNK_CHARS;
    assertMaxChunkChars(maxChunkChars);
    const event: TokenizeEvent = { chars: text.length, tokens: 0, chunks: 0, ms: 0 };
    try {
      for (const chunk of chunkText(text, maxChunkChars)) {
        if (event.chunks > 0) await yieldToEventLoop();
        const started = performance.now();
        const tokens: Token[] = this.#kuromoji.tokenize(toTokenizable(chunk));
        event.ms += performance.now() - started;
        event.chunks++;
        event.tokens += tokens.length;
        yield tokens;
      }
    } finally {
      // Also when the consumer stops early: the event then describes the work actually done.
      publishTokenize(event);
    }
  }
}

// kuromoji throws a TypeError on a lone surrogate (its trie cannot encode it as UTF-8) and on U+0000 (its trie then
// returns an entry the dictionary does not have). Such text only comes from broken pages, so both become U+FFFD, as
// TextDecoder would have made them. (String#toWellFormed is ES2024, not in our lib target, and misses NUL.)
// eslint-disable-next-line no-control-regex -- U+0000 is exactly what must be replaced
const UNTOKENIZABLE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]|\u0000/g;

function toTokenizable(text: string): string {
  return text.replace(UNTOKENIZABLE, '\uFFFD');
}

function publishTokenize(event: TokenizeEvent): void {
  if (tokenizeChannel.hasSubscribers) tokenizeChannel.publish(event);
}
