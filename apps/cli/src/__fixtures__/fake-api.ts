import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the fake API received. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export type Route = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

/**
 * A real HTTP server on 127.0.0.1 standing in for kumo's API in the CLI's unit tests: each test registers the
 * routes it needs (`'GET /v1/crawls/c1'`) and reads back what the CLI sent. Unknown routes answer a 404 problem.
 */
export class FakeApi {
  readonly requests: RecordedRequest[] = [];
  readonly routes = new Map<string, Route>();
  readonly #server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake.invalid');
      this.requests.push({ method: req.method ?? '', path: url.pathname + url.search, headers: req.headers, body });
      const route = this.routes.get(`${req.method} ${url.pathname}`);
      if (route) route(req, res, body);
      else problem(res, 404, 'KUMO_API_NOT_FOUND', `no route ${req.method} ${url.pathname}`);
    });
  });

  url = '';

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  route(key: string, handler: Route): this {
    this.routes.set(key, handler);
    return this;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

export function json(res: http.ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
}

export function problem(
  res: http.ServerResponse,
  status: number,
  code: string,
  detail: string,
  errors?: { path: string; message: string }[],
): void {
  res.writeHead(status, { 'content-type': 'application/problem+json' }).end(
    JSON.stringify({
      type: 'about:blank',
      title: http.STATUS_CODES[status],
      status,
      detail,
      code,
      ...(errors ? { errors } : {}),
    }),
  );
}

/** An SSE event as the API writes it. */
export function sse(id: string, type: string, data: unknown): string {
  return `id: ${id}\nevent: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

export const counts = (
  n: Partial<Record<'discovered' | 'fetched' | 'failed' | 'skipped' | 'analyzed', number>> = {},
) => ({
  discovered: 0,
  fetched: 0,
  failed: 0,
  skipped: 0,
  analyzed: 0,
  ...n,
});

export const crawlBody = (id: string, status = 'running') => ({
  id,
  status,
  request: { urls: ['http://127.0.0.1:1/'], maxDepth: 1, maxPages: 100, scope: 'same-host', analyze: true },
  createdAt: '2026-11-22T03:00:00.000Z',
  counts: counts({ discovered: 3, fetched: 2, skipped: 1, analyzed: 2 }),
});

export const pageBody = (url: string, status: 'fetched' | 'failed' | 'skipped' = 'fetched') => ({
  url,
  finalUrl: url,
  depth: 0,
  status,
  ...(status === 'fetched' ? { httpStatus: 200, title: 'くも便り' } : {}),
  ...(status === 'skipped' ? { reason: 'robots' } : {}),
  ...(status === 'failed' ? { error: { code: 'KUMO_CRAWLER_HTTP_STATUS', message: '404' } } : {}),
  timings: {},
});

export const reportBody = (id: string) => ({
  id,
  pages: { fetched: 2, failed: 0 },
  keywords: [
    { term: '東京', reading: 'トウキョウ', score: 1.5, tf: 4, df: 2 },
    { term: '天気', reading: 'テンキ', score: 0.75, tf: 2, df: 1 },
  ],
  phrases: [],
  cooccurrence: [],
  variations: [],
});
