import type { IncomingHttpHeaders } from 'node:http';
import { pageResultSchema } from '@kumo/contract';
import { describe, expect, it } from 'vitest';
import { useFetchHarness } from './__fixtures__/fetch-harness.js';
import { reply } from './__fixtures__/http-server.js';
import { conditionalHeaders, validatorsOf, type Revalidation } from './revalidation.js';

const { server, crawler } = useFetchHarness();

const ETAG = '"v1"';
const LAST_MODIFIED = 'Tue, 01 Dec 2026 00:00:00 GMT';

/** A site that honours If-None-Match / If-Modified-Since for `/` and records each request's headers. */
async function conditionalSite(options: { etag?: string; lastModified?: string } = {}) {
  const seen: IncomingHttpHeaders[] = [];
  const etag = options.etag ?? ETAG;
  const lastModified = options.lastModified ?? LAST_MODIFIED;
  const site = await server((request, response) => {
    if (request.url === '/robots.txt') return reply(response, 404);
    if (request.url === '/moved') return reply(response, 301, '', { location: '/' });
    seen.push(request.headers);
    const fresh =
      request.headers['if-none-match'] === etag ||
      (request.headers['if-none-match'] === undefined && request.headers['if-modified-since'] === lastModified);
    if (fresh) return reply(response, 304, '', { etag });
    const body = `<html><head><title>t</title></head><body><a href="/a">a</a><a href="http://elsewhere.test/">x</a><p>本文</p></body></html>`;
    reply(response, 200, body, { 'content-type': 'text/html; charset=utf-8', etag, 'last-modified': lastModified });
  });
  return { site, seen };
}

function revalidation(origin: string, validators: Partial<Revalidation> = {}): Revalidation {
  return {
    etag: ETAG,
    lastModified: LAST_MODIFIED,
    links: [`${origin}/a`, `${origin}/b`, 'http://elsewhere.test/c'],
    page: { title: 'earlier', charset: 'shift_jis', contentType: 'text/html', textLength: 42, bytes: 900, lang: 'ja' },
    ...validators,
  };
}

describe('validatorsOf and conditionalHeaders', () => {
  it.each([
    [{ etag: '"x"' }, { etag: '"x"' }],
    [
      { etag: 'W/"weak"', 'last-modified': LAST_MODIFIED },
      { etag: 'W/"weak"', lastModified: LAST_MODIFIED },
    ],
    [{ 'last-modified': LAST_MODIFIED }, { lastModified: LAST_MODIFIED }],
    [{}, undefined],
    [{ etag: '' }, undefined],
    [{ etag: `"${'x'.repeat(600)}"` }, undefined],
    [{ etag: '"\u00e9"' }, undefined],
  ] as [IncomingHttpHeaders, unknown][])('validatorsOf(%o) → %o', (headers, expected) => {
    expect(validatorsOf(headers)).toEqual(expected);
  });

  it('sends both validators when both are known, and nothing unusable', () => {
    expect(conditionalHeaders({ etag: ETAG, lastModified: LAST_MODIFIED })).toEqual({
      'if-none-match': ETAG,
      'if-modified-since': LAST_MODIFIED,
    });
    expect(conditionalHeaders({ etag: 'a\r\nX-Injected: 1' })).toEqual({});
  });
});

