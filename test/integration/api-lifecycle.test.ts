import { afterAll, describe, expect, inject, it } from 'vitest';
import { openSse } from '../helpers/api-sse.js';
import { testEnv, uniquePrefix } from '../helpers/env.js';
import { startApp, type AppProcess } from '../helpers/processes.js';

const redisUrl = inject('redisUrl');
const started: AppProcess[] = [];

afterAll(async () => {
  await Promise.all(started.map((app) => app.stop('SIGKILL')));
});

describe('the API process', () => {
  it('forks API_PROCESSES workers that log ready, prints a generated key, and shuts down gracefully', async () => {
    const app = startApp(
      'api',
      testEnv({ redisUrl, prefix: uniquePrefix('apil'), overrides: { API_PORT: '0', API_PROCESSES: '2' } }),
    );
    started.push(app);
    // Port 0: the cluster picks one free port that every worker shares.
    const ready = await app.waitReady(2, 60_000);
    const port = ready[0]?.port;
    expect(port).toEqual(expect.any(Number));
    expect(ready.map((line) => line.port)).toEqual([port, port]);

    // No API_KEYS outside production: a key is generated, its log line redacted, the key itself printed once.
    const generated = await app.waitForLog((line) => line.msg === 'generated API key');
    expect(generated[0]?.apiKey).toBe('[redacted]');
    const printed = app.lines.map((line) => String(line.msg)).find((msg) => msg.startsWith('API key (generated'));
    const key = printed?.split(': ')[1]?.trim();
    expect(key).toMatch(/^kumo_[A-Za-z0-9_-]{20,}$/);

    const base = `http://127.0.0.1:${String(port)}`;
    const created = await fetch(`${base}/v1/crawls`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ urls: ['http://127.0.0.1:9/'] }),
    });
    expect(created.status).toBe(202);
    const { id } = (await created.json()) as { id: string };
    const stream = openSse(`${base}/v1/crawls/${id}/events`, { key: key! });
    expect(await stream.status).toBe(200);

    // SIGTERM: open event streams end with a retry hint, the processes exit cleanly.
    app.child.kill('SIGTERM');
    await stream.ended;
    expect(stream.retries.length).toBe(1);
    expect(stream.retries[0]).toBeGreaterThan(0);
    const exit = await app.exited;
    expect(exit.code).toBe(0);
    // Printed once, on purpose; no log line carries it.
    expect(app.lines.filter((line) => JSON.stringify(line).includes(key!)).length).toBe(1);
  });
});
