import { STORED_CONTENT, type CrawlRequest, type StoredContent } from '@kumo/contract';
import { ContentNotStoredError, type FieldError } from '../errors.js';

/** What `include=` may ask for on the pages and export endpoints. */
export const INCLUDE_VALUES = ['analysis', ...STORED_CONTENT] as const;
export type IncludeValue = (typeof INCLUDE_VALUES)[number];

/**
 * The `include` query parameter: comma-separated values of {@link INCLUDE_VALUES}, each at most once, given once;
 * absent or empty means none. Problems go to `errors` (path `include`) and the result is then meaningless.
 */
export function parseInclude(raw: unknown, errors: FieldError[]): Set<IncludeValue> {
  const include = new Set<IncludeValue>();
  if (raw === undefined || raw === '') return include;
  if (typeof raw !== 'string' || raw.length > 100) {
    errors.push({
      path: 'include',
      message: `must be given once, as a comma-separated list of ${INCLUDE_VALUES.join(', ')}`,
    });
    return include;
  }
  for (const value of raw.split(',')) {
    if (!(INCLUDE_VALUES as readonly string[]).includes(value)) {
      errors.push({
        path: 'include',
        message: `unknown value ${JSON.stringify(value.slice(0, 40))}; allowed: ${INCLUDE_VALUES.join(', ')}`,
      });
    } else if (include.has(value as IncludeValue)) {
      errors.push({ path: 'include', message: `${value} is given twice` });
    } else include.add(value as IncludeValue);
  }
  return include;
}

/**
 * The stored contents `include` asks for (`text`, `links`), in a fixed order; `ContentNotStoredError` (409) naming
 * those the crawl did not store (its request's `store`; absent on older crawls, which stored nothing).
 */
export function storedContentsOf(
  crawl: { id: string; request: Pick<CrawlRequest, 'store'> },
  include: ReadonlySet<IncludeValue>,
): StoredContent[] {
  const wanted = STORED_CONTENT.filter((kind) => include.has(kind));
  const stored = crawl.request.store ?? [];
  const missing = wanted.filter((kind) => !stored.includes(kind));
  if (missing.length > 0) throw new ContentNotStoredError(crawl.id, missing);
  return wanted;
}
