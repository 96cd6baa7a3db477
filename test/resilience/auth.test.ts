import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCrawlClient, type CrawlClient } from '../helpers/crawl-harness.js';
import { expectProblem, submitCrawl, waitForEnd } from './helpers/crawl-checks.js';
import { startDedicatedRedis, type DedicatedRedis } from './helpers/dedicated-redis.js';
import { html, linkPage, startRouteServer, type RouteServer } from './helpers/route-server.js';
import { KumoSystem } from './helpers/system.js';

const REDIS_PASSWORD = `redis_pw_${randomBytes(12).toString('hex')}`;
const METRICS_TOKEN = `metrics_tok_${randomBytes(12).toString('hex')}`;
/** Wrong credentials the tests present: they must not be logged either. */
const WRONG_KEY = `kumo_wrong_${randomBytes(12).toString('hex')}`;
let redis: DedicatedRedis;
let system: KumoSystem;
let client: CrawlClient;
let site: RouteServer;
let crawlId: string;

beforeAll(async () => {
  redis = await startDedicatedRedis('auth', { password: REDIS_PASSWORD });
  system = await KumoSystem.start({ redisUrl: redis.url, overrides: { METRICS_TOKEN, LOG_LEVEL: 'debug' } });
  client = openCrawlClient({ redisUrl: redis.url, prefix: system.prefix });
  site = await startRouteServer({
    '/index.html': html(linkPage('認証', ['/a.html'])),
    '/a.html': html(linkPage('A', [])),
  });
  crawlId = await submitCrawl(system, { urls: [`${site.url}/index.html`] });
  expect((await waitForEnd(client.state, crawlId)).status).toBe('completed');
});

afterAll(async () => {
  await system?.stop();
  await client?.close();
  await site?.close();
  await redis?.close();
});

const basic = (credentials: string) => `Basic ${Buffer.from(credentials).toString('base64')}`;

/** Every /v1 route, with a method and (for POST) a valid body. */
function v1Routes(id: string): Array<[string, string, string?]> {
  const body = JSON.stringify({ urls: ['http://127.0.0.1:9/'] });
  return [
    ['POST', '/v1/crawls', body],
    ['GET', `/v1/crawls/${id}`],
    ['GET', `/v1/crawls/${id}/pages`],
    ['GET', `/v1/crawls/${id}/pages?limit=1`],
    ['GET', `/v1/crawls/${id}/events`],
    ['GET', `/v1/crawls/${id}/report`],
    ['DELETE', `/v1/crawls/${id}`],
    ['GET', '/v1/crawls'],
    ['GET', '/v1/no-such-route'],
  ];
}

/** Authorization headers that must not get in (undefined: no header at all). */
function wrongBearers(): Array<[string, string | undefined]> {
  const key = system.keys[0];
  return [
    ['no Authorization header', undefined],
    ['an empty Bearer', 'Bearer '],
    ['a wrong key', `Bearer ${WRONG_KEY}`],
    ['the key with a character more', `Bearer ${key}x`],
    ['the key with a character less', `Bearer ${key.slice(0, -1)}`],
    ['the key upper-cased', `Bearer ${key.toUpperCase()}`],
    ['the key without a scheme', key],
    ['the key as Basic credentials', basic(`${key}:`)],
    ['the key twice', `Bearer ${key} ${key}`],
    ['the board password as a key', `Bearer ${system.board.password}`],
    ['the metrics token as a key', `Bearer ${METRICS_TOKEN}`],
  ];
}

describe('auth: every /v1 route refuses missing and wrong API keys', () => {
  it('checks the table against a valid key first (each route is reachable with it)', async () => {
    for (const [method, path, body] of v1Routes(crawlId)) {
      if (method === 'DELETE') continue;
      const response = await system.request(path, {
        method,
        ...(body ? { body, headers: { 'content-type': 'application/json' } } : {}),
      });
      expect(response.status, `${method} ${path}`).not.toBe(401);
      await response.body?.cancel();
    }
  });

  it('401 problem+json with a Bearer challenge for every route × every wrong credential', async () => {
    let checked = 0;
    for (const [method, path, body] of v1Routes(crawlId)) {
      for (const [name, authorization] of wrongBearers()) {
        const headers: Record<string, string> = body ? { 'content-type': 'application/json' } : {};
        if (authorization !== undefined) headers.authorization = authorization;
        const response = await system.request(path, { method, headers, key: null, ...(body ? { body } : {}) });
        const problem = await expectProblem(response, 401, 'KUMO_API_UNAUTHORIZED').catch((error: unknown) => {
          throw new Error(`${method} ${path} with ${name}: ${String(error)}`);
        });
        expect(problem.detail).not.toContain(system.keys[0]);
        expect(response.headers.get('www-authenticate'), `${method} ${path} with ${name}`).toMatch(/^Bearer /);
        checked += 1;
      }
    }
    expect(checked).toBe(v1Routes(crawlId).length * wrongBearers().length);
    // Nothing was created or cancelled by the refused requests.
    expect((await client.state.records.getCrawl(crawlId))?.cancelRequested).toBe(false);
  });

  it("another key's crawl is 404 on every route, as if it did not exist", async () => {
    for (const [method, path] of v1Routes(crawlId).filter(([, route]) => route.includes(crawlId))) {
      const response = await system.request(path, { method, key: system.keys[1] });
      await expectProblem(response, 404, 'KUMO_API_NOT_FOUND').catch((error: unknown) => {
        throw new Error(`${method} ${path}: ${String(error)}`);
      });
    }
  });
});

