import { describe, expect, it } from 'vitest';
import { startSources } from './start-sources.js';

describe('startSources', () => {
  it('normalises, drops repeats (the first type wins) and admits every source under its key but a site root', () => {
    expect(
      startSources([
        { type: 'sitemap', url: 'HTTPS://Example.JP/sitemap.xml#top' },
        { type: 'feed', url: 'https://example.jp/sitemap.xml' },
        { type: 'sitemap', url: 'https://example.jp' },
        { type: 'feed', url: 'https://example.jp/' },
        { type: 'sitemap', url: 'https://example.jp/?lang=ja' },
      ]),
    ).toEqual([
      { url: 'https://example.jp/sitemap.xml', type: 'sitemap', key: 'https://example.jp/sitemap.xml#kumo-source' },
      // A sitemap source naming a site root stands for robots.txt's sitemaps: it is not admitted itself.
      { url: 'https://example.jp/', type: 'sitemap' },
      { url: 'https://example.jp/?lang=ja', type: 'sitemap', key: 'https://example.jp/?lang=ja#kumo-source' },
    ]);
  });

  it('is empty for a request without sources', () => {
    expect(startSources(undefined)).toEqual([]);
  });
});
