import { describe, expect, it } from 'vitest';
import { crawlRequestSchema } from './crawl-request.js';

const urls = ['https://example.com/'];

function issuesOf(body: Record<string, unknown>): string[] {
  const parsed = crawlRequestSchema.safeParse({ urls, ...body });
  return parsed.success ? [] : parsed.error.issues.map((issue) => issue.path.join('.'));
}

describe('crawlRequestSchema: include, exclude, politeness, headers', () => {
  it('leaves them absent when not given (stored requests of older crawls read the same)', () => {
    const request = crawlRequestSchema.parse({ urls });
    expect(Object.keys(request).sort()).toEqual(['analyze', 'maxDepth', 'maxPages', 'scope', 'urls']);
  });

  it('accepts well-formed values as given', () => {
    const body = {
      urls,
      include: ['https://example.com/blog/**', '*://example.com/*.html', '**/tag/*'],
      exclude: ['**/drafts/**'],
      politeness: { delayMs: 1000, concurrency: 1 },
      headers: { 'Accept-Language': 'ja,en;q=0.5' },
    };
    expect(crawlRequestSchema.parse(body)).toMatchObject(body);
    expect(crawlRequestSchema.parse({ urls, politeness: {}, headers: {}, include: [] })).toMatchObject({
      politeness: {},
      headers: {},
      include: [],
    });
  });

  const table: [name: string, body: Record<string, unknown>, path: string][] = [
    ['a relative pattern', { include: ['/blog/**'] }, 'include.0'],
    ['an empty pattern', { exclude: ['https://a/', ''] }, 'exclude.1'],
    ['a pattern over 512 characters', { include: [`https://example.com/${'a'.repeat(500)}`] }, 'include.0'],
    ['a pattern with 17 wildcards', { include: [`https://example.com/${'*a'.repeat(17)}`] }, 'include.0'],
    ['51 patterns', { exclude: Array.from({ length: 51 }, (_, i) => `https://a/${i}`) }, 'exclude'],
    ['a pattern that is not a string', { include: [1] }, 'include.0'],
    ['include not a list', { include: 'https://a/**' }, 'include'],
    ['a fractional delay', { politeness: { delayMs: 1.5 } }, 'politeness.delayMs'],
    ['a negative delay', { politeness: { delayMs: -1 } }, 'politeness.delayMs'],
    ['concurrency 0', { politeness: { concurrency: 0 } }, 'politeness.concurrency'],
    ['an unknown politeness field', { politeness: { rps: 1 } }, 'politeness'],
    ['a header name with a space', { headers: { 'Accept Language': 'ja' } }, 'headers.Accept Language'],
    ['a header name with a colon', { headers: { 'x:y': 'ja' } }, 'headers.x:y'],
    ['a header value with CR LF', { headers: { 'accept-language': 'ja\r\nX-Injected: 1' } }, 'headers.accept-language'],
    ['a header value with NUL', { headers: { 'accept-language': 'ja\u0000' } }, 'headers.accept-language'],
    [
      'a header value over 1024 characters',
      { headers: { 'accept-language': 'a'.repeat(1025) } },
      'headers.accept-language',
    ],
    ['a non-string header value', { headers: { 'accept-language': 1 } }, 'headers.accept-language'],
    [
      'one header twice in different case',
      { headers: { 'Accept-Language': 'ja', 'accept-language': 'en' } },
      'headers.accept-language',
    ],
    ['headers not an object', { headers: ['accept-language: ja'] }, 'headers'],
  ];
  it.each(table)('refuses %s at %s', (_name, body, path) => {
    expect(issuesOf(body)).toContain(path);
  });
});

