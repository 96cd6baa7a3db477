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

function withoutPosition({ word_position: _position, ...token }: Token): Token {
  return token;
}

const TEXT = `${JAPANESE_PARAGRAPHS}\nＦｏｎｔＦｏｒｇｅ と kumo 2.0 を\u3000ﾃｽﾄ 🍣 します。`;

describe('tokenizeChunksShared', () => {
  it('gives the tokens of tokenizeChunks but for word_position', async () => {
    const shared = await collect(tokenizer.tokenizeChunksShared!(TEXT, { maxChunkChars: 100 }));
    const fresh = await collect(tokenizer.tokenizeChunks(TEXT, { maxChunkChars: 100 }));
    expect(shared.length).toBeGreaterThan(100);
    expect(shared.map(withoutPosition)).toEqual(fresh.map(withoutPosition));
    expect(shared.filter((token) => token.word_type === 'KNOWN').every((token) => !('word_position' in token))).toBe(
      true,
    );
  });

  it('gives one token object per known dictionary entry, across calls; unknown words fresh', async () => {
    const first = await collect(tokenizer.tokenizeChunksShared!('東京と京都と東京。kumo'));
    const second = await collect(tokenizer.tokenizeChunksShared!('東京'));
    expect(first[0]!.word_type).toBe('KNOWN');
    expect(first[4]).toBe(first[0]);
    expect(second[0]).toBe(first[0]);
    const unknown = first.find((token) => token.word_type === 'UNKNOWN')!;
    expect(unknown.surface_form).toBe('kumo');
    expect(unknown).not.toBe((await collect(tokenizer.tokenizeChunksShared!('kumo')))[0]);
  });
});
