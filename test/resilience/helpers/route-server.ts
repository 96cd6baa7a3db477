import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** Answers one request; `count` is how many requests this path has had, this one included (1 on the first). */
export type RouteHandler = (req: http.IncomingMessage, res: http.ServerResponse, count: number) => void;

/** A test server with one handler per path, on a loopback address, that counts what reaches it. */
export interface RouteServer {
  /** `http://HOST:PORT`. */
  readonly url: string;
  readonly port: number;
  /** Requests per path (query dropped). */
  readonly requests: Map<string, number>;
  /** TCP connections accepted so far. */
  readonly connections: number;
  /** Sockets that closed before their response finished (client went away early), per path. */
  readonly abortedByClient: Map<string, number>;
  close(): Promise<void>;
}

/**
 * Starts a server on `host` (default 127.0.0.1) and a free port; unknown paths go to `fallback` or answer 404. `close()` destroys every
 * socket, hanging handlers included, so tests never wait for a handler that deliberately never answers.
 */
export async function startRouteServer(
  routes: Record<string, RouteHandler>,
  options: {
    host?: string;
    port?: number;
    /** Answers paths without a route. Default: 404. */
    fallback?: RouteHandler;
  } = {},
): Promise<RouteServer> {
  const requests = new Map<string, number>();
  const abortedByClient = new Map<string, number>();
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://route.invalid').pathname;
    const count = (requests.get(path) ?? 0) + 1;
    requests.set(path, count);
    res.on('close', () => {
      if (!res.writableFinished) abortedByClient.set(path, (abortedByClient.get(path) ?? 0) + 1);
    });
    const handler = routes[path] ?? options.fallback;
    if (!handler) {
      res.writeHead(404, { 'content-type': 'text/html' }).end('<!DOCTYPE html><title>404</title>');
      return;
    }
    handler(req, res, count);
  });
  server.on('connection', (socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    requests,
    abortedByClient,
    get connections() {
      return connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/** An HTML page linking to `hrefs`. */
export function linkPage(title: string, hrefs: readonly string[]): string {
  const links = hrefs.map((href) => `<li><a href="${href}">${href}</a></li>`).join('\n');
  return `<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"><title>${title}</title></head>
<body><h1>${title}</h1><p>東京の天気と京都の料理についての記事です。</p><ul>${links}</ul></body></html>`;
}

/** Handler answering 200 `text/html; charset=utf-8` with `html`. */
export function html(body: string, contentType = 'text/html; charset=utf-8'): RouteHandler {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': contentType }).end(body);
  };
}
