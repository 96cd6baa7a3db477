import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { MetricsListenError, SupervisorErrorCode } from './errors.js';
import type { SupervisorLogger } from './logger.js';

/** What `onMetricsRequest` answers: Prometheus text and its content type (prom-client's `registry.contentType`). */
export interface MetricsResponse {
  contentType: string;
  body: string;
}

/** What `/readyz` answers: ready, or why not (the problem's `detail`). */
export type Readiness = { ready: true } | { ready: false; detail: string };

export interface MetricsServer {
  readonly url: string;
  close(): Promise<void>;
}

const OK = JSON.stringify({ status: 'ok' });
const READY = JSON.stringify({ status: 'ready' });

/** The RFC 9457 problem of a supervisor that is not ready (the API's shape: `type`, `title`, `status`, `code`). */
function notReady(detail: string): string {
  const code = SupervisorErrorCode.NOT_READY;
  return JSON.stringify({ type: 'about:blank', title: 'Service unavailable', status: 503, detail, code });
}

/**
 * Serves `GET /healthz` (200 while the supervisor runs), `GET /readyz` (see `readiness`) and `GET /metrics` in
 * the primary by asking `onRequest` (e.g. prom-client's AggregatorRegistry, which
 * collects every worker's metrics over IPC); the supervisor itself needs no metrics library.
 */
export async function startMetricsServer(options: {
  host: string;
  port: number;
  onRequest: () => Promise<MetricsResponse>;
  /** `/readyz`: 200 when ready, else a 503 problem. Default: ready whenever the server answers. */
  readiness?: () => Promise<Readiness>;
  logger: SupervisorLogger;
}): Promise<MetricsServer> {
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://metrics.invalid').pathname;
    const readOnly = req.method === 'GET' || req.method === 'HEAD';
    if (path === '/healthz' && readOnly) {
      // Liveness: this process answers, so the supervisor runs.
      res.writeHead(200, { 'content-type': 'application/json' }).end(req.method === 'HEAD' ? undefined : OK);
      return;
    }
    if (path === '/readyz' && readOnly) {
      (options.readiness ?? (() => Promise.resolve<Readiness>({ ready: true })))()
        .catch((error: unknown): Readiness => ({ ready: false, detail: String(error) }))
        .then((readiness) => {
          const [status, type, body] = readiness.ready
            ? [200, 'application/json', READY]
            : [503, 'application/problem+json', notReady(readiness.detail)];
          res.writeHead(status, { 'content-type': type }).end(req.method === 'HEAD' ? undefined : body);
        });
      return;
    }
    if (path !== '/metrics' || !readOnly) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    options.onRequest().then(
      (metrics) =>
        res
          .writeHead(200, { 'content-type': metrics.contentType })
          .end(req.method === 'HEAD' ? undefined : metrics.body),
      (error: unknown) => {
        options.logger.warn({ err: error }, 'metrics request failed');
        res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) =>
      reject(
        new MetricsListenError(`cannot serve metrics on ${options.host}:${options.port}: ${error.message}`, {
          cause: error,
        }),
      ),
    );
    server.listen(options.port, options.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
