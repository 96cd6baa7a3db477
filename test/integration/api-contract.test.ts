import { compileErrors, validate } from '@readme/openapi-parser';
import { toOpenApiPath, type OpenApiDocument } from '@kumo/api';
import { problemSchema } from '@kumo/contract';
import { freePort } from '@kumo/local-redis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { postCrawl, startInProcessApi, TEST_API_KEYS, TEST_BOARD, type InProcessApi } from '../helpers/api-harness.js';
import { openSse } from '../helpers/api-sse.js';
import { uniquePrefix, type RedisEnv } from '../helpers/env.js';

const redis = inject('redisEnv');
let api: InProcessApi;
const others: InProcessApi[] = [];
// Seeds on a closed port: no crawl-worker runs in this file, so crawls stay queued and nothing is fetched.
const SEED = 'http://127.0.0.1:9/';

beforeAll(async () => {
  api = await startInProcessApi({
    redis,
    prefix: uniquePrefix('apic'),
    overrides: { API_BODY_LIMIT_BYTES: '2048' },
  });
});

afterAll(async () => {
  await api?.close();
  await Promise.all(others.map((other) => other.close()));
});

async function another(overrides: Record<string, string>, target: RedisEnv = redis, readyTimeoutMs?: number) {
  const started = await startInProcessApi({
    redis: target,
    prefix: uniquePrefix('apix'),
    overrides,
    ...(readyTimeoutMs === undefined ? {} : { readyTimeoutMs }),
  });
  others.push(started);
  return started;
}

/** Asserts an RFC 9457 problem with our code, as application/problem+json, and returns it. */
async function expectProblem(response: Response, status: number, code: string) {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = problemSchema.parse(JSON.parse(text));
  expect(body.code).toBe(code);
  expect(body.status).toBe(status);
  expect(text).not.toMatch(/<html|at .+\.(js|ts):\d+/i);
  return body;
}

async function createCrawl(target: InProcessApi = api, body: unknown = { urls: [SEED] }, key?: string) {
  const response = await target.request('/v1/crawls', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...(key === undefined ? {} : { key }),
  });
  expect(response.status, await response.clone().text()).toBe(202);
  return (await response.json()) as { id: string; status: string; links: Record<string, string> };
}

