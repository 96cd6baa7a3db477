import { describe, expect, it } from 'vitest';
import { normalizeSeed, normalizeSeeds } from './normalize-seeds.js';
import { InvalidSeedError } from './errors.js';

// The same cases @kumo/crawler's normalizeUrl is specified by: the seen-set must hold the form the crawler uses.
describe('normalizeSeed', () => {
  it.each([
    ['HTTP://Example.COM/a', 'http://example.com/a'],
    ['http://example.com:80/a', 'http://example.com/a'],
    ['https://example.com:443/a', 'https://example.com/a'],
    ['https://example.com:8443/a', 'https://example.com:8443/a'],
    ['http://example.com/a#frag', 'http://example.com/a'],
    ['http://example.com/a?', 'http://example.com/a'],
    ['http://example.com/a?b=1&a=2', 'http://example.com/a?b=1&a=2'],
    ['http://example.com', 'http://example.com/'],
    ['http://example.com/a/../b/./c', 'http://example.com/b/c'],
    ['http://日本.jp/', 'http://xn--wgv71a.jp/'],
    ['http://127.0.0.1:8080/x', 'http://127.0.0.1:8080/x'],
  ])('%s → %s', (raw, expected) => {
    expect(normalizeSeed(raw)).toBe(expected);
  });

  it('refuses other schemes', () => {
    expect(() => normalizeSeed('ftp://example.com/')).toThrow(InvalidSeedError);
  });

  it('drops seeds that normalise to the same URL, keeping the first order', () => {
    expect(normalizeSeeds(['http://B/', 'http://a/#x', 'HTTP://A/', 'http://b:80/'])).toEqual([
      'http://b/',
      'http://a/',
    ]);
  });
});
