import { expectedReachable, type GeneratedSite, type SiteFaultKind, type SiteServer } from '@kumo/sample-site';
import type { ExpectedOutcome } from './crawl-checks.js';

/** What a correct crawl of a generated site from `/index.html` records, keyed by absolute URL. */
export function expectedOutcomes(site: GeneratedSite, server: SiteServer, maxDepth = 10): Map<string, ExpectedOutcome> {
  const expected = new Map<string, ExpectedOutcome>();
  for (const [url, page] of expectedReachable(site.manifest, { maxDepth, baseUrl: server.url }).pages) {
    expected.set(url, { status: page.status, reason: page.reason, httpStatus: page.httpStatus, depth: page.depth });
  }
  return expected;
}

/**
 * The same walk for a server with `faults` that never recover (`times` unset): a faulted page ends as
 * `faultOutcome[kind]` and its links are never seen, so the pages only it leads to are not reached. Generated
 * sites introduce every page through its tree parent only (see LinkTree), so this is exact in any fetch order.
 */
export function expectedOutcomesWithFaults(
  site: GeneratedSite,
  server: SiteServer,
  faultOutcome: Record<SiteFaultKind, ExpectedOutcome & { followsLinks?: boolean }>,
  maxDepth = 10,
): Map<string, ExpectedOutcome> {
  const { manifest } = site;
  const pages = new Map(manifest.pages.map((page) => [page.path, page]));
  const files = new Set(manifest.files.map((file) => file.path));
  const result = new Map<string, ExpectedOutcome>();
  const queue: Array<{ path: string; depth: number }> = [{ path: manifest.index, depth: 0 }];
  const queued = new Set([manifest.index]);
  for (let next = queue.shift(); next; next = queue.shift()) {
    const { path, depth } = next;
    const page = pages.get(path);
    const fault = server.faultOf(path);
    let outcome: ExpectedOutcome;
    let follows = false;
    if (manifest.robotsDisallow.some((prefix) => path.startsWith(prefix))) {
      outcome = { status: 'skipped', reason: 'robots' };
    } else if (fault !== null) {
      const { followsLinks, ...rest } = faultOutcome[fault];
      outcome = rest;
      follows = followsLinks === true && page !== undefined;
    } else if (page) {
      outcome = { status: 'fetched', httpStatus: 200 };
      follows = true;
    } else if (files.has(path)) {
      outcome = { status: 'skipped', reason: 'content-type', httpStatus: 200 };
    } else {
      outcome = { status: 'failed', httpStatus: 404, code: 'KUMO_CRAWLER_HTTP_4XX' };
    }
    result.set(new URL(path, server.url).href, outcome);
    if (!follows || !page || page.nofollow || depth >= maxDepth) continue;
    for (const link of page.links) {
      if (link.target === null || queued.has(link.target)) continue;
      queued.add(link.target);
      queue.push({ path: link.target, depth: depth + 1 });
    }
  }
  return result;
}
