import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCrawlClient, type CrawlClient } from '../helpers/crawl-harness.js';
import { expectCompleteCrawl, submitCrawl, waitForEnd, type ExpectedOutcome } from './helpers/crawl-checks.js';
import { startDedicatedRedis, type DedicatedRedis } from './helpers/dedicated-redis.js';
import { html, linkPage, startRouteServer, type RouteHandler, type RouteServer } from './helpers/route-server.js';
import { KumoSystem } from './helpers/system.js';

const ATTEMPTS = 3;
let redis: DedicatedRedis;
let system: KumoSystem;
let client: CrawlClient;
let server: RouteServer | undefined;

beforeAll(async () => {
  redis = await startDedicatedRedis('faulty-site');
  system = await KumoSystem.start({
    redisUrl: redis.url,
    overrides: {
      CRAWL_ATTEMPTS: String(ATTEMPTS),
      CRAWL_RETRY_BACKOFF_MS: '50',
      CRAWL_HEADERS_TIMEOUT_MS: '1000',
      CRAWL_BODY_TIMEOUT_MS: '1000',
    },
  });
  client = openCrawlClient({ redisUrl: redis.url, prefix: system.prefix });
});

afterAll(async () => {
  await system?.stop();
  await client?.close();
  await server?.close();
  await redis?.close();
});

const ok = linkPage('正常なページ', []);

/** One misbehaving path: how the server answers, what the crawl must record, how many requests it may make. */
interface FaultCase {
  path: string;
  handler: RouteHandler;
  expected: ExpectedOutcome;
  requests: number;
}

const FAULTS: FaultCase[] = [
  {
    path: '/http-500.html',
    handler: (_req, res) => void res.writeHead(500, { 'content-type': 'text/html' }).end('<h1>500</h1>'),
    expected: { status: 'failed', code: 'KUMO_CRAWLER_HTTP_5XX', httpStatus: 500 },
    requests: ATTEMPTS,
  },
  {
    path: '/http-503.html',
    handler: (_req, res) => void res.writeHead(503, { 'retry-after': '1' }).end('unavailable'),
    expected: { status: 'failed', code: 'KUMO_CRAWLER_HTTP_5XX', httpStatus: 503 },
    requests: ATTEMPTS,
  },
  {
    path: '/http-429.html',
    handler: (_req, res) => void res.writeHead(429, { 'retry-after': '1' }).end('slow down'),
    expected: { status: 'failed', code: 'KUMO_CRAWLER_RATE_LIMITED', httpStatus: 429 },
    requests: ATTEMPTS,
  },
  {
    path: '/drop.html',
    handler: (req) => void req.socket.destroy(),
    expected: { status: 'failed', code: 'KUMO_CRAWLER_CONNECTION' },
    requests: ATTEMPTS,
  },
  {
    // Not HTTP at all: random bytes where the status line should be.
    path: '/garbage-http.html',
    handler: (req) => void req.socket.end(Buffer.concat([Buffer.from([0x00, 0xff, 0xfe]), randomBytes(1024)])),
    // Like a connection closed early (see non-http-response.test.ts).
    expected: { status: 'failed', code: 'KUMO_CRAWLER_CONNECTION' },
    requests: ATTEMPTS,
  },
  {
    path: '/no-headers.html',
    handler: () => undefined, // never answers: CRAWL_HEADERS_TIMEOUT_MS
    expected: { status: 'failed', code: 'KUMO_CRAWLER_TIMEOUT' },
    requests: ATTEMPTS,
  },
  {
    path: '/stalled-body.html',
    handler: (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html', 'content-length': 100_000 });
      res.write('<!DOCTYPE html><title>stalled</title><p>'); // then nothing: CRAWL_BODY_TIMEOUT_MS
    },
    expected: { status: 'failed', code: 'KUMO_CRAWLER_TIMEOUT' },
    requests: ATTEMPTS,
  },
  {
    path: '/cut-body.html',
    handler: (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html', 'content-length': 100_000 });
      res.write('<!DOCTYPE html><title>cut</title><p>', () => res.socket?.destroy());
    },
    expected: { status: 'failed', code: 'KUMO_CRAWLER_CONNECTION' },
    requests: ATTEMPTS,
  },
  {
    // A well-formed 200 whose body is random bytes: a page like any other (decoded as best it can be), not retried.
    path: '/garbage-body.html',
    handler: (_req, res) => void res.writeHead(200, { 'content-type': 'text/html' }).end(randomBytes(2048)),
    expected: { status: 'fetched', httpStatus: 200 },
    requests: 1,
  },
  {
    path: '/missing.html',
    handler: (_req, res) => void res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>404</h1>'),
    expected: { status: 'failed', code: 'KUMO_CRAWLER_HTTP_4XX', httpStatus: 404 },
    requests: 1, // permanent: never retried
  },
  {
    path: '/flaky-503.html',
    handler: (req, res, count) => (count === 1 ? void res.writeHead(503).end() : html(ok)(req, res, count)),
    expected: { status: 'fetched', httpStatus: 200 },
    requests: 2,
  },
  {
    path: '/flaky-drop.html',
    handler: (req, res, count) => (count === 1 ? void req.socket.destroy() : html(ok)(req, res, count)),
    expected: { status: 'fetched', httpStatus: 200 },
    requests: 2,
  },
  {
    path: '/ok.html',
    handler: html(ok),
    expected: { status: 'fetched', httpStatus: 200 },
    requests: 1,
  },
];

// Generated sites with the sample server's faults (many pages, retries that recover): faulty-site-generated.slow.test.ts.
describe('a site that is slow, drops connections, answers 5xx and garbage', () => {
  it(`fails each bad page with a coded error after ${ATTEMPTS} attempts and completes the crawl`, async () => {
    const routes: Record<string, RouteHandler> = {
      '/index.html': html(
        linkPage(
          '障害のあるサイト',
          FAULTS.map((fault) => fault.path),
        ),
      ),
    };
    for (const fault of FAULTS) routes[fault.path] = fault.handler;
    server = await startRouteServer(routes);

    const id = await submitCrawl(system, { urls: [`${server.url}/index.html`], maxDepth: 1 });
    expect((await waitForEnd(client.state, id)).status).toBe('completed');
    const expected = new Map<string, ExpectedOutcome>([
      [`${server.url}/index.html`, { status: 'fetched', httpStatus: 200 }],
    ]);
    for (const fault of FAULTS) expected.set(`${server.url}${fault.path}`, fault.expected);
    const pages = await expectCompleteCrawl(system, client.queues, id, expected);

    for (const fault of FAULTS) {
      expect(server.requests.get(fault.path), `requests of ${fault.path}`).toBe(fault.requests);
      const page = pages.get(`${server.url}${fault.path}`)!;
      if (page.status === 'failed') expect(page.error?.message.length, fault.path).toBeGreaterThan(0);
    }
  });
});