describe('conditional fetch', () => {
  it('remembers the validators of a page fetched with 200 straight from its URL', async () => {
    const { site, seen } = await conditionalSite();
    const outcome = await crawler().crawlPage({ url: `${site.origin}/`, depth: 0, scope: 'same-host' });
    expect(outcome.page.status).toBe('fetched');
    expect(outcome.validators).toEqual({ etag: ETAG, lastModified: LAST_MODIFIED });
    expect(outcome.notModified).toBeUndefined();
    expect(seen[0]?.['if-none-match']).toBeUndefined();
    expect(seen[0]?.['if-modified-since']).toBeUndefined();
  });

  it('keeps no validators for a page reached through a redirect (they belong to the target)', async () => {
    const { site } = await conditionalSite();
    const outcome = await crawler().crawlPage({ url: `${site.origin}/moved`, depth: 0, scope: 'same-host' });
    expect(outcome.page.status).toBe('fetched');
    expect(outcome.validators).toBeUndefined();
  });

  it('sends If-None-Match and If-Modified-Since; a 304 stands in for the page with the earlier fields and links', async () => {
    const { site, seen } = await conditionalSite();
    const outcome = await crawler().crawlPage({
      url: `${site.origin}/`,
      depth: 1,
      scope: 'same-host',
      seedUrls: [`${site.origin}/`],
      revalidate: revalidation(site.origin),
    });
    expect(seen[0]?.['if-none-match']).toBe(ETAG);
    expect(seen[0]?.['if-modified-since']).toBe(LAST_MODIFIED);
    expect(outcome.notModified).toBe(true);
    expect(outcome.text).toBe('');
    // Filtered again by this crawl's scope: the other host's link is not followed.
    expect(outcome.links).toEqual([`${site.origin}/a`, `${site.origin}/b`]);
    expect(outcome.page).toMatchObject({
      status: 'fetched',
      notModified: true,
      httpStatus: 304,
      title: 'earlier',
      charset: 'shift_jis',
      textLength: 42,
      links: 2,
    });
    expect(pageResultSchema.safeParse(outcome.page).success).toBe(true);
  });

  it('sends If-Modified-Since alone when only Last-Modified was known', async () => {
    const { site, seen } = await conditionalSite();
    const outcome = await crawler().crawlPage({
      url: `${site.origin}/`,
      depth: 0,
      scope: 'same-host',
      revalidate: revalidation(site.origin, { etag: undefined }),
    });
    expect(seen[0]?.['if-none-match']).toBeUndefined();
    expect(seen[0]?.['if-modified-since']).toBe(LAST_MODIFIED);
    expect(outcome.notModified).toBe(true);
  });

  it('reads a changed page in full when the validators no longer match', async () => {
    const { site } = await conditionalSite({ etag: '"v2"', lastModified: 'Wed, 02 Dec 2026 00:00:00 GMT' });
    const outcome = await crawler().crawlPage({
      url: `${site.origin}/`,
      depth: 0,
      scope: 'same-host',
      revalidate: revalidation(site.origin),
    });
    expect(outcome.notModified).toBeUndefined();
    expect(outcome.page).toMatchObject({ status: 'fetched', httpStatus: 200, title: 't' });
    expect(outcome.page.notModified).toBeUndefined();
    expect(outcome.text).toContain('本文');
    expect(outcome.validators).toEqual({ etag: '"v2"', lastModified: 'Wed, 02 Dec 2026 00:00:00 GMT' });
  });

  it('sends no conditional header to a redirect target', async () => {
    const { site, seen } = await conditionalSite({ etag: '"other"' });
    const outcome = await crawler().crawlPage({
      url: `${site.origin}/moved`,
      depth: 0,
      scope: 'same-host',
      revalidate: revalidation(site.origin, { etag: '"other"' }),
    });
    // The redirect target (`/`) is the only request the site recorded, and it came unconditional.
    expect(seen).toHaveLength(1);
    expect(seen[0]?.['if-none-match']).toBeUndefined();
    expect(outcome.notModified).toBeUndefined();
  });

  it('reads an unasked-for 304 as before (an empty fetched page), never as notModified', async () => {
    const site = await server((request, response) =>
      request.url === '/robots.txt' ? reply(response, 404) : reply(response, 304, ''),
    );
    const outcome = await crawler().crawlPage({ url: `${site.origin}/`, depth: 0, scope: 'same-host' });
    expect(outcome.notModified).toBeUndefined();
    expect(outcome.page.notModified).toBeUndefined();
  });
});
