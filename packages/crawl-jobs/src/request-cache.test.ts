import type { CrawlRequest } from '@kumo/contract';
import { describe, expect, it } from 'vitest';
import { RequestCache } from './request-cache.js';

const request = (url: string): CrawlRequest => ({
  urls: [url],
  maxDepth: 1,
  maxPages: 10,
  scope: 'same-host',
  analyze: true,
});

describe('RequestCache', () => {
  it('evicts the least recently used crawl when full', () => {
    const cache = new RequestCache(2);
    cache.set('a', request('http://a.test/'));
    cache.set('b', request('http://b.test/'));
    expect(cache.get('a')?.urls).toEqual(['http://a.test/']); // a is now the most recent
    cache.set('c', request('http://c.test/'));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.get('c')).toBeDefined();
  });
});
