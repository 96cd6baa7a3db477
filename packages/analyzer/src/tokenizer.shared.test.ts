import { beforeAll, describe, expect, it } from 'vitest';
import { JAPANESE_PARAGRAPHS } from './__fixtures__/japanese-paragraphs.js';
import { loadTokenizer } from './tokenizer.js';
import type { JapaneseTokenizer, Token } from './tokenizer.js';

let tokenizer: JapaneseTokenizer;

beforeAll(async () => {
  tokenizer = await loadTokenizer();
}, 60_000);

async function collect(chunks: AsyncGenerator<readonly Token[]>): Promise<Token[]> {
  const tokens: Token[] = [];
  for await (const chunk of chunks) tokens.push(...chunk);
  return tokens;
}

/** `i` written in the letters a–z (bijective base 26): a Latin word of one unknown-word class. */
function letters(i: number): string {
  let word = '';
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) word = String.fromCharCode(97 + ((n - 1) % 26)) + word;
  return word;
}

function withoutPosition({ word_position: _position, ...token }: Token): Token {
  return token;
}

const TEXT = `${JAPANESE_PARAGRAPHS}\nＦｏｎｔＦｏｒｇｅ と kumo 2.0 を\u3000ﾃｽﾄ 🍣 します。`;

describe('tokenizeChunksShared', () => {
  it('gives the tokens of tokenizeChunks without word_position', async () => {
    const shared = await collect(tokenizer.tokenizeChunksShared!(TEXT, { maxChunkChars: 100 }));
    const fresh = await collect(tokenizer.tokenizeChunks(TEXT, { maxChunkChars: 100 }));
    expect(shared.length).toBeGreaterThan(100);
    expect(shared).toEqual(fresh.map(withoutPosition));
    expect(shared.some((token) => 'word_position' in token)).toBe(false);
  });

  it('gives one token object per known dictionary entry and per unknown word, across calls', async () => {
    const first = await collect(tokenizer.tokenizeChunksShared!('東京と京都と東京。kumo と kumo'));
    const second = await collect(tokenizer.tokenizeChunksShared!('東京、kumo'));
    expect(first[0]!.word_type).toBe('KNOWN');
    expect(first[4]).toBe(first[0]);
    expect(second[0]).toBe(first[0]);
    const kumo = first.filter((token) => token.surface_form === 'kumo');
    expect(kumo).toHaveLength(2);
    expect(kumo[0]!.word_type).toBe('UNKNOWN');
    expect(kumo[1]).toBe(kumo[0]);
    expect(second.at(-1)).toBe(kumo[0]);
  });

  it('tells unknown words apart by surface, also when their hashes collide', async () => {
    // Aa and BB have the same 31-multiplier hash (as in Java's String.hashCode), so do AaAa, AaBB, BBAa and BBBB.
    const words = ['Aa', 'BB', 'AaAa', 'AaBB', 'BBAa', 'BBBB'];
    for (let i = 0; i < 2_000; i++) words.push(letters(i));
    const tokens = await collect(tokenizer.tokenizeChunksShared!(words.join(' ')));
    const surfaces = tokens.filter((token) => token.surface_form !== ' ').map((token) => token.surface_form);
    expect(surfaces).toEqual(words);
    const again = await collect(tokenizer.tokenizeChunksShared!(words.join(' ')));
    expect(again.every((token, i) => token === tokens[i])).toBe(true);
  });

  it('makes fresh tokens for unknown words longer than 32 characters, with the same fields', async () => {
    const long = 'x'.repeat(40);
    const [a] = await collect(tokenizer.tokenizeChunksShared!(long));
    const [b] = await collect(tokenizer.tokenizeChunksShared!(long));
    expect(a).not.toBe(b);
    expect(a).toEqual(withoutPosition(tokenizer.tokenize(long)[0]!));
  });
});
