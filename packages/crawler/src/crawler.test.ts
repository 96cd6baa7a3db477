import { pageResultSchema } from '@kumo/contract';
import type { ServerResponse } from 'node:http';
import { Agent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { encode } from './__fixtures__/encode.js';
import { reply, startServer, type TestServer } from './__fixtures__/http-server.js';
import { createCrawler, type Crawler } from './crawler.js';
import { CrawlerOptionsError } from './errors.js';
import { CRAWLER_DEFAULTS, resolveCrawlerOptions, type CrawlerOptions } from './options.js';

describe('createCrawler options', () => {
  it('applies the documented defaults', () => {
    expect(resolveCrawlerOptions({})).toMatchObject({
      connectTimeoutMs: 10_000,
      headersTimeoutMs: 15_000,
      bodyTimeoutMs: 30_000,
      maxBodyBytes: 5 * 1024 * 1024,
      maxRedirects: 5,
      maxTextChars: 500_000,
      allowHosts: [],
      connectionsPerOrigin: 8,
    });
    expect(resolveCrawlerOptions({ maxRedirects: undefined }).maxRedirects).toBe(CRAWLER_DEFAULTS.maxRedirects);
  });

  it.each([
    [{ connectTimeoutMs: 0 }, /connectTimeoutMs must be an integer of at least 1 \(got 0\)/],
    [{ headersTimeoutMs: -1 }, /headersTimeoutMs/],
    [{ bodyTimeoutMs: 1.5 }, /bodyTimeoutMs/],
    [{ maxBodyBytes: Number.NaN }, /maxBodyBytes/],
    [{ maxRedirects: -1 }, /maxRedirects must be a non-negative integer/],
    [{ connectionsPerOrigin: 0 }, /connectionsPerOrigin/],
    [{ maxTextChars: 0 }, /maxTextChars must be an integer of at least 1/],
    [{ userAgent: '' }, /userAgent must be a non-empty single-line string/],
    [{ userAgent: 'a\r\nX-Injected: 1' }, /userAgent/],
    [{ allowHosts: ['10.0.0.0/99'] }, /allowHosts entry "10.0.0.0\/99"/],
    [{ allowHosts: 'localhost' as unknown as string[] }, /allowHosts must be an array/],
    [{ lookup: 'dns' as unknown as CrawlerOptions['lookup'] }, /lookup must be a function/],
  ] as [CrawlerOptions, RegExp][])('rejects %o naming the option', (options, message) => {
    let caught: unknown;
    try {
      createCrawler(options);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CrawlerOptionsError);
    expect(caught).toMatchObject({ code: 'KUMO_CRAWLER_INVALID_OPTIONS', kind: 'critical' });
    expect((caught as Error).message).toMatch(message);
  });

  it('closes its own agent once, and leaves an injected dispatcher open', async () => {
    const own = createCrawler();
    await Promise.all([own.close(), own.close()]);
    expect((own.dispatcher as Agent).closed).toBe(true);

    const injected = new Agent();
    const borrowing = createCrawler({ dispatcher: injected });
    await borrowing.close();
    expect(injected.closed).toBe(false);
    await injected.close();
  });
});

const JAPANESE = '形態素解析のための日本語ページです。カタカナとひらがなも入っています。';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((close) => close()));
});

async function server(handler: (path: string, response: ServerResponse) => void): Promise<TestServer> {
  const started = await startServer((request, response) => {
    if (request.url === '/robots.txt') reply(response, 404);
    else handler(request.url ?? '/', response);
  });
  cleanup.push(() => started.close());
  return started;
}

function crawler(options: CrawlerOptions = {}): Crawler {
  const created = createCrawler({
    allowHosts: ['127.0.0.1'],
    // Every test host name is this machine; the allow-list above lets the loopback address through.
    lookup: async () => [{ address: '127.0.0.1', family: 4 }],
    ...options,
  });
  cleanup.push(() => created.close());
  return created;
}

function html(head: string, body: string): string {
  return `<!DOCTYPE html><html lang="ja"><head>${head}<title>日本語の題名</title></head><body>${body}</body></html>`;
}

