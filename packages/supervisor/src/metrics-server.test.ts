import { afterEach, expect, it } from 'vitest';
import { startMetricsServer, type MetricsServer, type Readiness } from './metrics-server.js';

const logger = { info: () => {}, warn: () => {}, error: () => {} };
let server: MetricsServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(readiness?: () => Promise<Readiness>): Promise<string> {
  server = await startMetricsServer({
    host: '127.0.0.1',
    port: 0,
    onRequest: () => Promise.resolve({ contentType: 'text/plain; version=0.0.4', body: 'up 1\n' }),
    ...(readiness ? { readiness } : {}),
    logger,
  });
  return server.url.replace(/\/metrics$/, '');
}

it('answers /healthz with 200 while it runs, without asking for metrics', async () => {
  const base = await start();
  const response = await fetch(`${base}/healthz`);
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ status: 'ok' });
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

it('answers /readyz 200 when ready, else a 503 problem with the reason (also when readiness throws)', async () => {
  let answer: () => Promise<Readiness> = () => Promise.resolve({ ready: true });
  const base = await start(() => answer());
  expect((await fetch(`${base}/readyz`)).status).toBe(200);
  answer = () => Promise.resolve({ ready: false, detail: 'Redis unreachable' });
  const down = await fetch(`${base}/readyz`);
  expect(down.status).toBe(503);
  expect(down.headers.get('content-type')).toBe('application/problem+json');
  expect(await down.json()).toMatchObject({
    status: 503,
    detail: 'Redis unreachable',
    code: 'KUMO_SUPERVISOR_NOT_READY',
  });
  answer = () => Promise.reject(new Error('boom'));
  const thrown = await fetch(`${base}/readyz`);
  expect(thrown.status).toBe(503);
  expect(((await thrown.json()) as { detail: string }).detail).toBe('Error: boom');
});