describe('authentication', () => {
  it.each([
    ['no Authorization header', null],
    ['a wrong key', 'not-a-key'],
    ['an empty key', ''],
  ])('answers 401 to %s', async (_name, key) => {
    const response = await api.request('/v1/crawls/cabc', { key });
    await expectProblem(response, 401, 'KUMO_API_UNAUTHORIZED');
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('answers 401 to another scheme', async () => {
    const response = await api.request('/v1/crawls', {
      key: null,
      headers: { authorization: `Basic ${TEST_API_KEYS[0]}` },
    });
    await expectProblem(response, 401, 'KUMO_API_UNAUTHORIZED');
  });

  it('lets public endpoints through without a key', async () => {
    for (const path of ['/healthz', '/readyz', '/openapi.json', '/docs', '/metrics']) {
      const response = await api.request(path, { key: null });
      expect(response.status, path).toBe(200);
    }
  });
});

describe('POST /v1/crawls', () => {
  it('answers 202 with Location and links, and the crawl reads back with defaults', async () => {
    const response = await postCrawl(api, { urls: [SEED] });
    expect(response.status).toBe(202);
    const body = (await response.json()) as { id: string; status: string; links: Record<string, string> };
    expect(body.status).toBe('queued');
    expect(response.headers.get('location')).toBe(`/v1/crawls/${body.id}`);
    expect(body.links).toEqual({
      self: `/v1/crawls/${body.id}`,
      events: `/v1/crawls/${body.id}/events`,
      pages: `/v1/crawls/${body.id}/pages`,
      report: `/v1/crawls/${body.id}/report`,
    });
    const crawl = (await (await api.request(body.links.self!)).json()) as Record<string, unknown>;
    expect(crawl).toMatchObject({
      id: body.id,
      status: 'queued',
      request: { urls: [SEED], maxDepth: 1, maxPages: 100, scope: 'same-host', analyze: true },
      counts: { discovered: 1, fetched: 0, failed: 0, skipped: 0, analyzed: 0 },
    });
    expect(new Date(crawl.createdAt as string).toISOString()).toBe(crawl.createdAt);
  });

  it.each([
    ['urls missing', {}, 'urls'],
    ['urls empty', { urls: [] }, 'urls'],
    ['too many urls', { urls: Array.from({ length: 101 }, (_, i) => `http://h/${i}`) }, 'urls'],
    ['a relative url', { urls: ['/relative'] }, 'urls.0'],
    ['an ftp url', { urls: [SEED, 'ftp://127.0.0.1/'] }, 'urls.1'],
    ['urls not an array', { urls: SEED }, 'urls'],
    ['maxDepth too big', { urls: [SEED], maxDepth: 11 }, 'maxDepth'],
    ['maxDepth negative', { urls: [SEED], maxDepth: -1 }, 'maxDepth'],
    ['maxDepth fractional', { urls: [SEED], maxDepth: 1.5 }, 'maxDepth'],
    ['maxPages zero', { urls: [SEED], maxPages: 0 }, 'maxPages'],
    ['maxPages too big', { urls: [SEED], maxPages: 10_001 }, 'maxPages'],
    ['scope unknown', { urls: [SEED], scope: 'everything' }, 'scope'],
    ['analyze a string', { urls: [SEED], analyze: 'yes' }, 'analyze'],
    ['an unknown field', { urls: [SEED], depth: 2 }, 'depth'],
  ])('answers 400 for %s with errors[].path %s', async (_name, body, path) => {
    const problem = await expectProblem(await postCrawl(api, body), 400, 'KUMO_API_VALIDATION');
    expect(problem.errors?.map((error) => error.path)).toContain(path);
  });

  it('answers 400 for a body that is not an object', async () => {
    await expectProblem(await postCrawl(api, [SEED]), 400, 'KUMO_API_VALIDATION');
  });

  it('answers 400 for malformed JSON', async () => {
    const response = await api.request('/v1/crawls', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"urls": [',
    });
    await expectProblem(response, 400, 'KUMO_API_MALFORMED_JSON');
  });

  it('answers 413 for a body over the limit', async () => {
    const urls = Array.from({ length: 60 }, (_, i) => `http://127.0.0.1:9/${'x'.repeat(40)}/${i}`);
    await expectProblem(await postCrawl(api, { urls }), 413, 'KUMO_API_PAYLOAD_TOO_LARGE');
  });

  it.each([
    ['text/plain', 'text/plain'],
    ['form data', 'application/x-www-form-urlencoded'],
    ['no content type', undefined],
  ])('answers 415 for %s', async (_name, type) => {
    const response = await api.request('/v1/crawls', {
      method: 'POST',
      headers: type ? { 'content-type': type } : {},
      body: JSON.stringify({ urls: [SEED] }),
    });
    await expectProblem(response, 415, 'KUMO_API_UNSUPPORTED_MEDIA_TYPE');
  });

  it('replays the same Idempotency-Key and body with 200 and the same crawl, and refuses another body with 409', async () => {
    const key = `idem-${Date.now()}`;
    const first = await postCrawl(api, { urls: [SEED], maxPages: 5 }, { 'idempotency-key': key });
    expect(first.status).toBe(202);
    const created = (await first.json()) as { id: string };
    // Defaults applied: the same request written differently is the same body.
    const again = await postCrawl(api, { maxPages: 5, urls: [SEED], maxDepth: 1 }, { 'idempotency-key': key });
    expect(again.status).toBe(200);
    expect(((await again.json()) as { id: string }).id).toBe(created.id);
    expect(again.headers.get('location')).toBe(`/v1/crawls/${created.id}`);
    await expectProblem(
      await postCrawl(api, { urls: [SEED], maxPages: 6 }, { 'idempotency-key': key }),
      409,
      'KUMO_API_IDEMPOTENCY_CONFLICT',
    );
    // Keys are per API key: the other key starts its own crawl.
    const other = await api.request('/v1/crawls', {
      method: 'POST',
      key: TEST_API_KEYS[1],
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify({ urls: [SEED], maxPages: 5 }),
    });
    expect(other.status).toBe(202);
  });
});

describe('crawl resources', () => {
  it('answers 404 for unknown, malformed and other keys’ crawls, on every endpoint', async () => {
    const { id } = await createCrawl();
    for (const suffix of ['', '/pages', '/report', '/events']) {
      for (const [crawlId, key] of [
        ['cunknownunknownunknow', TEST_API_KEYS[0]],
        ['not-an-id', TEST_API_KEYS[0]],
        [id, TEST_API_KEYS[1]],
      ] as const) {
        const response = await api.request(`/v1/crawls/${crawlId}${suffix}`, { key });
        await expectProblem(response, 404, 'KUMO_API_NOT_FOUND');
      }
    }
    await expectProblem(
      await api.request(`/v1/crawls/${id}`, { method: 'DELETE', key: TEST_API_KEYS[1] }),
      404,
      'KUMO_API_NOT_FOUND',
    );
  });

  it('answers 409 naming the status for a report before completion', async () => {
    const { id } = await createCrawl();
    const problem = await expectProblem(await api.request(`/v1/crawls/${id}/report`), 409, 'KUMO_API_REPORT_NOT_READY');
    expect(problem.detail).toContain('queued');
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=501', 'limit'],
    ['limit=abc', 'limit'],
    ['limit=1&limit=2', 'limit'],
    ['cursor=not-a-cursor', 'cursor'],
    ['cursor=', 'cursor'],
  ])('answers 400 for pages?%s', async (query, path) => {
    const { id } = await createCrawl();
    const problem = await expectProblem(
      await api.request(`/v1/crawls/${id}/pages?${query}`),
      400,
      'KUMO_API_VALIDATION',
    );
    expect(problem.errors?.map((error) => error.path)).toEqual([path]);
  });

  it('answers an empty first page of a crawl without results', async () => {
    const { id } = await createCrawl();
    const response = await api.request(`/v1/crawls/${id}/pages?limit=10`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ items: [], nextCursor: null });
  });

  it('answers 400 for a malformed Last-Event-ID', async () => {
    const { id } = await createCrawl();
    const response = await api.request(`/v1/crawls/${id}/events`, { headers: { 'last-event-id': 'abc' } });
    const problem = await expectProblem(response, 400, 'KUMO_API_VALIDATION');
    expect(problem.errors?.[0]?.path).toBe('Last-Event-ID');
  });

  it('opens an event stream with heartbeats', async () => {
    const { id } = await createCrawl();
    const stream = openSse(`${api.url}/v1/crawls/${id}/events`, { key: TEST_API_KEYS[0] });
    expect(await stream.status).toBe(200);
    // SSE_HEARTBEAT_MS is 1000 in these tests.
    await expect.poll(() => stream.comments.includes('ping'), { timeout: 5000 }).toBe(true);
    stream.close();
  });

  it('cancels with DELETE: 202 with id and status, and the record says so', async () => {
    const { id } = await createCrawl();
    const response = await api.request(`/v1/crawls/${id}`, { method: 'DELETE' });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ id, status: 'queued' });
    expect(await api.resources.crawls.records.isCancelRequested(id)).toBe(true);
  });
});

