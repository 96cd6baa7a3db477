import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { failure, HTML, streamForever, useFetchHarness } from './__fixtures__/fetch-harness.js';
import { reply, startServer } from './__fixtures__/http-server.js';
import { CrawlerErrorCode } from './errors.js';

// Bodies, content types, size cap, timeouts. Statuses, redirects and the address policy: fetch-page-hops.test.ts;
// mapping thrown errors to codes: fetch-page-errors.test.ts.
const { server, crawler } = useFetchHarness();

describe('fetchPage bodies', () => {
  it.each([
    ['gzip', gzipSync],
    ['x-gzip', gzipSync],
    ['br', brotliCompressSync],
    ['deflate', deflateSync],
    ['deflate', deflateRawSync],
  ])('decodes Content-Encoding %s (%o)', async (encoding, compress) => {
    const body = HTML.repeat(50);
    const site = await server((_request, response) =>
      reply(response, 200, compress(Buffer.from(body)), { 'content-type': 'text/html', 'content-encoding': encoding }),
    );
    const result = await crawler().fetchPage(`${site.origin}/`);
    expect(result.status).toBe('fetched');
    if (result.status !== 'fetched') return;
    expect(result.body.toString()).toBe(body);
    expect(result.bytes).toBeLessThan(body.length);
  });

  it('sends our User-Agent and Accept-Encoding', async () => {
    let seen: Record<string, unknown> = {};
    const site = await server((request, response) => {
      seen = request.headers;
      reply(response, 200, HTML, { 'content-type': 'text/html' });
    });
    await crawler({ userAgent: 'kumo-test/1.0 (+http://127.0.0.1/)' }).fetchPage(`${site.origin}/`);
    expect(seen['user-agent']).toBe('kumo-test/1.0 (+http://127.0.0.1/)');
    expect(seen['accept-encoding']).toBe('gzip, deflate, br');
  });

  it("sends a crawl's headers, which never replace ours whatever their case", async () => {
    let seen: Record<string, unknown> = {};
    const site = await server((request, response) => {
      seen = request.headers;
      reply(response, 200, HTML, { 'content-type': 'text/html' });
    });
    await crawler({ userAgent: 'kumo-test/1.0 (+http://127.0.0.1/)' }).fetchPage(`${site.origin}/`, {
      headers: { 'Accept-Language': 'ja', 'USER-AGENT': 'evil/1.0', 'Accept-Encoding': 'identity' },
    });
    expect(seen['accept-language']).toBe('ja');
    expect(seen['user-agent']).toBe('kumo-test/1.0 (+http://127.0.0.1/)');
    expect(seen['accept-encoding']).toBe('gzip, deflate, br');
  });

  it('fails with DECODE for an unknown Content-Encoding', async () => {
    const site = await server((_request, response) =>
      reply(response, 200, 'x', { 'content-type': 'text/html', 'content-encoding': 'zstd' }),
    );
    expect((await failure(crawler().fetchPage(`${site.origin}/`))).code).toBe(CrawlerErrorCode.DECODE);
  });

  it('fails with DECODE for a corrupt gzip body', async () => {
    const site = await server((_request, response) =>
      reply(response, 200, Buffer.from('definitely not gzip'), {
        'content-type': 'text/html',
        'content-encoding': 'gzip',
      }),
    );
    expect((await failure(crawler().fetchPage(`${site.origin}/`))).code).toBe(CrawlerErrorCode.DECODE);
  });
});

describe('fetchPage content types', () => {
  it.each(['application/octet-stream', 'image/png', 'text/plain; charset=euc-jp', 'application/pdf'])(
    'skips %s without downloading it',
    async (type) => {
      const site = await server((_request, response) => streamForever(response, { 'content-type': type }));
      const result = await crawler().fetchPage(`${site.origin}/file`);
      expect(result).toMatchObject({ status: 'skipped', reason: 'content-type', httpStatus: 200 });
      // The server streams forever: its socket only closes because we aborted.
      await site.socketsClosed();
    },
  );

  it.each(['text/html; charset=utf-8', 'application/xhtml+xml'])('reads %s', async (type) => {
    const site = await server((_request, response) => reply(response, 200, HTML, { 'content-type': type }));
    expect((await crawler().fetchPage(`${site.origin}/`)).status).toBe('fetched');
  });

  it('sniffs a body without Content-Type: HTML is read', async () => {
    const site = await server((_request, response) => reply(response, 200, `  \n${HTML}`));
    const result = await crawler().fetchPage(`${site.origin}/`);
    expect(result.status).toBe('fetched');
  });

  it('sniffs a body without Content-Type: anything else is skipped and not downloaded', async () => {
    const site = await server((_request, response) => streamForever(response, {}, '%PDF-1.4\n'));
    const result = await crawler().fetchPage(`${site.origin}/`);
    expect(result).toMatchObject({ status: 'skipped', reason: 'content-type' });
    await site.socketsClosed();
  });

  it('reads anything with accept: any', async () => {
    const site = await server((_request, response) =>
      reply(response, 200, 'User-agent: *', { 'content-type': 'text/plain' }),
    );
    const result = await crawler().fetchPage(`${site.origin}/robots.txt`, { accept: 'any' });
    expect(result.status).toBe('fetched');
  });
});

