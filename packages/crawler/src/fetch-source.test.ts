import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { useFetchHarness } from './__fixtures__/fetch-harness.js';
import { reply } from './__fixtures__/http-server.js';
import { CrawlerErrorCode } from './errors.js';

// fetchSource: the safe fetch of a sitemap or feed, decompressed and parsed as it streams, with its limits.
const { server, crawler } = useFetchHarness();

const NS = 'http://www.sitemaps.org/schemas/sitemap/0.9';
const urlset = (paths: string[]) =>
  `<?xml version="1.0"?><urlset xmlns="${NS}">${paths.map((p) => `<url><loc>https://example.jp${p}</loc></url>`).join('')}</urlset>`;

/** Runs fetchSource on `url`, collecting the batches of entries it hands on. */
async function read(url: string, options: { maxBytes?: number; maxEntries?: number; batchSize?: number } = {}) {
  const batches: string[][] = [];
  const outcome = await crawler().fetchSource({
    url,
    ...options,
    onEntries: async (urls) => {
      batches.push(urls);
    },
  });
  return { outcome, batches, entries: batches.flat() };
}

describe('fetchSource', () => {
  it.each([
    ['plain XML', (xml: string) => ({ body: Buffer.from(xml), headers: { 'content-type': 'application/xml' } })],
    [
      'a .xml.gz file (gzip magic bytes, no Content-Encoding)',
      (xml: string) => ({ body: gzipSync(xml), headers: { 'content-type': 'application/x-gzip' } }),
    ],
    [
      'Content-Encoding: gzip',
      (xml: string) => ({ body: gzipSync(xml), headers: { 'content-type': 'text/xml', 'content-encoding': 'gzip' } }),
    ],
    [
      'a gzip file sent with Content-Encoding: gzip as well',
      (xml: string) => ({
        body: gzipSync(gzipSync(xml)),
        headers: { 'content-type': 'application/gzip', 'content-encoding': 'gzip' },
      }),
    ],
  ])('reads %s, handing entries on in batches', async (_name, encode) => {
    const paths = Array.from({ length: 25 }, (_v, i) => `/p/${i}`);
    const { body, headers } = encode(urlset(paths));
    const site = await server((_request, response) => reply(response, 200, body, headers));
    const { outcome, batches, entries } = await read(`${site.origin}/sitemap.xml.gz`, { batchSize: 10 });
    expect(outcome).toMatchObject({ status: 'fetched', format: 'urlset', entries: 25, httpStatus: 200 });
    expect(entries).toEqual(paths.map((p) => `https://example.jp${p}`));
    expect(batches.map((batch) => batch.length)).toEqual([10, 10, 5]);
  });

  it('returns the sitemaps an index lists, at most maxSitemaps', async () => {
    const index = `<sitemapindex xmlns="${NS}">${[1, 2, 3].map((i) => `<sitemap><loc>/s${i}.xml</loc></sitemap>`).join('')}</sitemapindex>`;
    const site = await server((_request, response) => reply(response, 200, index, { 'content-type': 'text/xml' }));
    const outcome = await crawler().fetchSource({
      url: `${site.origin}/index.xml`,
      maxSitemaps: 2,
      onEntries: async () => {},
    });
    expect(outcome).toMatchObject({ status: 'fetched', format: 'sitemapindex', entries: 3 });
    expect(outcome.sitemaps).toEqual([`${site.origin}/s1.xml`, `${site.origin}/s2.xml`]);
  });

  it('decodes a Shift_JIS feed by its XML declaration', async () => {
    const xml = `<?xml version="1.0" encoding="Shift_JIS"?><rss><channel><item><title>日本語</title><link>https://example.jp/記事</link></item></channel></rss>`;
    const iconv = await import('iconv-lite');
    const site = await server((_request, response) =>
      reply(response, 200, iconv.default.encode(xml, 'Shift_JIS'), { 'content-type': 'application/rss+xml' }),
    );
    const { outcome, entries } = await read(`${site.origin}/feed`);
    expect(outcome).toMatchObject({ status: 'fetched', format: 'rss', entries: 1 });
    expect(entries).toEqual(['https://example.jp/%E8%A8%98%E4%BA%8B']);
  });

  it('fails a malformed document with SOURCE_MALFORMED, keeping the entries read before', async () => {
    const xml = urlset(['/a', '/b']).replace('</urlset>', '<url><loc>');
    const site = await server((_request, response) => reply(response, 200, xml, { 'content-type': 'text/xml' }));
    const { outcome, entries } = await read(`${site.origin}/broken.xml`);
    expect(outcome).toMatchObject({ status: 'failed', entries: 2, transient: false });
    expect(outcome.error?.code).toBe(CrawlerErrorCode.SOURCE_MALFORMED);
    expect(entries).toEqual(['https://example.jp/a', 'https://example.jp/b']);
  });

  it('fails a document over maxBytes once decompressed with SOURCE_TOO_LARGE (a small gzip of a big body)', async () => {
    const paths = Array.from({ length: 2000 }, (_v, i) => `/page/${i}`);
    const gz = gzipSync(urlset(paths));
    const site = await server((_request, response) => reply(response, 200, gz, { 'content-type': 'application/gzip' }));
    expect(gz.length).toBeLessThan(20_000);
    const { outcome, entries } = await read(`${site.origin}/big.xml.gz`, { maxBytes: 20_000, batchSize: 10 });
    expect(outcome.status).toBe('failed');
    expect(outcome.error?.code).toBe(CrawlerErrorCode.SOURCE_TOO_LARGE);
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.length).toBeLessThan(2000);
  });

  it('fails past maxEntries with SOURCE_TOO_LARGE', async () => {
    const site = await server((_request, response) =>
      reply(response, 200, urlset(['/1', '/2', '/3']), { 'content-type': 'text/xml' }),
    );
    const { outcome, entries } = await read(`${site.origin}/s.xml`, { maxEntries: 2 });
    expect(outcome.error?.code).toBe(CrawlerErrorCode.SOURCE_TOO_LARGE);
    expect(entries).toEqual(['https://example.jp/1', 'https://example.jp/2']);
  });

  it('fails with the HTTP error of the source (404)', async () => {
    const site = await server((_request, response) => reply(response, 404, 'no'));
    const { outcome } = await read(`${site.origin}/missing.xml`);
    expect(outcome).toMatchObject({ status: 'failed', httpStatus: 404, entries: 0 });
    expect(outcome.error?.code).toBe(CrawlerErrorCode.HTTP_4XX);
  });

  it('skips a source robots.txt disallows, without fetching it', async () => {
    const site = await server((request, response) =>
      request.url === '/robots.txt'
        ? reply(response, 200, 'User-agent: *\nDisallow: /private/\n', { 'content-type': 'text/plain' })
        : reply(response, 200, urlset(['/x']), { 'content-type': 'text/xml' }),
    );
    const { outcome } = await read(`${site.origin}/private/sitemap.xml`);
    expect(outcome).toMatchObject({ status: 'skipped', reason: 'robots' });
    expect(site.requests).toEqual(['GET /robots.txt']);
  });
});
