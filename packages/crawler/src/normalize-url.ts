import { BadUrlError, UnsupportedSchemeError } from './errors.js';

/**
 * The canonical form URLs are compared in (CONTRACT "Crawl semantics"): resolved against `base`, scheme and host
 * lower-cased (the WHATWG parser also punycodes the host and turns `0x7f.1` into `127.0.0.1`), default port
 * dropped, dot segments resolved, fragment dropped, an empty `?` dropped; the query is otherwise kept as is.
 * @throws BadUrlError when the URL cannot be parsed; UnsupportedSchemeError when it is not http(s).
 */
export function normalizeUrl(raw: string, base?: string | URL): string {
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch (error) {
    throw new BadUrlError(`Not a valid URL: ${raw.slice(0, 200)}`, { cause: error, url: raw });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UnsupportedSchemeError(url.protocol, { url: raw });
  }
  url.hash = '';
  // `search` reads '' both for no query and for a bare `?`; assigning '' removes the bare `?`.
  if (url.search === '') url.search = '';
  return url.href;
}

/** {@link normalizeUrl} that returns `undefined` instead of throwing (for links found in pages). */
export function tryNormalizeUrl(raw: string, base?: string | URL): string | undefined {
  try {
    return normalizeUrl(raw, base);
  } catch {
    return undefined;
  }
}
