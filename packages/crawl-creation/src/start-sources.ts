import type { CrawlRequest } from '@kumo/contract';
import type { StartSource } from '@kumo/crawl-state';
import { sourceKeyOf } from '@kumo/queues';
import { normalizeSeed } from './normalize-seeds.js';

/**
 * The request's `sources`, normalised, without repeats (the first type wins). A sitemap source naming a site root
 * (path `/`) stands for the site's sitemaps, which its job reads from robots.txt: it is not admitted itself; every
 * other source is admitted under its key (`sourceKeyOf`), like a seed.
 */
export function startSources(sources: CrawlRequest['sources']): StartSource[] {
  const byUrl = new Map<string, StartSource>();
  for (const source of sources ?? []) {
    const url = normalizeSeed(source.url);
    if (byUrl.has(url)) continue;
    const { pathname, search } = new URL(url);
    const siteRoot = source.type === 'sitemap' && pathname === '/' && search === '';
    byUrl.set(url, { url, type: source.type, ...(siteRoot ? {} : { key: sourceKeyOf(url) }) });
  }
  return [...byUrl.values()];
}
