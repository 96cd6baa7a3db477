import { compileUrlGlob, type UrlGlob } from './url-glob.js';

/** A crawl's `include` and `exclude` patterns (CONTRACT "More in POST /v1/crawls"). */
export interface UrlPatterns {
  /** When given (even empty), a link is followed only when it matches one of them. */
  include?: readonly string[] | undefined;
  /** A link that matches one of them is not followed. */
  exclude?: readonly string[] | undefined;
}

/** Whether a discovered link may be followed under a crawl's patterns. */
export type UrlFilter = (url: string) => boolean;

const allowAll: UrlFilter = () => true;

function compileFilter(patterns: UrlPatterns): UrlFilter {
  const include = patterns.include?.map(compileUrlGlob);
  const exclude = (patterns.exclude ?? []).map(compileUrlGlob);
  const any = (globs: readonly UrlGlob[], url: string) => globs.some((glob) => glob.matches(url));
  return (url) => (include === undefined || any(include, url)) && !any(exclude, url);
}

/**
 * Compiled filters of recent crawls, so a crawl's patterns are compiled once per process rather than once per
 * page. Keyed by the patterns themselves (a crawl's request object is not shared between jobs); a few hundred
 * crawls at once is far beyond what one process runs.
 */
export class UrlFilterCache {
  readonly #filters = new Map<string, UrlFilter>();

  constructor(private readonly maxEntries = 256) {}

  /** The filter of `patterns`: allows everything when neither list is given. */
  filterOf(patterns: UrlPatterns): UrlFilter {
    if (patterns.include === undefined && (patterns.exclude === undefined || patterns.exclude.length === 0)) {
      return allowAll;
    }
    const key = JSON.stringify([patterns.include ?? null, patterns.exclude ?? []]);
    let filter = this.#filters.get(key);
    if (filter === undefined) {
      filter = compileFilter(patterns);
      if (this.#filters.size >= this.maxEntries) this.#filters.delete(this.#filters.keys().next().value!);
    } else {
      this.#filters.delete(key);
    }
    // Re-inserted, so the map's order is least recently used first.
    this.#filters.set(key, filter);
    return filter;
  }
}

/** Compiles `patterns` into a filter (uncached; see {@link UrlFilterCache}). */
export function createUrlFilter(patterns: UrlPatterns): UrlFilter {
  return patterns.include === undefined && (patterns.exclude?.length ?? 0) === 0 ? allowAll : compileFilter(patterns);
}
