import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { crawlSchema, doneEventSchema, pageResultSchema, problemSchema, type PageResult } from '@kumo/contract';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { postCrawl, startAcceptedCrawl } from '../helpers/api-harness.js';
import { startSystem, type RunningSystem } from '../helpers/api-processes.js';
import { openSse } from '../helpers/api-sse.js';
import { uniquePrefix } from '../helpers/env.js';
import { descendantsRssKiB } from '../helpers/process-memory.js';

// `sources` of POST /v1/crawls (CONTRACT "More in POST /v1/crawls"): sitemaps (index, gzip, robots.txt Sitemap
// lines) and RSS / Atom feeds through the real API and worker processes, against sites on 127.0.0.1 that record
// every request they get.

const redisUrl = inject('redisUrl');
const NS = 'http://www.sitemaps.org/schemas/sitemap/0.9';

let system: RunningSystem;
let site: http.Server;
let bare: http.Server;
let origin: string;
let bareOrigin: string;
const requests: string[] = [];
const bareRequests: string[] = [];

const urlset = (urls: string[]) =>
  `<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="${NS}">${urls.map((u) => `<url><loc>${u}</loc></url>`).join('')}</urlset>`;

/** Pages of the site and the links each holds. */
const PAGES: Record<string, string[]> = {
  '/s/a1': ['/s/a1-child', '/s/drafts/hidden'],
  '/s/a2': [],
  '/s/b1': [],
  '/s/drafts/b2': [],
  '/s/a1-child': [],
  '/s/drafts/hidden': [],
  '/f/r1': [],
  '/f/r2': [],
  '/f/a1': [],
  '/m/ok': [],
  '/r/1': [],
};

let cachedDocuments: Record<string, [string, string | Buffer]> | undefined;

/** The documents of the site: path → [content type, body] (built once: the bomb takes a moment to compress). */
function documents(): Record<string, [string, string | Buffer]> {
  return (cachedDocuments ??= {
    '/robots.txt': ['text/plain', `User-agent: *\nAllow: /\nSitemap: ${origin}/robots-sitemap.xml\n`],
    '/sitemap_index.xml': [
      'application/xml',
      `<sitemapindex xmlns="${NS}"><sitemap><loc>${origin}/sitemaps/a.xml.gz</loc></sitemap>` +
        `<sitemap><loc>/sitemaps/b.xml.gz</loc></sitemap></sitemapindex>`,
    ],
    '/sitemaps/a.xml.gz': [
      'application/x-gzip',
      // localhost is another host than 127.0.0.1: out of the crawl's same-host scope.
      gzipSync(urlset([`${origin}/s/a1`, `${origin}/s/a2`, `${origin.replace('127.0.0.1', 'localhost')}/s/out`])),
    ],
    '/sitemaps/b.xml.gz': ['application/x-gzip', gzipSync(urlset([`${origin}/s/b1`, `${origin}/s/drafts/b2`]))],
    '/feed.rss': [
      'application/rss+xml',
      `<?xml version="1.0"?><rss version="2.0"><channel><title>フィード</title><link>${origin}/</link>` +
        `<item><title>一</title><link>${origin}/f/r1</link></item>` +
        `<item><title>二</title><guid>${origin}/f/r2</guid></item></channel></rss>`,
    ],
    '/feed.atom': [
      'application/atom+xml',
      `<feed xmlns="http://www.w3.org/2005/Atom" xml:base="${origin}/f/"><title>Atom</title>` +
        `<link rel="self" href="${origin}/feed.atom"/><entry><title>a</title><link href="a1"/></entry></feed>`,
    ],
    '/broken.xml': ['application/xml', urlset([`${origin}/m/ok`]).replace('</urlset>', '<url><loc>')],
    // 60 MB of elements that list nothing, gzipped to a few dozen KB: over CRAWL_SOURCE_MAX_BYTES once unzipped.
    '/bomb.xml.gz': [
      'application/x-gzip',
      gzipSync(`<urlset xmlns="${NS}">${'<url><lastmod>2026-01-01</lastmod></url>'.repeat(1_500_000)}</urlset>`),
    ],
    '/robots-sitemap.xml': ['application/xml', urlset([`${origin}/r/1`])],
  });
}

