import diagnosticsChannel from 'node:diagnostics_channel';
import { describe, expect, it } from 'vitest';
import { failure, HTML, useFetchHarness } from './__fixtures__/fetch-harness.js';
import { reply } from './__fixtures__/http-server.js';
import { CrawlerErrorCode, type CrawlerError } from './errors.js';
import type { BlockedEvent, FetchEvent } from './fetch-page.js';

// HTTP statuses, redirect hops and the address policy on every hop.
const { server, crawler } = useFetchHarness();

describe('fetchPage HTTP statuses', () => {
  const soon = new Date(Date.now() + 120_000).toUTCString();
  it.each([
    [404, {}, CrawlerErrorCode.HTTP_4XX, 'permanent', undefined],
    [410, {}, CrawlerErrorCode.HTTP_4XX, 'permanent', undefined],
    [403, {}, CrawlerErrorCode.HTTP_4XX, 'permanent', undefined],
    [500, {}, CrawlerErrorCode.HTTP_5XX, 'transient', undefined],
    [429, { 'retry-after': '7' }, CrawlerErrorCode.RATE_LIMITED, 'transient', 7000],
    [503, { 'retry-after': '30' }, CrawlerErrorCode.HTTP_5XX, 'transient', 30_000],
    [429, {}, CrawlerErrorCode.RATE_LIMITED, 'transient', undefined],
  ])('%i %o → %s (%s), retryAfterMs %s', async (status, headers, code, kind, retryAfterMs) => {
    const site = await server((_request, response) => reply(response, status, 'error page', headers));
    const error = await failure(crawler().fetchPage(`${site.origin}/`));
    expect(error).toMatchObject({ code, kind, httpStatus: status, retryAfterMs });
  });

  it('parses Retry-After given as an HTTP date', async () => {
    const site = await server((_request, response) => reply(response, 429, '', { 'retry-after': soon }));
    const error = (await failure(crawler().fetchPage(`${site.origin}/`))) as CrawlerError & { retryAfterMs: number };
    expect(error.retryAfterMs).toBeGreaterThan(60_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(120_000);
  });
});

describe('fetchPage redirects', () => {
  it('follows redirects and reports the final URL and every hop', async () => {
    const site = await server((request, response) => {
      if (request.url === '/a') reply(response, 301, '', { location: '/b' });
      else if (request.url === '/b') reply(response, 302, '', { location: `${site.origin}/c#frag` });
      else if (request.url === '/c') reply(response, 307, '', { location: 'd?x=1' });
      else reply(response, 200, HTML, { 'content-type': 'text/html' });
    });
    const result = await crawler().fetchPage(`${site.origin}/a`);
    expect(result).toMatchObject({
      status: 'fetched',
      url: `${site.origin}/a`,
      finalUrl: `${site.origin}/d?x=1`,
      redirects: [`${site.origin}/b`, `${site.origin}/c`, `${site.origin}/d?x=1`],
    });
  });

  it('detects a redirect loop', async () => {
    const site = await server((request, response) =>
      reply(response, 302, '', { location: request.url === '/a' ? '/b' : '/a' }),
    );
    const error = await failure(crawler().fetchPage(`${site.origin}/a`));
    expect(error.code).toBe(CrawlerErrorCode.REDIRECT_LOOP);
    expect(site.requests).toEqual(['GET /a', 'GET /b']);
  });

  it('stops after maxRedirects hops', async () => {
    const site = await server((request, response) => {
      const n = Number(request.url?.slice(1));
      reply(response, 302, '', { location: `/${n + 1}` });
    });
    const error = await failure(crawler({ maxRedirects: 3 }).fetchPage(`${site.origin}/0`));
    expect(error.code).toBe(CrawlerErrorCode.TOO_MANY_REDIRECTS);
    expect(site.requests).toEqual(['GET /0', 'GET /1', 'GET /2', 'GET /3']);
    expect(error.url).toBe(`${site.origin}/3`);
  });

  it('treats any redirect as too many with maxRedirects 0', async () => {
    const site = await server((_request, response) => reply(response, 301, '', { location: '/x' }));
    const error = await failure(crawler({ maxRedirects: 0 }).fetchPage(`${site.origin}/`));
    expect(error.code).toBe(CrawlerErrorCode.TOO_MANY_REDIRECTS);
  });

  it('refuses a redirect to another scheme', async () => {
    const site = await server((_request, response) => reply(response, 302, '', { location: 'ftp://127.0.0.1/x' }));
    expect((await failure(crawler().fetchPage(`${site.origin}/`))).code).toBe(CrawlerErrorCode.UNSUPPORTED_SCHEME);
  });

  it('fails a redirect without Location', async () => {
    const site = await server((_request, response) => reply(response, 302));
    expect((await failure(crawler().fetchPage(`${site.origin}/`))).code).toBe(CrawlerErrorCode.BAD_REDIRECT);
  });

  it('refuses to start with an unsupported scheme or a bad URL', async () => {
    const c = crawler();
    expect((await failure(c.fetchPage('file:///etc/passwd'))).code).toBe(CrawlerErrorCode.UNSUPPORTED_SCHEME);
    expect((await failure(c.fetchPage('http://'))).code).toBe(CrawlerErrorCode.BAD_URL);
  });
});

describe('fetchPage address policy', () => {
  const resolveTo =
    (table: Record<string, string[]>) =>
    async (host: string): Promise<{ address: string; family: 4 | 6 }[]> => {
      const addresses = table[host];
      if (addresses === undefined) throw Object.assign(new Error(`ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
      return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    };

  it('refuses a host name resolving to 127.0.0.1 when 127.0.0.1 is not allowed, before connecting', async () => {
    const target = await server((_request, response) => reply(response, 200, HTML, { 'content-type': 'text/html' }));
    const c = crawler({ allowHosts: [], lookup: resolveTo({ 'evil.test': ['127.0.0.1'] }) });
    const error = await failure(c.fetchPage(`http://evil.test:${target.port}/`));
    expect(error).toMatchObject({
      code: CrawlerErrorCode.BLOCKED_ADDRESS,
      address: '127.0.0.1',
      category: 'loopback',
    });
    expect(target.connections).toBe(0);
  });

  it('refuses when any one of several resolved addresses is blocked', async () => {
    const target = await server((_request, response) => reply(response, 200, HTML, { 'content-type': 'text/html' }));
    const c = crawler({ allowHosts: [], lookup: resolveTo({ 'mixed.test': ['93.184.216.34', '127.0.0.1'] }) });
    expect((await failure(c.fetchPage(`http://mixed.test:${target.port}/`))).code).toBe(
      CrawlerErrorCode.BLOCKED_ADDRESS,
    );
    expect(target.connections).toBe(0);
  });

  it('connects to a host name that is allow-listed although it resolves to loopback', async () => {
    const target = await server((_request, response) => reply(response, 200, HTML, { 'content-type': 'text/html' }));
    const c = crawler({ allowHosts: ['allowed.test'], lookup: resolveTo({ 'allowed.test': ['127.0.0.1'] }) });
    expect((await c.fetchPage(`http://allowed.test:${target.port}/`)).status).toBe('fetched');
  });

  it.each([
    ['literal IP', (port: number) => `http://127.0.0.1:${port}/`],
    ['resolved host name', (port: number) => `http://evil.test:${port}/`],
  ])('refuses a redirect to a blocked address (%s) without connecting to it', async (_name, location) => {
    const target = await server((_request, response) => reply(response, 200, HTML, { 'content-type': 'text/html' }));
    const start = await server((_request, response) => reply(response, 302, '', { location: location(target.port) }));
    const c = crawler({
      allowHosts: ['allowed.test'],
      lookup: resolveTo({ 'allowed.test': ['127.0.0.1'], 'evil.test': ['127.0.0.1'] }),
    });
    const error = await failure(c.fetchPage(`http://allowed.test:${start.port}/`));
    expect(error.code).toBe(CrawlerErrorCode.BLOCKED_ADDRESS);
    expect(start.connections).toBe(1);
    expect(target.connections).toBe(0);
  });

  it.each([
    ['decimal', (port: number) => `http://2130706433:${port}/`],
    ['hexadecimal', (port: number) => `http://0x7f.1:${port}/`],
    ['octal', (port: number) => `http://0177.0.0.1:${port}/`],
    ['short', (port: number) => `http://127.1:${port}/`],
    ['IPv4-mapped IPv6', (port: number) => `http://[::ffff:127.0.0.1]:${port}/`],
    ['IPv6 loopback', (port: number) => `http://[::1]:${port}/`],
    ['unspecified', (port: number) => `http://0.0.0.0:${port}/`],
  ])('refuses the %s form of a loopback literal', async (_name, url) => {
    const target = await server((_request, response) => reply(response, 200, HTML, { 'content-type': 'text/html' }));
    const error = await failure(crawler({ allowHosts: [] }).fetchPage(url(target.port)));
    expect(error.code).toBe(CrawlerErrorCode.BLOCKED_ADDRESS);
    expect(target.connections).toBe(0);
  });

  it('publishes kumo:crawler:blocked and kumo:crawler:fetch', async () => {
    const site = await server((request, response) =>
      request.url === '/'
        ? reply(response, 302, '', { location: 'http://169.254.169.254/latest/meta-data/' })
        : reply(response, 200, HTML, { 'content-type': 'text/html' }),
    );
    const blocked: BlockedEvent[] = [];
    const fetched: FetchEvent[] = [];
    const onBlocked = (message: unknown): void => void blocked.push(message as BlockedEvent);
    const onFetch = (message: unknown): void => void fetched.push(message as FetchEvent);
    diagnosticsChannel.subscribe('kumo:crawler:blocked', onBlocked);
    diagnosticsChannel.subscribe('kumo:crawler:fetch', onFetch);
    try {
      await failure(crawler().fetchPage(`${site.origin}/`));
      await crawler().fetchPage(`${site.origin}/ok`);
    } finally {
      diagnosticsChannel.unsubscribe('kumo:crawler:blocked', onBlocked);
      diagnosticsChannel.unsubscribe('kumo:crawler:fetch', onFetch);
    }
    expect(blocked).toEqual([
      {
        url: 'http://169.254.169.254/latest/meta-data/',
        host: '169.254.169.254',
        address: '169.254.169.254',
        category: 'metadata',
      },
    ]);
    expect(fetched.map(({ url, status, purpose }) => ({ url, status, purpose }))).toEqual([
      { url: `${site.origin}/`, status: 302, purpose: 'page' },
      { url: `${site.origin}/ok`, status: 200, purpose: 'page' },
    ]);
    expect(fetched[1]?.bytes).toBe(HTML.length);
  });
});
