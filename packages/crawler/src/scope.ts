import type { CrawlScope } from '@kumo/contract';
import { getDomain } from 'tldts';
import { isIpLiteral } from './safe-agent.js';

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
