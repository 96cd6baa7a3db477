import { describe, expect, it } from 'vitest';
import { CrawlerErrorCode } from './errors.js';
import { normalizeUrl, tryNormalizeUrl } from './normalize-url.js';

describe('normalizeUrl', () => {
  const table: [raw: string, base: string | undefined, expected: string][] = [
    ['HTTP://Example.COM/Path', undefined, 'http://example.com/Path'],
    ['http://example.com:80/a', undefined, 'http://example.com/a'],
    ['https://example.com:443/a', undefined, 'https://example.com/a'],
    ['http://example.com:8080/a', undefined, 'http://example.com:8080/a'],
    ['http://example.com/a#section', undefined, 'http://example.com/a'],
    ['http://example.com/a?', undefined, 'http://example.com/a'],
    ['http://example.com/a?#x', undefined, 'http://example.com/a'],
    ['http://example.com/a?b=1&a=2', undefined, 'http://example.com/a?b=1&a=2'],
    ['http://example.com', undefined, 'http://example.com/'],
    ['http://example.com/a/../b/./c', undefined, 'http://example.com/b/c'],
    ['../x.html', 'http://example.com/a/b/c.html', 'http://example.com/a/x.html'],
    ['/root', 'http://example.com/a/b', 'http://example.com/root'],
    ['?q=1', 'http://example.com/a/b', 'http://example.com/a/b?q=1'],
    ['//other.example/x', 'https://example.com/', 'https://other.example/x'],
    ['http://例え.jp/パス', undefined, 'http://xn--r8jz45g.jp/%E3%83%91%E3%82%B9'],
    ['http://2130706433/', undefined, 'http://127.0.0.1/'],
  ];
  it.each(table)('%s (base %s) → %s', (raw, base, expected) => {
    expect(normalizeUrl(raw, base)).toBe(expected);
  });

  it.each([
    ['ftp://example.com/', CrawlerErrorCode.UNSUPPORTED_SCHEME],
    ['mailto:a@example.com', CrawlerErrorCode.UNSUPPORTED_SCHEME],
    ['not a url', CrawlerErrorCode.BAD_URL],
    ['http://', CrawlerErrorCode.BAD_URL],
  ])('refuses %s with %s', (raw, code) => {
    expect(() => normalizeUrl(raw)).toThrow(expect.objectContaining({ code }));
    expect(tryNormalizeUrl(raw)).toBeUndefined();
  });
});
