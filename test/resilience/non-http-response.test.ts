import { randomBytes } from 'node:crypto';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { createCrawler } from '@kumo/crawler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Guards: a server that answers with bytes that are not HTTP (random bytes, another protocol's banner, a broken
// status or header line) fails the page as KUMO_CRAWLER_CONNECTION, transient — like a connection closed early —
// not as the catch-all KUMO_CRAWLER_UNEXPECTED. undici reports these as an HTTPParserError that carries no `code`;
// @kumo/crawler's error mapping recognises it by its class (or an llhttp `HPE_*` code), never by its message.
// faulty-site.test.ts checks the same through the whole pipeline, attempts included.
const ANSWERS: Record<string, () => Buffer> = {
  '/garbage.html': () => Buffer.concat([Buffer.from([0x00, 0xff, 0xfe]), randomBytes(1024)]),
  '/ssh.html': () => Buffer.from('SSH-2.0-OpenSSH_9.6\r\n'),
  '/bad-status.html': () => Buffer.from('HTTP/1.1 twohundred OK\r\n\r\n'),
  '/bad-header.html': () => Buffer.from('HTTP/1.1 200 OK\r\nContent-Type text/html\r\n\r\n<p>x'),
};

let server: net.Server;
let origin: string;

beforeAll(async () => {
  server = net.createServer((socket) => {
    socket.once('data', (data) => {
      const path = /^GET (\S+)/.exec(data.toString('latin1'))?.[1] ?? '/garbage.html';
      socket.end((ANSWERS[path] ?? ANSWERS['/garbage.html']!)());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('a response that is not HTTP', () => {
  it.each(Object.keys(ANSWERS))(
    '%s fails the page as a connection error (KUMO_CRAWLER_CONNECTION), transient',
    async (path) => {
      const crawler = createCrawler({ allowHosts: ['127.0.0.1'] });
      try {
        const outcome = await crawler.crawlPage({
          url: `${origin}${path}`,
          depth: 1,
          scope: 'same-host',
          respectRobots: false,
        });
        expect(outcome.page.status).toBe('failed');
        expect(outcome.transient).toBe(true);
        expect(outcome.page.error?.code).toBe('KUMO_CRAWLER_CONNECTION');
      } finally {
        await crawler.close();
      }
    },
  );
});
