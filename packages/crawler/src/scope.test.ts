import type { CrawlScope } from '@kumo/contract';
import { describe, expect, it } from 'vitest';
import { isInScope, isInScopeOfAny, siteOf } from './scope.js';

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
