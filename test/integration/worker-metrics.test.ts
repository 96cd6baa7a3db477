import { getPriority } from 'node:os';
import { freePort } from '@kumo/local-redis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { testEnv, uniquePrefix } from '../helpers/env.js';
import { startApp, type AppProcess } from '../helpers/processes.js';

// Each worker app's supervisor serves the metrics of all its processes combined (prom-client's AggregatorRegistry
// over cluster IPC) on its metrics port; analysis processes run at a lower CPU priority than the rest.
const redisUrl = inject('redisUrl');
const apps: AppProcess[] = [];

afterAll(async () => {
  await Promise.all(apps.map((app) => app.stop()));
});

describe.each([
  ['crawl-worker', 'CRAWL_WORKER_METRICS_PORT'],
  ['analysis-worker', 'ANALYSIS_WORKER_METRICS_PORT'],
] as const)('%s', (name, portSetting) => {
  it('serves GET /metrics for every process of the app from its supervisor', async () => {
    const port = await freePort();
    const app = startApp(
      name,
      testEnv({
        redisUrl,
        prefix: uniquePrefix('wm'),
        overrides: { WORKER_PROCESSES: '2', [portSetting]: String(port) },
      }),
    );
    apps.push(app);
    await app.waitReady(2, 90_000);
    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toContain(`app="${name}"`);
    expect(text).toContain('kumo_jobs_total');
    // Node's process metrics, aggregated by the primary (summed over the processes).
    expect(text).toMatch(/^process_resident_memory_bytes\{app="[^"]+"\} \d+/m);
    expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);

    // ANALYSIS_WORKER_NICE (default 10) for analysis processes only; the supervisor and crawl workers keep ours.
    const children = app.childPids();
    expect(children).toHaveLength(2);
    const expectedNice = name === 'analysis-worker' ? Math.max(10, getPriority(0)) : getPriority(0);
    for (const pid of children) expect(getPriority(pid), `niceness of ${name} process ${pid}`).toBe(expectedNice);
    expect(getPriority(app.pid)).toBe(getPriority(0));
  });
});