describe('admission control and rate limits', () => {
  it('answers 429 with Retry-After when too many crawls are running', async () => {
    const small = await another({ API_MAX_RUNNING_CRAWLS: '1' });
    await createCrawl(small);
    const response = await postCrawl(small, { urls: [SEED] });
    const problem = await expectProblem(response, 429, 'KUMO_API_OVERLOADED');
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(problem.detail).toContain('crawls in flight');
  });

  it('answers 429 with Retry-After when the crawl backlog is full', async () => {
    const small = await another({ API_MAX_QUEUE_BACKLOG: '2' });
    await createCrawl(small, { urls: [`${SEED}a`, `${SEED}b`] });
    const response = await postCrawl(small, { urls: [SEED] });
    await expectProblem(response, 429, 'KUMO_API_OVERLOADED');
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('answers 429 with Retry-After beyond the per-key rate limit', async () => {
    const limited = await another({ API_RATE_LIMIT_PER_MINUTE: '3' });
    const statuses: number[] = [];
    let limitedResponse: Response | undefined;
    // Up to 8 tries: a minute boundary between two requests may reset the window once.
    for (let i = 0; i < 8 && !limitedResponse; i++) {
      const response = await limited.request('/v1/crawls/cunknownunknownunknow');
      statuses.push(response.status);
      if (response.status === 429) limitedResponse = response;
      else await response.body?.cancel();
    }
    expect(limitedResponse, statuses.join(',')).toBeDefined();
    await expectProblem(limitedResponse!, 429, 'KUMO_API_RATE_LIMITED');
    expect(Number(limitedResponse!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(statuses.filter((status) => status === 404).length).toBeGreaterThanOrEqual(3);
  });
});

describe('Redis down', () => {
  it('answers 503 on readiness and on the API, while liveness stays 200', async () => {
    const deadRedis = `redis://127.0.0.1:${await freePort()}`;
    const down = await another({}, { REDIS_URL: deadRedis }, 200);
    expect((await down.request('/healthz', { key: null })).status).toBe(200);
    await expectProblem(await down.request('/readyz', { key: null }), 503, 'KUMO_API_REDIS_UNAVAILABLE');
    await expectProblem(await postCrawl(down, { urls: [SEED] }), 503, 'KUMO_API_REDIS_UNAVAILABLE');
    await expectProblem(await down.request('/v1/crawls/cunknownunknownunknow'), 503, 'KUMO_API_REDIS_UNAVAILABLE');
  });
});

describe('operations endpoints', () => {
  it('answers 404 problems for unknown routes, with or without a key', async () => {
    await expectProblem(await api.request('/nope', { key: null }), 404, 'KUMO_API_ROUTE_NOT_FOUND');
    await expectProblem(await api.request('/v1/nope'), 404, 'KUMO_API_ROUTE_NOT_FOUND');
    await expectProblem(
      await api.request('/v1/crawls', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{}' }),
      404,
      'KUMO_API_ROUTE_NOT_FOUND',
    );
  });

  it('sets security headers and no X-Powered-By, and a request id', async () => {
    for (const path of ['/healthz', '/v1/crawls/cunknownunknownunknow', '/docs', '/admin/queues']) {
      const response = await api.request(path);
      expect(response.headers.get('x-powered-by'), path).toBeNull();
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(response.headers.get('content-security-policy'), path).toBeTruthy();
      expect(response.headers.get('x-request-id'), path).toBeTruthy();
    }
    const echoed = await api.request('/healthz', { headers: { 'x-request-id': 'trace-123' } });
    expect(echoed.headers.get('x-request-id')).toBe('trace-123');
  });

  it('serves Bull Board behind Basic auth', async () => {
    const anonymous = await api.request('/admin/queues', { key: null });
    await expectProblem(anonymous, 401, 'KUMO_API_UNAUTHORIZED');
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic /);
    const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    const wrong = await api.request('/admin/queues', {
      key: null,
      headers: { authorization: basic(TEST_BOARD.user, 'nope') },
    });
    await expectProblem(wrong, 401, 'KUMO_API_UNAUTHORIZED');
    const auth = { authorization: basic(TEST_BOARD.user, TEST_BOARD.password) };
    const page = await api.request('/admin/queues', { key: null, headers: auth });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    const queues = await api.request('/admin/queues/api/queues', { key: null, headers: auth });
    expect(queues.status).toBe(200);
    const names = ((await queues.json()) as { queues: { name: string }[] }).queues.map((queue) => queue.name);
    expect(names.sort()).toEqual(['aggregate', 'analyze', 'crawl', 'schedule', 'webhook']);
  });

  it('serves the interactive docs from local assets', async () => {
    const page = await api.request('/docs', { key: null });
    expect(page.status).toBe(200);
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
    expect(assets.length).toBeGreaterThanOrEqual(4);
    for (const asset of assets) {
      expect(asset.startsWith('/docs/assets/'), asset).toBe(true);
      expect((await api.request(asset, { key: null })).status, asset).toBe(200);
    }
  });

  it('serves Prometheus metrics: request durations by route, queue depths, key audit, event-loop p99', async () => {
    // A fresh app: the key audit runs at most every 30 s, counted from its first scrape.
    const fresh = await another({});
    await createCrawl(fresh);
    await fresh.request('/healthz');
    const first = await (await fresh.request('/metrics', { key: null })).text();
    expect(first).toMatch(/kumo_http_request_duration_seconds_count\{[^}]*route="\/healthz"[^}]*status="200"/);
    expect(first).toMatch(/kumo_queue_jobs\{[^}]*queue="crawl"[^}]*state="waiting"/);
    expect(first).toMatch(/nodejs_eventloop_lag_p99_seconds/);
    // The key audit runs in the background after the first scrape.
    await expect
      .poll(
        async () =>
          (await (await fresh.request('/metrics', { key: null })).text()).match(
            /kumo_keys\{[^}]*purpose="result"[^}]*\} (\d+)/,
          )?.[1],
        { timeout: 10_000 },
      )
      .toMatch(/^[1-9]/);
  });

  it('protects /metrics with METRICS_TOKEN when set', async () => {
    const token = 'metrics-token-0123456789';
    const guarded = await another({ METRICS_TOKEN: token });
    await expectProblem(await guarded.request('/metrics', { key: null }), 401, 'KUMO_API_UNAUTHORIZED');
    await expectProblem(
      await guarded.request('/metrics', { key: 'wrong-token-0123456789' }),
      401,
      'KUMO_API_UNAUTHORIZED',
    );
    expect((await guarded.request('/metrics', { key: token })).status).toBe(200);
  });
});

