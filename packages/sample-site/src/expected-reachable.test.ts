import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedReachable, generateSite, sampleSite, startSiteServer, type SiteServer } from './index.js';

/**
 * A deliberately plain reference crawler (breadth-first, one request at a time): it checks that the ground truth
 * matches what a real crawl of the served site sees, independently of the manifest's link lists.
 */
async function referenceCrawl(baseUrl: string, maxDepth: number) {
  const robots = await (await fetch(`${baseUrl}/robots.txt`)).text();
  const disallow = [...robots.matchAll(/^Disallow: (.+)$/gm)].map((m) => m[1] as string);
  const seen = new Map<string, { depth: number; status: string }>();
  const queue = [{ url: `${baseUrl}/index.html`, depth: 0 }];
  seen.set(queue[0]?.url as string, { depth: 0, status: 'queued' });
  for (let next = queue.shift(); next; next = queue.shift()) {
    const { url, depth } = next;
    if (disallow.some((prefix) => new URL(url).pathname.startsWith(prefix))) {
      seen.set(url, { depth, status: 'skipped' });
      continue;
    }
    const res = await fetch(url);
    // Every href is ASCII, so latin1 is enough to find links whatever the page's encoding.
    const html = Buffer.from(await res.arrayBuffer()).toString('latin1');
    if (res.status !== 200) {
      seen.set(url, { depth, status: 'failed' });
      continue;
    }
    if (!res.headers.get('content-type')?.startsWith('text/html')) {
      seen.set(url, { depth, status: 'skipped' });
      continue;
    }
    seen.set(url, { depth, status: 'fetched' });
    if (depth >= maxDepth || /<meta name="robots" content="nofollow">/.test(html)) continue;
    const base = /<base href="([^"]*)">/.exec(html)?.[1];
    const pageBase = base ? new URL(base, url).href : url;
    for (const m of html.matchAll(/<(?:a|area|frame|iframe)\s[^>]*?\b(?:href|src)="([^"]*)"/g)) {
      const href = (m[1] as string).replace(/&#(\d+);/g, (_, c: string) => String.fromCharCode(Number(c)));
      if (/^(mailto|javascript):/.test(href)) continue;
      const target = new URL(href, pageBase);
      target.hash = '';
      if (seen.has(target.href)) continue;
      seen.set(target.href, { depth: depth + 1, status: 'queued' });
      queue.push({ url: target.href, depth: depth + 1 });
    }
  }
  return seen;
}

describe('expectedReachable', () => {
  const site = sampleSite();
  const paths = (role: string) => site.manifest.pages.filter((page) => page.role === role).map((page) => page.path);
  const byDepth = (depth: number) =>
    site.manifest.pages
      .filter((page) => page.depth !== null && page.depth <= depth && page.role !== 'private')
      .map((page) => page.path);

  it.each([
    [0, ['/index.html'], [], []],
    [1, byDepth(1), ['/old/removed-page.html'], ['/private/staff-only.html', '/files/data.csv']],
    [2, byDepth(2), ['/old/removed-page.html'], ['/private/staff-only.html', '/files/data.csv']],
  ])('at maxDepth %i fetches, fails and skips exactly the right URLs', (maxDepth, fetched, failed, skipped) => {
    const expected = expectedReachable(site.manifest, { maxDepth });
    expect([...expected.fetched].sort()).toEqual([...fetched].sort());
    expect([...expected.failed]).toEqual(failed);
    expect([...expected.skipped].sort()).toEqual([...skipped].sort());
    expect([...expected.pages.values()].every((page) => page.depth <= maxDepth)).toBe(true);
  });

  it('reaches the whole tree of the demo site at depth 2 and never the nofollow target', () => {
    const expected = expectedReachable(site.manifest, { maxDepth: 2 });
    expect(expected.fetched.size).toBe(10);
    expect(expected.pages.has(paths('nofollow-target')[0] as string)).toBe(false);
    expect(expected.pages.get('/private/staff-only.html')).toMatchObject({ status: 'skipped', reason: 'robots' });
    expect(expected.pages.get('/files/data.csv')).toMatchObject({ status: 'skipped', reason: 'content-type' });
    expect(expected.pages.get('/old/removed-page.html')).toMatchObject({ status: 'failed', httpStatus: 404 });
  });

  it('keys pages by absolute URL when given the base URL', () => {
    const expected = expectedReachable(site.manifest, { maxDepth: 0, baseUrl: 'http://127.0.0.1:8080' });
    expect([...expected.fetched]).toEqual(['http://127.0.0.1:8080/index.html']);
  });

  it('rejects a negative maxDepth', () => {
    expect(() => expectedReachable(site.manifest, { maxDepth: -1 })).toThrow(
      expect.objectContaining({ code: 'KUMO_SAMPLE_SITE_INVALID_OPTION' }),
    );
  });

  describe('against a real crawl of the served site', () => {
    const big = generateSite({ pages: 80, seed: 'reference', linksPerPage: 3, bytesPerPage: 2_000 });
    let server: SiteServer;
    beforeAll(async () => {
      server = await startSiteServer({ site: big });
    });
    afterAll(async () => {
      await server.close();
    });

    it.each([0, 1, 2, 3, 10])('agrees at maxDepth %i, fetching each URL once', async (maxDepth) => {
      server.resetCounts();
      const crawled = await referenceCrawl(server.url, maxDepth);
      const expected = expectedReachable(big.manifest, { maxDepth, baseUrl: server.url });
      const summary = (entries: Iterable<[string, { depth: number; status: string }]>) =>
        [...entries].map(([url, { depth, status }]) => `${url} ${depth} ${status}`).sort();
      expect(summary(crawled)).toEqual(summary(expected.pages));
      for (const [requested, count] of server.requests) expect(count, requested).toBe(1);
    });
  });
});