describe('crawlRequestSchema: store', () => {
  it('leaves store absent when not given and accepts text, links or both', () => {
    expect(crawlRequestSchema.parse({ urls }).store).toBeUndefined();
    for (const store of [[], ['text'], ['links'], ['links', 'text']]) {
      expect(crawlRequestSchema.parse({ urls, store }).store).toEqual(store);
    }
  });

  it.each([
    ['an unknown value', { store: ['html'] }, 'store.0'],
    ['a repeated value', { store: ['text', 'text'] }, 'store'],
    ['a string instead of a list', { store: 'text' }, 'store'],
  ])('refuses %s at %s', (_name, body, path) => {
    expect(issuesOf(body)).toContain(path);
  });
});

describe('crawlRequestSchema glossary', () => {
  const base = { urls: ['https://example.com/'] };

  it('accepts up to 200 domain terms with an optional katakana reading and part of speech', () => {
    const glossary = [
      { term: 'サクラエディタ', reading: 'サクラエディタ' },
      { term: '走る', pos: '動詞' as const },
    ];
    expect(crawlRequestSchema.parse({ ...base, glossary }).glossary).toEqual(glossary);
    const many = Array.from({ length: 200 }, (_, i) => ({ term: `用語${i}` }));
    expect(crawlRequestSchema.safeParse({ ...base, glossary: many }).success).toBe(true);
    expect(crawlRequestSchema.parse(base).glossary).toBeUndefined();
  });

  it.each([
    { name: '201 terms', glossary: Array.from({ length: 201 }, (_, i) => ({ term: `用語${i}` })) },
    { name: 'an empty term', glossary: [{ term: ' ' }] },
    { name: 'a reading in hiragana', glossary: [{ term: '製品', reading: 'せいひん' }] },
    { name: 'another part of speech', glossary: [{ term: '速く', pos: '副詞' }] },
    { name: 'an unknown field', glossary: [{ term: '製品', note: 'x' }] },
  ])('rejects $name', ({ glossary }) => {
    expect(crawlRequestSchema.safeParse({ ...base, glossary }).success).toBe(false);
  });
});

describe('crawlRequestSchema: sources', () => {
  const source = { type: 'sitemap', url: 'https://example.jp/sitemap.xml' } as const;
  const issuesOf = (body: unknown) => {
    const parsed = crawlRequestSchema.safeParse(body);
    return parsed.success ? [] : parsed.error.issues.map((issue) => issue.path.join('.'));
  };

  it('accepts a body with only sources (urls then default to [])', () => {
    const request = crawlRequestSchema.parse({ sources: [source, { type: 'feed', url: 'https://example.jp/feed' }] });
    expect(request.urls).toEqual([]);
    expect(request.sources).toHaveLength(2);
  });

  it('keeps a body with only urls as it was (no sources field added)', () => {
    expect(crawlRequestSchema.parse({ urls: ['https://example.jp/'] })).not.toHaveProperty('sources');
  });

  it.each<[string, unknown, string]>([
    ['neither urls nor sources', {}, 'urls'],
    ['both empty', { urls: [], sources: [] }, 'urls'],
    ['an unknown type', { sources: [{ type: 'opml', url: 'https://example.jp/' }] }, 'sources.0.type'],
    ['a relative URL', { sources: [{ type: 'feed', url: '/feed' }] }, 'sources.0.url'],
    ['an ftp URL', { sources: [{ type: 'feed', url: 'ftp://example.jp/feed' }] }, 'sources.0.url'],
    ['an unknown field', { sources: [{ ...source, depth: 1 }] }, 'sources.0'],
    [
      'more than 100 URLs in all',
      { urls: Array.from({ length: 60 }, (_v, i) => `https://example.jp/${i}`), sources: Array(41).fill(source) },
      'sources',
    ],
  ])('refuses %s, naming the path', (_name, body, path) => {
    expect(issuesOf(body)).toContain(path);
  });

  it('accepts 100 URLs in all', () => {
    const body = {
      urls: Array.from({ length: 60 }, (_v, i) => `https://example.jp/${i}`),
      sources: Array(40).fill(source),
    };
    expect(issuesOf(body)).toEqual([]);
  });
});