describe('crawlPage encodings over HTTP', () => {
  const table: [name: string, bytes: Buffer, contentType: string, charset: string][] = [
    [
      'declared shift_jis (header)',
      encode(html('', `<p>${JAPANESE}</p>`), 'shift_jis'),
      'text/html; charset=Shift_JIS',
      'shift_jis',
    ],
    [
      'declared euc-jp (meta)',
      encode(html('<meta charset="euc-jp">', `<p>${JAPANESE}</p>`), 'euc-jp'),
      'text/html',
      'euc-jp',
    ],
    [
      'declared iso-2022-jp (meta http-equiv)',
      encode(
        html('<meta http-equiv="Content-Type" content="text/html; charset=iso-2022-jp">', `<p>${JAPANESE}</p>`),
        'iso-2022-jp',
      ),
      'text/html',
      'iso-2022-jp',
    ],
    ['utf-8 with BOM', encode(html('', `<p>${JAPANESE}</p>`), 'utf-8', true), 'text/html', 'utf-8'],
    ['undeclared EUC-JP', encode(html('', `<p>${JAPANESE}</p>`), 'euc-jp'), 'text/html', 'euc-jp'],
    ['undeclared Shift_JIS', encode(html('', `<p>${JAPANESE}</p>`), 'shift_jis'), 'text/html', 'shift_jis'],
    [
      'header charset overriding meta',
      encode(html('<meta charset="shift_jis">', `<p>${JAPANESE}</p>`), 'euc-jp'),
      'text/html; charset=EUC-JP',
      'euc-jp',
    ],
    [
      'cp932 label in the header',
      encode(html('', `<p>${JAPANESE}①</p>`), 'cp932'),
      'text/html; charset=cp932',
      'shift_jis',
    ],
  ];
  it.each(table)('%s → %s', async (_name, bytes, contentType, charset) => {
    const site = await server((_path, response) => reply(response, 200, bytes, { 'content-type': contentType }));
    const outcome = await crawler().crawlPage({ url: `${site.origin}/page.html`, depth: 0, scope: 'same-host' });
    expect(pageResultSchema.parse(outcome.page)).toEqual(outcome.page);
    expect(outcome.page).toMatchObject({
      status: 'fetched',
      charset,
      title: '日本語の題名',
      lang: 'ja',
      httpStatus: 200,
      contentType: contentType.split(';')[0],
      bytes: bytes.length,
      textLength: outcome.text.length,
    });
    expect(outcome.text).toContain(JAPANESE);
    expect(outcome.text).not.toContain('\uFFFD');
    expect(outcome.page.timings.fetchMs).toBeGreaterThanOrEqual(0);
    expect(outcome.page.timings.parseMs).toBeGreaterThanOrEqual(0);
  });

  it('decodes the label ascii as windows-1252', async () => {
    const body = Buffer.from(
      html('<meta http-equiv="Content-Type" content="text/html; charset=ascii">', '<p>caf\xe9</p>'),
      'latin1',
    );
    const site = await server((_path, response) => reply(response, 200, body, { 'content-type': 'text/html' }));
    const outcome = await crawler().crawlPage({ url: `${site.origin}/`, depth: 0, scope: 'same-host' });
    expect(outcome.page.charset).toBe('windows-1252');
    expect(outcome.text).toContain('café');
  });
});

