import { freePort } from '@kumo/local-redis';
import { afterAll, describe, expect, it } from 'vitest';
import { testEnv, uniquePrefix } from '../helpers/env.js';
import { startApp, type AppProcess } from '../helpers/processes.js';
import { startDedicatedRedis, type DedicatedRedis } from '../resilience/helpers/dedicated-redis.js';

// A worker supervisor's /readyz reflects Redis: the primary PINGs it with the app's configuration. Each app gets
// a redis-server of its own, stopped mid-test; /healthz stays 200 throughout, /readyz turns 503 and back.
const apps: AppProcess[] = [];
const servers: DedicatedRedis[] = [];

afterAll(async () => {
  await Promise.all(apps.map((app) => app.stop()));
  await Promise.all(servers.map((server) => server.close()));
});

describe.each([
  ['crawl-worker', 'CRAWL_WORKER_METRICS_PORT'],
  ['analysis-worker', 'ANALYSIS_WORKER_METRICS_PORT'],
] as const)('%s', (name, portSetting) => {
  it('answers /readyz 503 (problem+json) while its Redis is down and 200 again once it is back', async () => {
    const redis = await startDedicatedRedis(`ready-${name}`);
    servers.push(redis);
    const port = await freePort();
    const app = startApp(
      name,
      testEnv({
        redisUrl: redis.url,
        prefix: uniquePrefix('wr'),
        overrides: { WORKER_PROCESSES: '1', [portSetting]: String(port) },
      }),
    );
    apps.push(app);
    await app.waitReady(1, 90_000);
    const base = `http://127.0.0.1:${port}`;
    await expect.poll(async () => (await fetch(`${base}/readyz`)).status, { timeout: 30_000 }).toBe(200);

    await redis.stop();
    await expect.poll(async () => (await fetch(`${base}/readyz`)).status, { timeout: 30_000 }).toBe(503);
    const down = await fetch(`${base}/readyz`);
    expect(down.status).toBe(503);
    expect(down.headers.get('content-type')).toBe('application/problem+json');
    expect(await down.json()).toMatchObject({ status: 503, code: 'KUMO_SUPERVISOR_NOT_READY' });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);

    await redis.start();
    await expect.poll(async () => (await fetch(`${base}/readyz`)).status, { timeout: 60_000 }).toBe(200);
  });
});