const BIG_ENTRIES = 50_000;
/** One `<url>` of the big sitemap: ~1,000 bytes, so 50,000 of them make 50 MB. */
function bigEntry(index: number): string {
  const caption = `説明 ${index} `.padEnd(900, 'x');
  return `<url><loc>${origin}/big/${index}</loc><image:image><image:caption>${caption}</image:caption></image:image></url>\n`;
}

/** Streams the 50 MB sitemap, generated as it goes (never held whole here either). */
function streamBigSitemap(res: http.ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/xml' });
  res.write(
    `<?xml version="1.0"?><urlset xmlns="${NS}" xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">\n`,
  );
  let index = 0;
  const pump = (): void => {
    while (index < BIG_ENTRIES) {
      let chunk = '';
      for (let i = 0; i < 64 && index < BIG_ENTRIES; i++) chunk += bigEntry(index++);
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
    res.end('</urlset>\n');
  };
  pump();
}

function html(path: string, links: string[]): string {
  const anchors = links.map((link) => `<a href="${link}">${link}</a>`).join(' ');
  return `<!doctype html><html lang="ja"><title>${path}</title><body><p>ページ ${path}</p>${anchors}</body></html>`;
}

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function close(server: http.Server | undefined): Promise<void> {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
}

/** Runs a crawl to its end; returns its record, its page results and the paths the site saw (robots.txt aside). */
async function crawlToEnd(body: Record<string, unknown>, seen = requests) {
  const start = seen.length;
  const id = await startAcceptedCrawl(system, { analyze: false, ...body });
  const events = await openSse(`${system.url}/v1/crawls/${id}/events`, { key: system.key }).ended;
  expect(doneEventSchema.parse(JSON.parse(events.at(-1)!.data)).status).toBe('completed');
  const crawl = crawlSchema.parse(await (await system.request(`/v1/crawls/${id}`)).json());
  const pages: PageResult[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor === null ? '' : `&cursor=${cursor}`;
    const page = (await (await system.request(`/v1/crawls/${id}/pages?limit=500${query}`)).json()) as {
      items: unknown[];
      nextCursor: string | null;
    };
    pages.push(...page.items.map((item) => pageResultSchema.parse(item)));
    cursor = page.items.length === 0 ? null : page.nextCursor;
  } while (cursor !== null);
  const { counts } = crawl;
  // Every result counts once, sources included: the counts add up.
  expect(counts.discovered).toBe(counts.fetched + counts.failed + counts.skipped);
  expect(pages).toHaveLength(counts.discovered);
  const paths = seen
    .slice(start)
    .filter((path) => path !== '/robots.txt')
    .sort();
  return { crawl, pages, paths };
}

const byUrl = (pages: PageResult[], url: string) => pages.find((page) => page.url === url);

beforeAll(async () => {
  site = http.createServer((req, res) => {
    const path = req.url ?? '/';
    requests.push(path);
    if (path === '/big.xml') return streamBigSitemap(res);
    if (path.startsWith('/big/')) return void res.writeHead(200, { 'content-type': 'text/html' }).end(html(path, []));
    const doc = documents()[path];
    if (doc) return void res.writeHead(200, { 'content-type': doc[0] }).end(doc[1]);
    const links = PAGES[path];
    if (links === undefined) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html(path, links));
  });
  origin = await listen(site);
  documents();
  // A site without robots.txt: its sitemap is the conventional /sitemap.xml.
  bare = http.createServer((req, res) => {
    const path = req.url ?? '/';
    bareRequests.push(path);
    if (path === '/sitemap.xml') {
      return void res.writeHead(200, { 'content-type': 'application/xml' }).end(urlset([`${bareOrigin}/fb/1`]));
    }
    if (path === '/fb/1') return void res.writeHead(200, { 'content-type': 'text/html' }).end(html(path, []));
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  bareOrigin = await listen(bare);
  system = await startSystem({
    redisUrl,
    prefix: uniquePrefix('srcs'),
    overrides: { CRAWL_HOST_CONCURRENCY: '4', CRAWL_HOST_DELAY_MS: '0' },
  });
});

afterAll(async () => {
  await system?.stop();
  await close(site);
  await close(bare);
});

describe('sitemap sources', () => {
  it('crawls a sitemap index of two gzipped sitemaps: entries like seeds, out-of-scope skipped, exclude only on links', async () => {
    const { pages, paths } = await crawlToEnd({
      sources: [{ type: 'sitemap', url: `${origin}/sitemap_index.xml` }],
      exclude: ['**/drafts/**'],
      maxDepth: 1,
    });
    // Each fetched exactly once; the excluded entry is fetched (entries are always fetched), the excluded link is not,
    // the out-of-scope entry never.
    expect(paths).toEqual(
      [
        '/sitemap_index.xml',
        '/sitemaps/a.xml.gz',
        '/sitemaps/b.xml.gz',
        '/s/a1',
        '/s/a2',
        '/s/b1',
        '/s/drafts/b2',
        '/s/a1-child',
      ].sort(),
    );
    expect(byUrl(pages, `${origin}/sitemap_index.xml`)).toMatchObject({
      kind: 'sitemap',
      status: 'fetched',
      entries: 2,
    });
    expect(byUrl(pages, `${origin}/sitemaps/a.xml.gz`)).toMatchObject({
      kind: 'sitemap',
      status: 'fetched',
      entries: 3,
    });
    expect(byUrl(pages, `${origin}/sitemaps/b.xml.gz`)).toMatchObject({
      kind: 'sitemap',
      status: 'fetched',
      entries: 2,
    });
    const out = `${origin.replace('127.0.0.1', 'localhost')}/s/out`;
    expect(byUrl(pages, out)).toMatchObject({ status: 'skipped', reason: 'out-of-scope', depth: 0 });
    for (const path of ['/s/a1', '/s/a2', '/s/b1', '/s/drafts/b2']) {
      expect(byUrl(pages, `${origin}${path}`), path).toMatchObject({ status: 'fetched', depth: 0 });
    }
    expect(byUrl(pages, `${origin}/s/a1-child`)).toMatchObject({ status: 'fetched', depth: 1 });
    expect(pages).toHaveLength(3 + 5 + 1);
  });

  it('reads the sitemaps robots.txt lists for a site-root source, and /sitemap.xml when it lists none', async () => {
    const listed = await crawlToEnd({ sources: [{ type: 'sitemap', url: `${origin}/` }], maxDepth: 0 });
    expect(listed.paths).toEqual(['/r/1', '/robots-sitemap.xml']);
    expect(byUrl(listed.pages, `${origin}/robots-sitemap.xml`)).toMatchObject({ kind: 'sitemap', entries: 1 });
    expect(listed.pages.map((page) => page.url)).not.toContain(`${origin}/`);

    const fallback = await crawlToEnd(
      { sources: [{ type: 'sitemap', url: `${bareOrigin}/` }], maxDepth: 0 },
      bareRequests,
    );
    expect(fallback.paths).toEqual(['/fb/1', '/sitemap.xml']);
  });

  it('fails a malformed sitemap with a coded error, keeping the entries read before; the crawl completes', async () => {
    const { pages, paths } = await crawlToEnd({
      urls: [`${origin}/s/a2`],
      sources: [{ type: 'sitemap', url: `${origin}/broken.xml` }],
      maxDepth: 0,
    });
    expect(paths).toEqual(['/broken.xml', '/m/ok', '/s/a2']);
    expect(byUrl(pages, `${origin}/broken.xml`)).toMatchObject({
      kind: 'sitemap',
      status: 'failed',
      entries: 1,
      error: { code: 'KUMO_CRAWLER_SOURCE_MALFORMED' },
    });
  });

  it('fails an oversized (gzip bomb) sitemap with KUMO_CRAWLER_SOURCE_TOO_LARGE; the crawl completes', async () => {
    const { pages, paths } = await crawlToEnd({
      urls: [`${origin}/s/b1`],
      sources: [{ type: 'sitemap', url: `${origin}/bomb.xml.gz` }],
      maxDepth: 0,
    });
    expect(paths).toEqual(['/bomb.xml.gz', '/s/b1']);
    expect(byUrl(pages, `${origin}/bomb.xml.gz`)).toMatchObject({
      status: 'failed',
      entries: 0,
      error: { code: 'KUMO_CRAWLER_SOURCE_TOO_LARGE' },
    });
  });
});

describe('feed sources', () => {
  it('crawls the items of an RSS feed and the entries of an Atom feed', async () => {
    const { pages, paths } = await crawlToEnd({
      sources: [
        { type: 'feed', url: `${origin}/feed.rss` },
        { type: 'feed', url: `${origin}/feed.atom` },
      ],
      maxDepth: 0,
    });
    expect(paths).toEqual(['/f/a1', '/f/r1', '/f/r2', '/feed.atom', '/feed.rss']);
    expect(byUrl(pages, `${origin}/feed.rss`)).toMatchObject({ kind: 'feed', status: 'fetched', entries: 2 });
    expect(byUrl(pages, `${origin}/feed.atom`)).toMatchObject({ kind: 'feed', status: 'fetched', entries: 1 });
  });
});

describe('a 50 MB sitemap', () => {
  it('is parsed as it streams: the crawl worker’s RSS stays bounded and maxPages admits the first entries', async () => {
    const workerPid = system.workers[0]!.child.pid!;
    const baseline = descendantsRssKiB(workerPid);
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, descendantsRssKiB(workerPid));
    }, 50);
    const started = performance.now();
    let result;
    try {
      result = await crawlToEnd({
        sources: [{ type: 'sitemap', url: `${origin}/big.xml` }],
        maxPages: 21,
        maxDepth: 0,
      });
    } finally {
      clearInterval(sampler);
    }
    const seconds = (performance.now() - started) / 1000;
    const growthMiB = (peak - baseline) / 1024;
    process.stdout.write(
      `[figure] 50 MB sitemap (${BIG_ENTRIES} entries): crawl-worker RSS ${Math.round(baseline / 1024)} MiB → peak ` +
        `${Math.round(peak / 1024)} MiB (+${growthMiB.toFixed(1)} MiB), ${seconds.toFixed(1)} s\n`,
    );
    const { crawl, pages, paths } = result;
    expect(byUrl(pages, `${origin}/big.xml`)).toMatchObject({ status: 'fetched', entries: BIG_ENTRIES });
    // The source is one of the 21 admitted; 20 entries fill the rest, the others are dropped.
    expect(paths).toHaveLength(21);
    expect(crawl.counts.dropped).toBe(BIG_ENTRIES - 20);
    expect(crawl.truncated).toBe(true);
    // Held whole, the document alone would be 50 MB of bytes and twice that as a string.
    expect(growthMiB).toBeLessThan(40);
  });
});

describe('invalid sources are 400 problems with errors[].path', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['no urls and no sources', { sources: [] }, 'urls'],
    ['an unknown type', { sources: [{ type: 'opml', url: 'https://example.jp/' }] }, 'sources.0.type'],
    ['a relative URL', { sources: [{ type: 'feed', url: '/feed' }] }, 'sources.0.url'],
    ['a missing url', { sources: [{ type: 'sitemap' }] }, 'sources.0.url'],
    ['an unknown field', { sources: [{ type: 'feed', url: 'https://example.jp/f', max: 1 }] }, 'sources.0.max'],
    [
      'more than 100 in all',
      { urls: ['https://example.jp/'], sources: Array(100).fill({ type: 'feed', url: 'https://example.jp/f' }) },
      'sources',
    ],
  ])('%s', async (_name, body, path) => {
    const response = await postCrawl(system, body);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = problemSchema.parse(await response.json());
    expect(problem.code).toBe('KUMO_API_VALIDATION');
    expect(problem.errors?.map((error) => error.path)).toContain(path);
  });
});
