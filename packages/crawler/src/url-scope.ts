import type { CrawlScope } from '@kumo/contract';
import { getDomain } from 'tldts';
import { BadUrlError, UnsupportedSchemeError } from './errors.js';
import { isIpLiteral } from './safe-agent.js';

// Which URLs a crawl sees as the same (their canonical form) and which it may follow (its scope).

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

/**
 * The site of a host: its registrable domain (`example.co.jp` for `a.example.co.jp`, from the public suffix
 * list), or the host itself for IPs, `localhost` and names without a registrable domain.
 */
export function siteOf(hostname: string): string {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (isIpLiteral(host)) return host;
  return getDomain(host, { allowPrivateDomains: false }) ?? host;
}

/**
 * Whether `target` may be followed from `anchor` under `scope`: `same-host` compares host names, `same-site`
 * registrable domains, `any` allows everything. Schemes and ports are not compared (http→https is the same site).
 */
export function isInScope(target: string | URL, anchor: string | URL, scope: CrawlScope): boolean {
  if (scope === 'any') return true;
  const targetHost = (typeof target === 'string' ? new URL(target) : target).hostname.toLowerCase();
  const anchorHost = (typeof anchor === 'string' ? new URL(anchor) : anchor).hostname.toLowerCase();
  if (scope === 'same-host') return targetHost === anchorHost;
  return siteOf(targetHost) === siteOf(anchorHost);
}

/** {@link isInScope} against several anchors (the crawl's seeds): in scope when any anchor allows it. */
export function isInScopeOfAny(target: string | URL, anchors: readonly (string | URL)[], scope: CrawlScope): boolean {
  return scope === 'any' || anchors.some((anchor) => isInScope(target, anchor, scope));
}
