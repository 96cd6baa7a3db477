import { describe, expect, it } from 'vitest';
import { isSiteSource, shareBudget } from './source-job.js';

describe('shareBudget', () => {
  it.each<[number, number, number[]]>([
    [3, 10, [4, 3, 3]],
    [2, 2, [1, 1]],
    [5, 3, [1, 1, 1]],
    [1, 100, [100]],
    [4, 0, []],
    [0, 10, []],
  ])('%i sitemaps within a budget of %i get %j', (count, budget, expected) => {
    const shares = shareBudget(count, budget);
    expect(shares).toEqual(expected);
    // Never more than the budget in all: the count bound holds however deep the indexes nest.
    expect(shares.reduce((sum, share) => sum + share, 0)).toBeLessThanOrEqual(Math.max(budget, 0));
  });
});

describe('isSiteSource', () => {
  it.each<[string, { type: 'sitemap' | 'feed'; level?: number }, boolean]>([
    ['https://example.jp/', { type: 'sitemap' }, true],
    ['https://example.jp/', { type: 'feed' }, false],
    ['https://example.jp/', { type: 'sitemap', level: 0 }, false],
    ['https://example.jp/?page=1', { type: 'sitemap' }, false],
    ['https://example.jp/sitemap.xml', { type: 'sitemap' }, false],
  ])('%s %j → %s', (url, source, expected) => {
    expect(isSiteSource({ crawlId: 'c1', url, depth: 0, source })).toBe(expected);
  });
});
