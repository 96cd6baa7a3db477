import { problemSchema } from '@kumo/contract';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startInProcessApi, TEST_BOARD, type InProcessApi } from '../helpers/api-harness.js';
import { uniquePrefix } from '../helpers/env.js';

// Bull Board's access rules (issues 19 and 21): a read-only login that may look but not change anything, no
// cross-site request forgery of the admin's changes, and a password guesser who has to wait.
const redis = inject('redisEnv');
const VIEWER = { user: 'viewer', password: 'viewer-password-123' };
let api: InProcessApi;

beforeAll(async () => {
  api = await startInProcessApi({ redis, prefix: uniquePrefix('board'), boardViewer: VIEWER });
});

afterAll(async () => {
  await api?.close();
});

const basic = (login: { user: string; password: string }) =>
  `Basic ${Buffer.from(`${login.user}:${login.password}`).toString('base64')}`;

/** A board request with Basic credentials and no API key. */
const board = (path: string, login: { user: string; password: string }, init: RequestInit = {}) =>
  api.request(`/admin/queues${path}`, {
    ...init,
    key: null,
    headers: { authorization: basic(login), ...(init.headers as Record<string, string>) },
  });

async function expectProblem(response: Response, status: number, code: string) {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(problemSchema.parse(JSON.parse(text)).code).toBe(code);
}

describe('Bull Board access', () => {
  it('the viewer login sees every queue but gets 403 on pause, retry, clean and remove; the admin may change', async () => {
    const page = await board('', VIEWER);
    expect(page.status).toBe(200);
    const queues = await board('/api/queues', VIEWER);
    expect(queues.status).toBe(200);
    const listed = (await queues.json()) as { queues: { name: string; readOnlyMode: boolean }[] };
    expect(listed.queues.map((queue) => queue.name).sort()).toEqual([
      'aggregate',
      'analyze',
      'crawl',
      'schedule',
      'webhook',
    ]);
    expect(listed.queues.every((queue) => queue.readOnlyMode)).toBe(true);

    for (const [method, path] of [
      ['PUT', '/api/queues/crawl/pause'],
      ['PUT', '/api/queues/crawl/retry/failed'],
      ['PUT', '/api/queues/crawl/clean/completed'],
      ['PUT', '/api/queues/analyze/empty'],
      ['DELETE', '/api/queues/crawl/some-job'],
      ['POST', '/api/queues/crawl/add'],
    ] as const) {
      await expectProblem(await board(path, VIEWER, { method }), 403, 'KUMO_API_FORBIDDEN');
    }
    expect(await api.resources.queues.crawl.isPaused()).toBe(false);

    const admin = await board('/api/queues', TEST_BOARD);
    expect(((await admin.json()) as { queues: { readOnlyMode: boolean }[] }).queues.some((q) => q.readOnlyMode)).toBe(
      false,
    );
    const paused = await board('/api/queues/crawl/pause', TEST_BOARD, { method: 'PUT' });
    expect(paused.status, await paused.text()).toBeLessThan(300);
    expect(await api.resources.queues.crawl.isPaused()).toBe(true);
    const resumed = await board('/api/queues/crawl/resume', TEST_BOARD, {
      method: 'PUT',
      headers: { 'sec-fetch-site': 'same-origin' },
    });
    expect(resumed.status).toBeLessThan(300);
    expect(await api.resources.queues.crawl.isPaused()).toBe(false);
  });

  it('refuses an admin change a browser sent from another site (Sec-Fetch-Site, Origin), changing nothing', async () => {
    for (const headers of [
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { origin: 'https://evil.example' },
      { origin: 'null' },
      { origin: 'https://evil.example', 'content-type': 'text/plain' },
    ]) {
      const response = await board('/api/queues/crawl/pause', TEST_BOARD, { method: 'PUT', headers, body: '{}' });
      await expectProblem(response, 403, 'KUMO_API_FORBIDDEN');
    }
    const added = await board('/api/queues/crawl/add', TEST_BOARD, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'text/plain' },
      body: JSON.stringify({ name: 'x', data: {} }),
    });
    await expectProblem(added, 403, 'KUMO_API_FORBIDDEN');
    expect(await api.resources.queues.crawl.isPaused()).toBe(false);
    expect(await api.resources.queues.crawl.getJobCountByTypes('waiting', 'delayed', 'paused')).toBe(0);
  });

  it('makes an address that keeps failing to sign in wait (429 + Retry-After), the right password included', async () => {
    // The other tests of this file signed in correctly: those never count.
    for (let attempt = 0; attempt < 10; attempt++) {
      await expectProblem(
        await board('', { user: TEST_BOARD.user, password: `wrong-${attempt}` }),
        401,
        'KUMO_API_UNAUTHORIZED',
      );
    }
    const throttled = await board('', TEST_BOARD);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    await expectProblem(throttled, 429, 'KUMO_API_LOGIN_THROTTLED');
  });
});
