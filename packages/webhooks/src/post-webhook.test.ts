import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AddressPolicy, createSafeAgent } from '@kumo/crawler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postWebhook } from './post-webhook.js';

/** A receiver on 127.0.0.1 whose answer each test chooses by path. */
interface Received {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}
const received: Received[] = [];
let server: http.Server;
let base: string;
let port: number;

const allowLoopback = createSafeAgent({ policy: new AddressPolicy(['127.0.0.1']) });
const defaultPolicy = createSafeAgent({ policy: new AddressPolicy([]) });

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      if (req.url === '/ok') res.writeHead(204).end();
      else if (req.url === '/error') res.writeHead(500).end('no');
      else if (req.url === '/redirect') res.writeHead(302, { location: '/ok' }).end();
      else if (req.url === '/large') res.writeHead(200).end(Buffer.alloc(8 * 1024 * 1024, 'x'));
      // '/hang' never answers
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await Promise.all([allowLoopback.close(), defaultPolicy.close()]);
});

function post(path: string, options: { agent?: typeof allowLoopback; url?: string; timeoutMs?: number } = {}) {
  return postWebhook(
    options.url ?? `${base}${path}`,
    '{"id":"c1"}',
    { 'kumo-event': 'crawl.finished' },
    {
      dispatcher: options.agent ?? allowLoopback,
      timeoutMs: options.timeoutMs ?? 5000,
    },
  );
}

function requestsTo(path: string): number {
  return received.filter((request) => request.path === path).length;
}

describe('postWebhook', () => {
  it('POSTs the JSON body with the given headers and resolves with a 2xx status', async () => {
    await expect(post('/ok')).resolves.toEqual({ status: 204 });
    const request = received.find((entry) => entry.path === '/ok')!;
    expect(request.method).toBe('POST');
    expect(request.body).toBe('{"id":"c1"}');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['kumo-event']).toBe('crawl.finished');
  });

  it('rejects a non-2xx answer with a transient coded error carrying the status', async () => {
    await expect(post('/error')).rejects.toMatchObject({
      code: 'KUMO_WEBHOOKS_HTTP_STATUS',
      kind: 'transient',
      status: 500,
    });
  });

  it('does not follow a redirect: a 3xx is a failed attempt', async () => {
    const before = requestsTo('/ok');
    await expect(post('/redirect')).rejects.toMatchObject({ code: 'KUMO_WEBHOOKS_HTTP_STATUS', status: 302 });
    expect(requestsTo('/ok')).toBe(before);
  });

  it('gives up on a receiver that does not answer within the deadline (transient)', async () => {
    await expect(post('/hang', { timeoutMs: 300 })).rejects.toMatchObject({
      code: 'KUMO_WEBHOOKS_TIMEOUT',
      kind: 'transient',
    });
  });

  it('reads a large answer only up to the limit', async () => {
    await expect(post('/large')).resolves.toEqual({ status: 200 });
  });

  it.each([
    ['a loopback IP', () => `${base}/ok`],
    ['a host name resolving to loopback', () => `http://localhost:${port}/ok`],
  ])('refuses %s the policy does not allow, at connect time, as permanent', async (_name, url) => {
    const before = requestsTo('/ok');
    await expect(post('/ok', { agent: defaultPolicy, url: url() })).rejects.toMatchObject({
      code: 'KUMO_WEBHOOKS_BLOCKED_ADDRESS',
      kind: 'permanent',
    });
    expect(requestsTo('/ok')).toBe(before);
  });

  it('reports a closed port as a transient connection error', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(post('/ok', { url: `http://127.0.0.1:${closedPort}/ok` })).rejects.toMatchObject({
      code: 'KUMO_WEBHOOKS_CONNECTION',
      kind: 'transient',
    });
  });
});
