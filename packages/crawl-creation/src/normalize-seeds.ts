import { InvalidSeedError } from './errors.js';

/**
 * The canonical form of a seed URL, identical to `normalizeUrl` of @kumo/crawler (scheme and host lower-cased by
 * the WHATWG parser, default port and fragment dropped, a bare `?` dropped). Reimplemented in these few lines
 * because importing @kumo/crawler's entry point would load its whole fetch stack (undici, cheerio) into the API.
 * `normalize-seeds.test.ts` keeps the two in step on a table of cases.
 * @throws InvalidSeedError (`KUMO_CREATION_INVALID_SEED`) when the URL is not an absolute http(s) URL (the request schema has already refused those).
 */
export function normalizeSeed(raw: string): string {
  const url = new URL(raw);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidSeedError(`not an http(s) URL: ${raw}`);
  url.hash = '';
  // `search` reads '' both for no query and for a bare `?`; assigning '' removes the bare `?`.
  if (url.search === '') url.search = '';
  return url.href;
}

/** Normalised seeds without duplicates, in first-seen order (`http://A/` and `http://a/#x` are one seed). */
export function normalizeSeeds(urls: readonly string[]): string[] {
  return [...new Set(urls.map(normalizeSeed))];
}