describe('OpenAPI document', () => {
  it('validates with a standard validator and lists every Express route', async () => {
    const response = await api.request('/openapi.json', { key: null });
    expect(response.status).toBe(200);
    const document = (await response.json()) as OpenApiDocument;
    const result = await validate(structuredClone(document) as unknown as Parameters<typeof validate>[0]);
    expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true);

    const routes = expressRoutes(api.api.app);
    expect(routes.length).toBeGreaterThanOrEqual(10);
    for (const { method, path } of routes) {
      const item = document.paths[toOpenApiPath(path)] as Record<string, unknown> | undefined;
      expect(item?.[method], `${method.toUpperCase()} ${path} is not in openapi.json`).toBeDefined();
    }
    // Mounted apps (Bull Board) are not routes of ours, but their entry point is documented.
    expect(document.paths['/admin/queues']?.get).toBeDefined();
  });
});

/** Every route registered on the Express app (Express 5: app.router.stack, routers mounted without a path). */
function expressRoutes(app: unknown): { method: string; path: string }[] {
  type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] } };
  const routes: { method: string; path: string }[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const [method, enabled] of Object.entries(layer.route.methods)) {
          if (enabled && method !== '_all') routes.push({ method, path: layer.route.path });
        }
      } else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((app as { router: { stack: Layer[] } }).router.stack);
  return routes;
}
