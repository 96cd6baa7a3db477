import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { MetricsListenError } from './errors.js';
import type { SupervisorLogger } from './logger.js';

/** What `onMetricsRequest` answers: Prometheus text and its content type (prom-client's `registry.contentType`). */
export interface MetricsResponse {
  contentType: string;
  body: string;
}

export interface MetricsServer {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves `GET /healthz` (200 while the supervisor runs) and `GET /metrics` in the primary by asking `onRequest` (e.g. prom-client's AggregatorRegistry, which
 * collects every worker's metrics over IPC); the supervisor itself needs no metrics library.
 */
export async function startMetricsServer(options: {
  host: string;
  port: number;
  onRequest: () => Promise<MetricsResponse>;
  logger: SupervisorLogger;
}): Promise<MetricsServer> {
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://metrics.invalid').pathname;
    const readOnly = req.method === 'GET' || req.method === 'HEAD';
    if (path === '/healthz' && readOnly) {
      // Liveness: this process answers, so the supervisor runs.
      res.writeHead(200, { 'content-type': 'text/plain' }).end(req.method === 'HEAD' ? undefined : 'ok\n');
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
