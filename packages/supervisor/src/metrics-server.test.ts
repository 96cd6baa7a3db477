import { afterEach, expect, it } from 'vitest';
import { startMetricsServer, type MetricsServer } from './metrics-server.js';

const logger = { info: () => {}, warn: () => {}, error: () => {} };
let server: MetricsServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(): Promise<string> {
  server = await startMetricsServer({
    host: '127.0.0.1',
    port: 0,
    onRequest: () => Promise.resolve({ contentType: 'text/plain; version=0.0.4', body: 'up 1\n' }),
    logger,
  });
  return server.url.replace(/\/metrics$/, '');
}

it('answers /healthz with 200 while it runs, without asking for metrics', async () => {
  const base = await start();
  const response = await fetch(`${base}/healthz`);
  expect(response.status).toBe(200);
  expect(await response.text()).toBe('ok\n');
  expect((await fetch(`${base}/healthz`, { method: 'HEAD' })).status).toBe(200);
});

it('serves /metrics and answers 404 elsewhere and to writes', async () => {
  const base = await start();
  const metrics = await fetch(`${base}/metrics`);
  expect(metrics.status).toBe(200);
  expect(await metrics.text()).toBe('up 1\n');
  expect((await fetch(`${base}/other`)).status).toBe(404);
  expect((await fetch(`${base}/healthz`, { method: 'POST' })).status).toBe(404);
});