describe('auth: /admin/queues (Bull Board) and /metrics', () => {
  const boardPaths = ['/admin/queues', '/admin/queues/', '/admin/queues/api/queues', '/admin/queues/queue/crawl'];
  const wrongBasics = (): Array<[string, string | undefined]> => [
    ['no Authorization header', undefined],
    ['a wrong password', basic(`${system.board.user}:${WRONG_KEY}`)],
    ['a wrong user', basic(`${WRONG_KEY}:${system.board.password}`)],
    ['the password with a character more', basic(`${system.board.user}:${system.board.password}x`)],
    ['the password alone', basic(system.board.password)],
    ['empty Basic', 'Basic '],
    ['not base64', 'Basic !!!'],
    ['the API key as Bearer', `Bearer ${system.keys[0]}`],
    ['the API key as Basic password', basic(`${system.board.user}:${system.keys[0]}`)],
  ];

  it('the board answers with the right credentials (control)', async () => {
    for (const path of boardPaths) {
      const response = await system.request(path, {
        key: null,
        headers: { authorization: basic(`${system.board.user}:${system.board.password}`) },
      });
      expect(response.status, path).toBe(200);
      await response.body?.cancel();
    }
  });

  it('401 with a Basic challenge for every board path × every wrong credential', async () => {
    for (const path of boardPaths) {
      for (const [name, authorization] of wrongBasics()) {
        const response = await system.request(path, {
          key: null,
          headers: authorization === undefined ? {} : { authorization },
        });
        const text = await response.text();
        expect(response.status, `${path} with ${name}: ${text.slice(0, 200)}`).toBe(401);
        expect(response.headers.get('www-authenticate'), `${path} with ${name}`).toMatch(/^Basic /);
        expect(text).not.toContain('kumo queues</title>');
      }
    }
  });

  it('/metrics with METRICS_TOKEN set: 401 without it or with anything else, 200 with it', async () => {
    for (const authorization of [undefined, `Bearer ${WRONG_KEY}`, `Bearer ${system.keys[0]}`, METRICS_TOKEN]) {
      const response = await system.request('/metrics', {
        key: null,
        headers: authorization === undefined ? {} : { authorization },
      });
      expect(response.status, String(authorization)).toBe(401);
      await response.body?.cancel();
    }
    const ok = await system.request('/metrics', { key: null, headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(ok.status).toBe(200);
    await ok.body?.cancel();
  });
});

describe('secrets never reach the logs', () => {
  it('no process wrote an API key, the board password, the Redis password, the metrics token or a presented key', async () => {
    // Provoke the error paths too: Redis goes away (connection errors, 503s) and comes back.
    await redis.stop();
    for (const path of ['/readyz', `/v1/crawls/${crawlId}`]) await (await system.request(path)).body?.cancel();
    await sleep(1500);
    await redis.start();
    await expect
      .poll(async () => (await system.request('/readyz', { key: null })).status, { timeout: 60_000 })
      .toBe(200);

    const output = system.output;
    expect(output.length).toBeGreaterThan(1000);
    const secrets: Record<string, string> = {
      'API key A': system.keys[0],
      'API key B': system.keys[1],
      'board password': system.board.password,
      'board credentials (base64)': Buffer.from(`${system.board.user}:${system.board.password}`).toString('base64'),
      'Redis password': REDIS_PASSWORD,
      'metrics token': METRICS_TOKEN,
      'a presented wrong key': WRONG_KEY,
    };
    for (const [name, secret] of Object.entries(secrets)) expect(output.includes(secret), name).toBe(false);
    // The error paths did run (so the grep covered them).
    expect(system.linesMatching((line) => Number(line.level) >= 40).length).toBeGreaterThan(0);
  });
});
