import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AggregatorRegistry } from 'prom-client';

export interface ClusterMetricsServer {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * In a node:cluster primary: serves `GET /metrics` with the metrics of every worker process combined
 * (prom-client's AggregatorRegistry asks each worker over IPC). Workers need nothing but prom-client loaded.
 */
export async function startClusterMetricsServer(options: {
  host: string;
  port: number;
}): Promise<ClusterMetricsServer> {
  const aggregator = new AggregatorRegistry();
  const server = http.createServer((req, res) => {
    if (req.url !== '/metrics' || req.method !== 'GET') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    aggregator.clusterMetrics().then(
      (text) => res.writeHead(200, { 'content-type': aggregator.contentType }).end(text),
      (error: Error) =>
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics unavailable: ${error.message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
