import type { CrawlScope } from '@kumo/contract';
import { describe, expect, it } from 'vitest';
import { CrawlerErrorCode } from './errors.js';
import { isInScope, isInScopeOfAny, normalizeUrl, siteOf, tryNormalizeUrl } from './url-scope.js';

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

describe('isInScope', () => {
  const table: [target: string, anchor: string, scope: CrawlScope, expected: boolean][] = [
    ['http://example.com/b', 'http://example.com/a', 'same-host', true],
    ['https://example.com/b', 'http://example.com/a', 'same-host', true],
    ['http://EXAMPLE.com:8080/b', 'http://example.com/a', 'same-host', true],
    ['http://www.example.com/', 'http://example.com/', 'same-host', false],
    ['http://www.example.com/', 'http://example.com/', 'same-site', true],
    ['http://a.example.co.jp/', 'http://b.example.co.jp/', 'same-site', true],
    ['http://a.example.co.jp/', 'http://b.example.co.jp/', 'same-host', false],
    ['http://example.co.jp/', 'http://other.co.jp/', 'same-site', false],
    ['http://foo.github.io/', 'http://bar.github.io/', 'same-site', true],
    ['http://127.0.0.1:8001/', 'http://127.0.0.1:8000/', 'same-site', true],
    ['http://127.0.0.2/', 'http://127.0.0.1/', 'same-site', false],
    ['http://localhost/', 'http://localhost/x', 'same-site', true],
    ['http://other.test/', 'http://localhost/x', 'same-site', false],
    ['http://[::1]/', 'http://[::1]:81/', 'same-site', true],
    ['http://elsewhere.org/', 'http://example.com/', 'any', true],
  ];
  it.each(table)('%s from %s under %s: %s', (target, anchor, scope, expected) => {
    expect(isInScope(target, anchor, scope)).toBe(expected);
  });

  it('accepts a link in scope of any seed', () => {
    const seeds = ['http://a.example.com/', 'http://b.example.org/'];
    expect(isInScopeOfAny('http://b.example.org/x', seeds, 'same-host')).toBe(true);
    expect(isInScopeOfAny('http://c.example.org/x', seeds, 'same-host')).toBe(false);
    expect(isInScopeOfAny('http://c.example.org/x', seeds, 'same-site')).toBe(true);
  });

  it('names the registrable domain of a host', () => {
    expect(siteOf('a.b.example.co.jp')).toBe('example.co.jp');
    expect(siteOf('127.0.0.1')).toBe('127.0.0.1');
    expect(siteOf('localhost')).toBe('localhost');
  });
});