describe('crawlPage links and scope', () => {
  async function linkSite(): Promise<TestServer> {
    return server((_path, response) => {
      const port = site.port;
      reply(
        response,
        200,
        html(
          '',
          `<a href="/same">same host</a>
           <a href="http://b.example.co.jp:${port}/sibling">same site</a>
           <a href="http://other.example.org:${port}/elsewhere">other site</a>
           <a href="mailto:x@example.co.jp">mail</a> <a href="#top">top</a>`,
        ),
        { 'content-type': 'text/html; charset=utf-8' },
      );
    });
  }
  let site: TestServer;

  it.each([
    ['same-host', ['/same']],
    ['same-site', ['/same', 'b:/sibling']],
    ['any', ['/same', 'b:/sibling', 'o:/elsewhere']],
  ] as const)('under %s follows %j', async (scope, expected) => {
    site = await linkSite();
    const base = `http://a.example.co.jp:${site.port}`;
    const outcome = await crawler().crawlPage({ url: `${base}/`, depth: 0, scope });
    const full = expected.map((link) =>
      link.startsWith('b:')
        ? `http://b.example.co.jp:${site.port}${link.slice(2)}`
        : link.startsWith('o:')
          ? `http://other.example.org:${site.port}${link.slice(2)}`
          : `${base}${link}`,
    );
    expect(outcome.links).toEqual(full);
    expect(outcome.page.links).toBe(full.length);
  });

  it('judges scope against the seeds, not the page', async () => {
    site = await linkSite();
    const outcome = await crawler().crawlPage({
      url: `http://a.example.co.jp:${site.port}/`,
      depth: 1,
      scope: 'same-host',
      seedUrls: [`http://other.example.org:${site.port}/`],
    });
    expect(outcome.links).toEqual([`http://other.example.org:${site.port}/elsewhere`]);
  });

  it.each([
    ['meta robots', '<meta name="robots" content="noindex,nofollow">', {}],
    ['X-Robots-Tag header', '', { 'x-robots-tag': 'noarchive, nofollow' }],
  ])('follows no links with %s', async (_name, head, headers) => {
    const target = await server((_path, response) =>
      reply(response, 200, html(head, '<a href="/x">x</a>'), { 'content-type': 'text/html', ...headers }),
    );
    const outcome = await crawler().crawlPage({ url: `${target.origin}/`, depth: 0, scope: 'any' });
    expect(outcome).toMatchObject({ nofollow: true, links: [] });
    expect(outcome.page.links).toBe(0);
  });

  it('keeps every link of the page as outLinks, followable or not, nofollow included', async () => {
    const target = await server((_path, response) =>
      reply(
        response,
        200,
        html(
          '<meta name="robots" content="nofollow">',
          '<a href="/x#top">x</a> <a href="https://elsewhere.test/p">p</a> <a href="mailto:a@b.c">m</a> <a href="/x">x</a>',
        ),
        { 'content-type': 'text/html' },
      ),
    );
    const outcome = await crawler().crawlPage({ url: `${target.origin}/`, depth: 0, scope: 'same-host' });
    expect(outcome.links).toEqual([]);
    expect(outcome.outLinks).toEqual([`${target.origin}/x`, 'https://elsewhere.test/p']);
  });

  it('lets a seed redirect to another host and takes that host as in scope', async () => {
    const target = await server((path, response) =>
      path === '/'
        ? reply(response, 301, '', { location: `http://www.example.com:${target.port}/home` })
        : reply(response, 200, html('', '<a href="/next">next</a>'), { 'content-type': 'text/html' }),
    );
    const outcome = await crawler().crawlPage({
      url: `http://example.com:${target.port}/`,
      depth: 0,
      scope: 'same-host',
    });
    expect(outcome.page).toMatchObject({ status: 'fetched', finalUrl: `http://www.example.com:${target.port}/home` });
    expect(outcome.links).toEqual([`http://www.example.com:${target.port}/next`]);
  });

  it('does not follow a redirect out of scope below the seeds', async () => {
    const target = await server((path, response) =>
      path === '/moved'
        ? reply(response, 302, '', { location: `http://elsewhere.test:${target.port}/page` })
        : reply(response, 200, html('', 'x'), { 'content-type': 'text/html' }),
    );
    const outcome = await crawler().crawlPage({
      url: `http://example.com:${target.port}/moved`,
      depth: 2,
      scope: 'same-host',
    });
    expect(outcome.page).toMatchObject({ status: 'skipped', reason: 'out-of-scope' });
    expect(target.requests).toEqual(['GET /robots.txt', 'GET /moved']);
  });
});

describe('crawlPage include and exclude', () => {
  const page = html(
    '',
    '<a href="/blog/a">a</a> <a href="/blog/drafts/b">b</a> <a href="/about">about</a> <a href="/blog/c?x=1">c</a>',
  );

  it('follows only links that match some include and no exclude, on top of scope', async () => {
    const target = await server((_path, response) => reply(response, 200, page, { 'content-type': 'text/html' }));
    const outcome = await crawler().crawlPage({
      url: `${target.origin}/`,
      depth: 0,
      scope: 'same-host',
      include: [`${target.origin}/blog/**`],
      exclude: ['**/drafts/**'],
    });
    expect(outcome.links).toEqual([`${target.origin}/blog/a`, `${target.origin}/blog/c?x=1`]);
    expect(outcome.page.links).toBe(2);
  });

  it('fetches a seed that matches no include, and skips a redirect below the seeds to an excluded URL', async () => {
    const target = await server((path, response) =>
      path === '/old'
        ? reply(response, 301, '', { location: `${target.origin}/blog/drafts/b` })
        : reply(response, 200, page, { 'content-type': 'text/html' }),
    );
    const patterns = { include: ['**/blog/**'], exclude: ['**/drafts/**'] };
    const seed = await crawler().crawlPage({ url: `${target.origin}/`, depth: 0, scope: 'same-host', ...patterns });
    expect(seed.page.status).toBe('fetched');
    const moved = await crawler().crawlPage({ url: `${target.origin}/old`, depth: 1, scope: 'same-host', ...patterns });
    expect(moved.page).toMatchObject({ status: 'skipped', reason: 'out-of-scope' });
  });
});

