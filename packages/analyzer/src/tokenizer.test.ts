import diagnosticsChannel from 'node:diagnostics_channel';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JAPANESE_PARAGRAPHS } from './__fixtures__/japanese-paragraphs.js';
import { splitIntoChunks } from './chunk-text.js';
import { TOKENIZE_CHANNEL } from './diagnostics.js';
import type { TokenizeEvent } from './diagnostics.js';
import { DictionaryError, DictionaryLayoutError } from './errors.js';
import { buildTokenizer, defaultDictionaryPath, loadTokenizer } from './tokenizer.js';
import type { JapaneseTokenizer } from './tokenizer.js';

let tokenizer: JapaneseTokenizer;

beforeAll(async () => {
  tokenizer = await loadTokenizer();
}, 60_000);

function repeatTo(text: string, length: number): string {
  return text.repeat(Math.ceil(length / text.length)).slice(0, length);
}

describe('loadTokenizer', () => {
  it('builds one tokenizer per process, shared by concurrent callers', async () => {
    const [a, b] = await Promise.all([loadTokenizer(), loadTokenizer()]);
    expect(a).toBe(tokenizer);
    expect(b).toBe(tokenizer);
  });

  it('reads the dictionary shipped in the kuromoji package', () => {
    const dicPath = defaultDictionaryPath();
    expect(dicPath.endsWith(path.join('kuromoji', 'dict'))).toBe(true);
    expect(existsSync(path.join(dicPath, 'base.dat.gz'))).toBe(true);
  });
});

describe('buildTokenizer', () => {
  let emptyDir: string;
  beforeAll(async () => {
    emptyDir = await mkdtemp(path.join(tmpdir(), 'kumo-analyzer-'));
  });
  afterAll(async () => {
    await rm(emptyDir, { recursive: true, force: true });
  });

  it('fails with a critical KUMO_ANALYZER_DICTIONARY error when the dictionary is missing', async () => {
    const error: unknown = await buildTokenizer({ dicPath: emptyDir }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DictionaryError);
    expect(error).toMatchObject({ code: 'KUMO_ANALYZER_DICTIONARY', kind: 'critical', dicPath: emptyDir });
    expect((error as DictionaryError).cause).toMatchObject({ code: 'ENOENT' });
  });

  it.each([
    { name: 'a truncated connection-cost matrix', file: 'cc.dat.gz', content: new Uint8Array(3_463_700) },
    { name: 'a file that is not gzip', file: 'tid.dat.gz', content: null },
  ])('fails with a critical coded error on $name', async ({ file, content }) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'kumo-analyzer-dict-'));
    try {
      for (const name of await readdir(defaultDictionaryPath())) {
        await copyFile(path.join(defaultDictionaryPath(), name), path.join(dir, name));
      }
      await writeFile(path.join(dir, file), content === null ? 'not gzip' : gzipSync(content));
      const error: unknown = await buildTokenizer({ dicPath: dir }).catch((caught: unknown) => caught);
      if (content === null) {
        expect(error).toBeInstanceOf(DictionaryError);
        expect(error).toMatchObject({ code: 'KUMO_ANALYZER_DICTIONARY', kind: 'critical', dicPath: dir });
      } else {
        expect(error).toBeInstanceOf(DictionaryLayoutError);
        expect(error).toMatchObject({ code: 'KUMO_ANALYZER_DICTIONARY_LAYOUT', kind: 'critical', file });
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('JapaneseTokenizer', () => {
  it('gives the event loop turns while a 200,000-character text is tokenised', async () => {
    const text = repeatTo(JAPANESE_PARAGRAPHS, 200_000);
    let immediates = 0;
    let timers = 0;
    let running = true;
    const spin = (): void => {
      if (!running) return;
      immediates++;
      setImmediate(spin);
    };
    setImmediate(spin);
    // What BullMQ's lock renewal relies on: a timer firing while the page is being tokenised.
    const interval = setInterval(() => timers++, 1);
    const tokens = await tokenizer.tokenizeAsync(text);
    running = false;
    clearInterval(interval);
    expect(tokens.length).toBeGreaterThan(50_000);
    expect(immediates).toBeGreaterThan(0);
    expect(timers).toBeGreaterThan(0);
  }, 120_000);

  it('gives the same tokens synchronously and asynchronously', async () => {
    const text = repeatTo(JAPANESE_PARAGRAPHS, 20_000);
    const sync = tokenizer.tokenize(text).map((token) => token.surface_form);
    const async = (await tokenizer.tokenizeAsync(text)).map((token) => token.surface_form);
    expect(async).toEqual(sync);
    expect(sync.join('')).toBe(text);
  }, 30_000);

  it('publishes kumo:analyzer:tokenize with chars, tokens, chunks and ms', async () => {
    const events: TokenizeEvent[] = [];
    const listener = (message: unknown): void => {
      events.push(message as TokenizeEvent);
    };
    diagnosticsChannel.subscribe(TOKENIZE_CHANNEL, listener);
    try {
      const text = repeatTo(JAPANESE_PARAGRAPHS, 5_000);
      const asyncTokens = await tokenizer.tokenizeAsync(text);
      const syncTokens = tokenizer.tokenize('東京の大学');
      expect(splitIntoChunks(text).length).toBeGreaterThan(1);
      expect(events).toHaveLength(2);
      expect(events[0]).toMatchObject({
        chars: 5_000,
        tokens: asyncTokens.length,
        chunks: splitIntoChunks(text).length,
      });
      expect(events[1]).toMatchObject({ chars: 5, tokens: syncTokens.length, chunks: 1 });
      for (const event of events) expect(event.ms).toBeGreaterThanOrEqual(0);
    } finally {
      diagnosticsChannel.unsubscribe(TOKENIZE_CHANNEL, listener);
    }
  });

  // Regression: kuromoji's trie throws a TypeError on these; they must come out as U+FFFD tokens instead.
  it.each([
    { name: 'a lone high surrogate', text: '漢字\uD800です' },
    { name: 'a lone low surrogate', text: '\uDC00漢字' },
    { name: 'a NUL character', text: '\u0000あ' },
    { name: 'NUL after a control character', text: '\u0001\u0000' },
  ])('tokenises text with $name', async ({ text }) => {
    const tokens = await tokenizer.tokenizeAsync(text);
    expect(tokens.map((token) => token.surface_form).join('')).toContain('\uFFFD');
  });

  it('rejects a chunk size below 16 with KUMO_ANALYZER_INVALID_OPTION', async () => {
    expect(() => tokenizer.tokenize('東京', { maxChunkChars: 8 })).toThrow(
      expect.objectContaining({ code: 'KUMO_ANALYZER_INVALID_OPTION' }),
    );
    await expect(tokenizer.tokenizeAsync('東京', { maxChunkChars: 8 })).rejects.toMatchObject({
      code: 'KUMO_ANALYZER_INVALID_OPTION',
    });
  });
});
