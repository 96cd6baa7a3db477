import { SampleSiteOptionError } from './errors.js';
import type { SiteManifest } from './manifest.js';

export type ExpectedStatus = 'fetched' | 'failed' | 'skipped';

/** What a correct crawler records for one URL (the `PageResult` fields a test can predict). */
export interface ExpectedPage {
  /** The absolute URL when `baseUrl` was given, else the path. */
  url: string;
  path: string;
  /** Depth at which the URL is discovered: 0 for the index. */
  depth: number;
  status: ExpectedStatus;
  /** Why it is skipped: robots.txt disallows it, or it is not HTML. */
  reason?: 'robots' | 'content-type';
  /** The status the server answers with; absent for pages skipped before fetching (robots). */
  httpStatus?: number;
}

export interface ExpectedCrawl {
  /** Every URL the crawl records, keyed like `url`. */
  pages: Map<string, ExpectedPage>;
  fetched: Set<string>;
  failed: Set<string>;
  skipped: Set<string>;
}

export interface ExpectedReachableOptions {
  /** The crawl's `maxDepth`: the index is depth 0, and links on pages at `maxDepth` are not followed. Required. */
  maxDepth: number;
  /** The server's URL (`http://127.0.0.1:PORT`); when given, keys are absolute URLs. Default: keys are paths. */
  baseUrl?: string;
}

/**
 * Breadth-first walk of the manifest with a correct crawler's rules: links followed only from fetched HTML pages
 * without `nofollow`, robots.txt honoured, non-HTML skipped, missing paths failed. Generated sites are built so
 * the outcome does not depend on fetch order (see LinkTree), so this is exact for any number of workers.
 */
export function crawlManifest(manifest: SiteManifest, maxDepth: number): Map<string, Omit<ExpectedPage, 'url'>> {
  const pages = new Map(manifest.pages.map((page) => [page.path, page]));
  const files = new Set(manifest.files.map((file) => file.path));
  const result = new Map<string, Omit<ExpectedPage, 'url'>>();
  const queue: Array<{ path: string; depth: number }> = [{ path: manifest.index, depth: 0 }];
  result.set(manifest.index, { path: manifest.index, depth: 0, status: 'fetched' });
  for (let next = queue.shift(); next; next = queue.shift()) {
    const { path, depth } = next;
    const page = pages.get(path);
    let outcome: Omit<ExpectedPage, 'url'>;
    if (manifest.robotsDisallow.some((prefix) => path.startsWith(prefix))) {
      outcome = { path, depth, status: 'skipped', reason: 'robots' };
    } else if (page) {
      outcome = { path, depth, status: 'fetched', httpStatus: 200 };
    } else if (files.has(path)) {
      outcome = { path, depth, status: 'skipped', reason: 'content-type', httpStatus: 200 };
    } else {
      outcome = { path, depth, status: 'failed', httpStatus: 404 };
    }
    result.set(path, outcome);
    if (outcome.status !== 'fetched' || !page || page.nofollow || depth >= maxDepth) continue;
    for (const link of page.links) {
      if (link.target === null || result.has(link.target)) continue;
      result.set(link.target, { path: link.target, depth: depth + 1, status: 'fetched' });
      queue.push({ path: link.target, depth: depth + 1 });
    }
  }
  return result;
}

/** The ground truth of a crawl of a generated site from its index: what is fetched, failed and skipped. */
export function expectedReachable(manifest: SiteManifest, options: ExpectedReachableOptions): ExpectedCrawl {
  const { maxDepth, baseUrl } = options;
  if (!Number.isInteger(maxDepth) || maxDepth < 0) {
    throw new SampleSiteOptionError(`maxDepth must be a non-negative integer (got ${String(maxDepth)})`);
  }
  const crawl: ExpectedCrawl = { pages: new Map(), fetched: new Set(), failed: new Set(), skipped: new Set() };
  for (const entry of crawlManifest(manifest, maxDepth).values()) {
    const url = baseUrl ? new URL(entry.path, baseUrl).href : entry.path;
    crawl.pages.set(url, { url, ...entry });
    crawl[entry.status].add(url);
  }
  return crawl;
}
