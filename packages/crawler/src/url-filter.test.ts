import { describe, expect, it } from 'vitest';
import { createUrlFilter, UrlFilterCache } from './url-filter.js';

describe('createUrlFilter', () => {
  const url = {
    post: 'https://example.com/blog/2024/post',
    draft: 'https://example.com/blog/drafts/x',
    about: 'https://example.com/about',
  };
  const table: [name: string, include: string[] | undefined, exclude: string[] | undefined, followed: string[]][] = [
    ['no patterns: everything', undefined, undefined, [url.post, url.draft, url.about]],
    ['include only', ['https://example.com/blog/**'], undefined, [url.post, url.draft]],
    ['exclude only', undefined, ['**/drafts/**'], [url.post, url.about]],
    ['include and exclude', ['https://example.com/blog/**'], ['**/drafts/**'], [url.post]],
    ['several includes: any of them', ['**/about', '**/2024/**'], [], [url.post, url.about]],
    ['an empty include follows nothing', [], undefined, []],
  ];
  it.each(table)('%s', (_name, include, exclude, followed) => {
    const filter = createUrlFilter({ include, exclude });
    expect(Object.values(url).filter(filter)).toEqual(followed);
  });
});

describe('UrlFilterCache', () => {
  it('compiles the same patterns once, and different patterns apart', () => {
    const cache = new UrlFilterCache(2);
    const a = cache.filterOf({ include: ['https://a.test/**'] });
    expect(cache.filterOf({ include: ['https://a.test/**'] })).toBe(a);
    const b = cache.filterOf({ include: ['https://a.test/**'], exclude: ['**/x'] });
    expect(b).not.toBe(a);
    expect(b('https://a.test/x')).toBe(false);
    expect(a('https://a.test/x')).toBe(true);
  });

  it('keeps at most maxEntries filters, dropping the least recently used', () => {
    const cache = new UrlFilterCache(2);
    const a = cache.filterOf({ exclude: ['**/a'] });
    const b = cache.filterOf({ exclude: ['**/b'] });
    expect(cache.filterOf({ exclude: ['**/a'] })).toBe(a);
    cache.filterOf({ exclude: ['**/c'] });
    expect(cache.filterOf({ exclude: ['**/a'] })).toBe(a);
    expect(cache.filterOf({ exclude: ['**/b'] })).not.toBe(b);
  });
});