describe('crawlPage onFetched', () => {
  it('reports the end of the request once, before the page is parsed, with its fetch time', async () => {
    const site = await server((_path, response) =>
      reply(response, 200, html('', '<a href="/next">次</a>'), { 'content-type': 'text/html; charset=utf-8' }),
    );
    const calls: number[] = [];
    const outcome = await crawler().crawlPage({
      url: `http://a.example.co.jp:${site.port}/`,
      depth: 0,
      scope: 'same-host',
      onFetched: (fetchMs) => calls.push(fetchMs),
    });
    expect(outcome.page.status).toBe('fetched');
    expect(calls).toEqual([outcome.page.timings.fetchMs]);
    expect(outcome.page.timings.parseMs).toBeDefined();
  });
});

describe('crawlPage failures never throw', () => {
  it.each([
    [
      '404',
      (r: ServerResponse) => reply(r, 404, 'gone'),
      { status: 'failed', httpStatus: 404, error: { code: 'KUMO_CRAWLER_HTTP_4XX' } },
      false,
    ],
    [
      '500',
      (r: ServerResponse) => reply(r, 500, 'oops'),
      { status: 'failed', httpStatus: 500, error: { code: 'KUMO_CRAWLER_HTTP_5XX' } },
      true,
    ],
    [
      'non-HTML',
      (r: ServerResponse) => reply(r, 200, '%PDF', { 'content-type': 'application/pdf' }),
      { status: 'skipped', reason: 'content-type', contentType: 'application/pdf', httpStatus: 200 },
      false,
    ],
    [
      'too large',
      (r: ServerResponse) => reply(r, 200, `<p>${'x'.repeat(5000)}</p>`, { 'content-type': 'text/html' }),
      { status: 'skipped', reason: 'too-large', error: { code: 'KUMO_CRAWLER_TOO_LARGE' } },
      false,
    ],
    ['timeout', () => undefined, { status: 'failed', error: { code: 'KUMO_CRAWLER_TIMEOUT' } }, true],
  ])('%s', async (_name, respond, expected, transient) => {
    const target = await server((_path, response) => respond(response));
    const c = crawler({ maxBodyBytes: 2048, headersTimeoutMs: 200 });
    const outcome = await c.crawlPage({ url: `${target.origin}/p`, depth: 1, scope: 'same-host' });
    expect(pageResultSchema.parse(outcome.page)).toEqual(outcome.page);
    expect(outcome.page).toMatchObject({
      url: `${target.origin}/p`,
      finalUrl: `${target.origin}/p`,
      depth: 1,
      ...expected,
    });
    expect(outcome).toMatchObject({ transient, links: [], text: '' });
  });

  it('carries Retry-After of a 429', async () => {
    const target = await server((_path, response) => reply(response, 429, '', { 'retry-after': '12' }));
    const outcome = await crawler().crawlPage({ url: `${target.origin}/p`, depth: 0, scope: 'same-host' });
    expect(outcome).toMatchObject({ transient: true, retryAfterMs: 12_000 });
    expect(outcome.page.error?.code).toBe('KUMO_CRAWLER_RATE_LIMITED');
  });

  it('reports the hop that failed as finalUrl', async () => {
    const target = await server((path, response) =>
      path === '/a' ? reply(response, 302, '', { location: '/b' }) : reply(response, 404),
    );
    const outcome = await crawler().crawlPage({ url: `${target.origin}/a`, depth: 0, scope: 'same-host' });
    expect(outcome.page).toMatchObject({ status: 'failed', finalUrl: `${target.origin}/b`, httpStatus: 404 });
  });

  it.each([
    ['not a url', 'KUMO_CRAWLER_BAD_URL'],
    ['ftp://example.com/', 'KUMO_CRAWLER_UNSUPPORTED_SCHEME'],
  ])('fails %j with %s', async (url, code) => {
    const outcome = await crawler().crawlPage({ url, depth: 0, scope: 'same-host' });
    expect(pageResultSchema.parse(outcome.page)).toMatchObject({ status: 'failed', url, error: { code } });
    expect(outcome.transient).toBe(false);
  });

  it('fails a blocked address with a permanent error', async () => {
    const target = await server((_path, response) =>
      reply(response, 200, html('', 'x'), { 'content-type': 'text/html' }),
    );
    const outcome = await crawler({ allowHosts: [] }).crawlPage({
      url: `http://evil.test:${target.port}/`,
      depth: 0,
      scope: 'same-host',
      respectRobots: false,
    });
    expect(outcome.page).toMatchObject({ status: 'failed', error: { code: 'KUMO_CRAWLER_BLOCKED_ADDRESS' } });
    expect(outcome.transient).toBe(false);
    expect(target.connections).toBe(0);
  });
});
