import type { SiteManifest } from './manifest.js';

// The sample site's sitemap (sitemaps.org protocol), so that a crawl with `sources: [{ type: "sitemap" }]` can be
// tried on it. A sitemap lists absolute URLs, and a generated site does not know where it will be served: the site
// server builds it for its own origin when it is asked (`/sitemap.xml`), rather than generateSite writing a file.

/** Where the sitemap is served; the conventional path, which kumo also reads for a site root. */
export const SITEMAP_PATH = '/sitemap.xml';
/** The protocol's limit of URLs per sitemap; a larger site gets a sitemap index of `/sitemap-<n>.xml` parts. */
export const SITEMAP_MAX_URLS = 50_000;

const NS = 'http://www.sitemaps.org/schemas/sitemap/0.9';
const PART = /^\/sitemap-(\d+)\.xml$/;

function escapeXml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[char] as string,
  );
}

/** The pages a sitemap lists: every HTML page of the site that robots.txt does not disallow, in manifest order. */
export function sitemapPaths(manifest: SiteManifest): string[] {
  return manifest.pages
    .map((page) => page.path)
    .filter((path) => !manifest.robotsDisallow.some((prefix) => path.startsWith(prefix)));
}

/**
 * The sitemap document at `path` for a site served at `origin` (`http://127.0.0.1:8080`): `/sitemap.xml` is a
 * `urlset` of every listed page, or a `sitemapindex` when there are more than 50,000; `/sitemap-<n>.xml` (from 1)
 * are the index's parts. Null for any other path.
 */
export function sitemapDocument(manifest: SiteManifest, origin: string, path: string): string | null {
  const paths = sitemapPaths(manifest);
  const parts = Math.ceil(paths.length / SITEMAP_MAX_URLS);
  const urlset = (list: string[]) =>
    `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="${NS}">\n` +
    list.map((p) => `  <url><loc>${escapeXml(origin + p)}</loc></url>\n`).join('') +
    '</urlset>\n';
  if (path === SITEMAP_PATH) {
    if (parts <= 1) return urlset(paths);
    const sitemaps = Array.from(
      { length: parts },
      (_, i) => `  <sitemap><loc>${escapeXml(`${origin}/sitemap-${i + 1}.xml`)}</loc></sitemap>\n`,
    );
    return `<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="${NS}">\n${sitemaps.join('')}</sitemapindex>\n`;
  }
  const part = PART.exec(path);
  const n = part ? Number(part[1]) : 0;
  if (parts <= 1 || n < 1 || n > parts) return null;
  return urlset(paths.slice((n - 1) * SITEMAP_MAX_URLS, n * SITEMAP_MAX_URLS));
}
