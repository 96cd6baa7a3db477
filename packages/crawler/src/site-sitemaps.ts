import type { RobotsRules } from './robots.js';

// A sitemap source that names a site root (`https://example.com/`) means "the site's sitemaps": those robots.txt
// lists on `Sitemap:` lines, else the conventional `/sitemap.xml`.

/** True for a URL whose path is `/` with no query: a site root. */
export function isSiteRoot(url: string): boolean {
  const parsed = new URL(url);
  return parsed.pathname === '/' && parsed.search === '';
}

/**
 * The sitemaps of the site `rootUrl` belongs to: robots.txt's `Sitemap:` lines that are absolute http(s) URLs
 * (any host: the protocol allows cross-host sitemaps; their entries are still scoped to the source), without
 * repeats, at most `max`; `<origin>/sitemap.xml` when there are none.
 */
export function siteSitemaps(rootUrl: string, rules: RobotsRules, max: number): string[] {
  const found = new Set<string>();
  for (const line of rules.sitemaps()) {
    try {
      const url = new URL(line.trim());
      url.hash = '';
      if (url.protocol === 'http:' || url.protocol === 'https:') found.add(url.href);
    } catch {
      // A malformed Sitemap: line is ignored, as by search engines.
    }
    if (found.size >= max) break;
  }
  return found.size > 0 ? [...found] : [new URL('/sitemap.xml', rootUrl).href];
}