describe('fetchPage size cap', () => {
  it('aborts a body that never ends as soon as it crosses the cap', async () => {
    const site = await server((_request, response) => streamForever(response, { 'content-type': 'text/html' }));
    const error = await failure(crawler({ maxBodyBytes: 100_000 }).fetchPage(`${site.origin}/big`));
    expect(error.code).toBe(CrawlerErrorCode.TOO_LARGE);
    expect(error.kind).toBe('permanent');
    expect(error.url).toBe(`${site.origin}/big`);
    await site.socketsClosed();
  });

  it('refuses a declared Content-Length over the cap before reading', async () => {
    const site = await server((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html', 'content-length': 10_000_000 });
      response.write('<html>');
    });
    const error = await failure(crawler({ maxBodyBytes: 100_000 }).fetchPage(`${site.origin}/`));
    expect(error.code).toBe(CrawlerErrorCode.TOO_LARGE);
    await site.socketsClosed();
  });

  it('stops a gzip bomb: small on the wire, over the cap once decoded', async () => {
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(100_000);
    const site = await server((_request, response) =>
      reply(response, 200, bomb, { 'content-type': 'text/html', 'content-encoding': 'gzip' }),
    );
    const error = await failure(crawler({ maxBodyBytes: 1_000_000 }).fetchPage(`${site.origin}/`));
    expect(error.code).toBe(CrawlerErrorCode.TOO_LARGE);
  });

  it('truncates instead when asked to (robots.txt)', async () => {
    const site = await server((_request, response) => streamForever(response, { 'content-type': 'text/plain' }));
    const result = await crawler({ maxBodyBytes: 50_000 }).fetchPage(`${site.origin}/`, {
      accept: 'any',
      onTooLarge: 'truncate',
    });
    expect(result).toMatchObject({ status: 'fetched', truncated: true });
    if (result.status === 'fetched') expect(result.body.length).toBe(50_000);
    await site.socketsClosed();
  });
});

describe('fetchPage timeouts and connection errors', () => {
  it('times out a server that never answers', async () => {
    const site = await server(() => undefined);
    const error = await failure(crawler({ headersTimeoutMs: 200 }).fetchPage(`${site.origin}/`));
    expect(error.code).toBe(CrawlerErrorCode.TIMEOUT);
    expect(error.kind).toBe('transient');
  });

  it('times out a body that stalls', async () => {
    const site = await server((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.write('<html><body>');
    });
    const error = await failure(crawler({ bodyTimeoutMs: 200 }).fetchPage(`${site.origin}/`));
    expect(error.code).toBe(CrawlerErrorCode.TIMEOUT);
  });

  it('times out a slow drip under the whole-request deadline', async () => {
    const site = await server((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      const timer = setInterval(() => response.write('<p>'), 20);
      response.on('close', () => clearInterval(timer));
    });
    const error = await failure(crawler({ requestTimeoutMs: 300 }).fetchPage(`${site.origin}/`));
    expect(error.code).toBe(CrawlerErrorCode.TIMEOUT);
    await site.socketsClosed();
  });

  it('reports a refused connection as CONNECTION, transient', async () => {
    const site = await startServer(() => undefined);
    await site.close();
    const error = await failure(crawler().fetchPage(`${site.origin}/`));
    expect(error.code).toBe(CrawlerErrorCode.CONNECTION);
    expect(error.kind).toBe('transient');
  });

  it('reports a reset connection as CONNECTION', async () => {
    const site = await server((request) => request.socket.destroy());
    expect((await failure(crawler().fetchPage(`${site.origin}/`))).code).toBe(CrawlerErrorCode.CONNECTION);
  });

  it.each([
    ['random bytes', Buffer.concat([Buffer.from([0x00, 0xff, 0xfe]), Buffer.alloc(1024, 0x9c)])],
    ['another protocol', Buffer.from('SSH-2.0-OpenSSH_9.6\r\n')],
    ['a broken header line', Buffer.from('HTTP/1.1 200 OK\r\nno colon here\r\n\r\nhi')],
    ['a bad chunk size', Buffer.from('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\nhi\r\n0\r\n\r\n')],
  ])('reports an answer that is not HTTP (%s) as CONNECTION, transient', async (_name, bytes) => {
    const site = await server((request) => void request.socket.end(bytes));
    const error = await failure(crawler().fetchPage(`${site.origin}/`));
    expect({ code: error.code, kind: error.kind }).toEqual({ code: CrawlerErrorCode.CONNECTION, kind: 'transient' });
  });

  it('reports a 100 KB response header as HEADERS_TOO_LARGE, permanent (not UNEXPECTED)', async () => {
    const site = await server((_request, response) =>
      reply(response, 200, HTML, { 'content-type': 'text/html', 'x-padding': 'a'.repeat(100_000) }),
    );
    const error = await failure(crawler().fetchPage(`${site.origin}/`));
    expect({ code: error.code, kind: error.kind }).toEqual({
      code: CrawlerErrorCode.HEADERS_TOO_LARGE,
      kind: 'permanent',
    });
  });

  it('reports an unknown host as DNS, permanent', async () => {
    const lookup = async (): Promise<never> => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.test'), { code: 'ENOTFOUND' });
    };
    const error = await failure(crawler({ lookup }).fetchPage('http://nowhere.test/'));
    expect(error.code).toBe(CrawlerErrorCode.DNS);
    expect(error.kind).toBe('permanent');
  });

  it('aborts when the caller signal fires', async () => {
    const site = await server(() => undefined);
    const controller = new AbortController();
    const pending = crawler().fetchPage(`${site.origin}/`, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    expect((await failure(pending)).code).toBe(CrawlerErrorCode.ABORTED);
  });
});
