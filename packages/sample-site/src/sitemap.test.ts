import { describe, expect, it } from 'vitest';
import type { ManifestPage, SiteManifest } from './manifest.js';
import { sampleSite } from './sample-site.js';
import { SITEMAP_MAX_URLS, sitemapDocument, sitemapPaths } from './sitemap.js';

const ORIGIN = 'http://127.0.0.1:8080';
const locs = (xml: string | null) => [...(xml ?? '').matchAll(/<loc>([^<]*)<\/loc>/g)].map((match) => match[1]);

/** A manifest with only what the sitemap reads: page paths and robots.txt's disallowed prefixes. */
function manifestOf(paths: string[], robotsDisallow: string[] = []): SiteManifest {
  return {
    ...sampleSite().manifest,
    pages: paths.map((path) => ({ path }) as ManifestPage),
    robotsDisallow,
  };
}

describe('the sample site sitemap', () => {
  it('lists every page of the sample site robots.txt allows, with the given origin, and nothing else', () => {
    const { manifest } = sampleSite();
    const xml = sitemapDocument(manifest, ORIGIN, '/sitemap.xml');
    expect(xml).toMatch(
      /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<urlset xmlns="http:\/\/www\.sitemaps\.org\/schemas\/sitemap\/0\.9">/,
    );
    const allowed = manifest.pages.filter((page) => !page.path.startsWith('/private/')).map((page) => page.path);
    expect(locs(xml)).toEqual(allowed.map((path) => ORIGIN + path));
    // The page only a nofollow page links to is listed: a sitemap reaches what links do not.
    expect(locs(xml)).toContain(`${ORIGIN}/tokushu/nofollow-only.html`);
    expect(locs(xml)).not.toContain(`${ORIGIN}/private/staff-only.html`);
    expect(sitemapDocument(manifest, ORIGIN, '/sitemap-1.xml')).toBeNull();
    expect(sitemapDocument(manifest, ORIGIN, '/other.xml')).toBeNull();
  });

  it('escapes what XML needs escaped in a URL', () => {
    expect(locs(sitemapDocument(manifestOf(['/a&b/<c>\'d".html']), ORIGIN, '/sitemap.xml'))).toEqual([
      `${ORIGIN}/a&amp;b/&lt;c&gt;&apos;d&quot;.html`,
    ]);
  });

  it('a site of more pages than one sitemap may list gets a sitemap index of parts, each page in exactly one', () => {
    const paths = Array.from({ length: SITEMAP_MAX_URLS * 2 + 3 }, (_, i) => `/p/${i}.html`);
    const manifest = manifestOf(['/private/x.html', ...paths], ['/private/']);
    expect(sitemapPaths(manifest)).toHaveLength(paths.length);
    const index = sitemapDocument(manifest, ORIGIN, '/sitemap.xml');
    expect(index).toContain('<sitemapindex');
    expect(locs(index)).toEqual([1, 2, 3].map((n) => `${ORIGIN}/sitemap-${n}.xml`));
    const listed = [1, 2, 3].flatMap((n) => locs(sitemapDocument(manifest, ORIGIN, `/sitemap-${n}.xml`)));
    expect(listed).toEqual(paths.map((path) => ORIGIN + path));
    expect(sitemapDocument(manifest, ORIGIN, '/sitemap-0.xml')).toBeNull();
    expect(sitemapDocument(manifest, ORIGIN, '/sitemap-4.xml')).toBeNull();
  });
});
