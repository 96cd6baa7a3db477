import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { doneEventSchema, problemSchema } from '@kumo/contract';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { postCrawl, startAcceptedCrawl } from '../helpers/api-harness.js';
import { startSystem, type RunningSystem } from '../helpers/api-processes.js';
import { openSse } from '../helpers/api-sse.js';
import { uniquePrefix } from '../helpers/env.js';

// include/exclude, headers and politeness of POST /v1/crawls (CONTRACT "More in POST /v1/crawls") through the
// real API and crawl-worker processes, against a site on 127.0.0.1 that records every request it gets.

const redisUrl = inject('redisUrl');

/** Each page and the links it holds. */
const SITE: Record<string, string[]> = {
  '/index.html': ['/blog/a', '/blog/b', '/blog/drafts/c', '/about', '/docs/x?print=1'],
  '/blog/a': ['/blog/2024/d', '/shop/e', '/blog/drafts/f'],
  '/blog/b': ['/index.html', '/blog/a'],
  '/blog/drafts/c': [],
  '/blog/drafts/f': [],
  '/blog/2024/d': ['/about'],
  '/about': ['/docs/x?print=1'],
  '/docs/x?print=1': [],
  '/shop/e': [],
};

interface Recorded {
  path: string;
  headers: http.IncomingHttpHeaders;
}

let system: RunningSystem;
let server: http.Server;
let origin: string;
const requests: Recorded[] = [];

function pageRequestsSince(start: number): Recorded[] {
  return requests.slice(start).filter((request) => request.path !== '/robots.txt');
}

async function crawlToEnd(body: Record<string, unknown>): Promise<{ id: string; paths: string[]; seen: Recorded[] }> {
  const start = requests.length;
  const id = await startAcceptedCrawl(system, { urls: [`${origin}/index.html`], maxDepth: 5, ...body });
  const events = await openSse(`${system.url}/v1/crawls/${id}/events`, { key: system.key }).ended;
  expect(doneEventSchema.parse(JSON.parse(events.at(-1)!.data)).status).toBe('completed');
  const seen = pageRequestsSince(start);
  return { id, paths: seen.map((request) => request.path).sort(), seen };
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    requests.push({ path, headers: req.headers });
    const links = SITE[path];
    if (links === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const anchors = links.map((link) => `<a href="${link}">${link}</a>`).join(' ');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="ja"><title>${path}</title><body><p>ページ ${path}</p>${anchors}</body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  system = await startSystem({
    redisUrl,
    prefix: uniquePrefix('apis'),
    overrides: {
      CRAWL_HOST_CONCURRENCY: '2',
      CRAWL_HOST_DELAY_MS: '20',
      CRAWL_ALLOWED_HEADERS: 'Accept-Language,X-Kumo-Test',
      CRAWL_CONTACT: 'https://example.org/about-our-crawl',
    },
  });
});

afterAll(async () => {
  await system?.stop();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
});

describe('include and exclude', () => {
  it('without them, a crawl follows every link in scope (as before they existed)', async () => {
    const { paths } = await crawlToEnd({ analyze: false });
    expect(paths).toEqual(Object.keys(SITE).sort());
  });

  it('follows exactly the links that match some include and no exclude; the seed is fetched anyway', async () => {
    const { id, paths } = await crawlToEnd({
      include: [`${origin}/blog/**`, '**/about'],
      exclude: ['**/drafts/**'],
      analyze: false,
    });
    expect(paths).toEqual(['/about', '/blog/2024/d', '/blog/a', '/blog/b', '/index.html']);
    const crawl = (await (await system.request(`/v1/crawls/${id}`)).json()) as { request: Record<string, unknown> };
    expect(crawl.request).toMatchObject({ include: [`${origin}/blog/**`, '**/about'], exclude: ['**/drafts/**'] });
  });

  it('treats `?` as a literal and `*` as staying within a segment', async () => {
    const { paths } = await crawlToEnd({ include: [`${origin}/*`, `${origin}/docs/x?print=*`], analyze: false });
    expect(paths).toEqual(['/about', '/docs/x?print=1', '/index.html']);
  });
});

describe('headers', () => {
  it('sends the crawl headers with every page fetch, beside the User-Agent and Accept kumo sets', async () => {
    const { seen } = await crawlToEnd({
      headers: { 'Accept-Language': 'ja,en;q=0.5', 'x-kumo-test': 'scope' },
      exclude: ['**/blog/**'],
      analyze: false,
    });
    expect(seen.map((request) => request.path).sort()).toEqual(['/about', '/docs/x?print=1', '/index.html']);
    for (const request of seen) {
      expect(request.headers['accept-language'], request.path).toBe('ja,en;q=0.5');
      expect(request.headers['x-kumo-test'], request.path).toBe('scope');
      // The operator's contact rides in the default User-Agent.
      expect(request.headers['user-agent'], request.path).toBe('kumo/0.1 (+https://example.org/about-our-crawl)');
      expect(request.headers.accept, request.path).toMatch(/^text\/html/);
    }
  });

  it('a crawl without headers sends none of them', async () => {
    const { seen } = await crawlToEnd({ include: [], analyze: false });
    expect(seen.map((request) => request.path)).toEqual(['/index.html']);
    expect(seen[0]!.headers['x-kumo-test']).toBeUndefined();
    expect(seen[0]!.headers['accept-language']).toBeUndefined();
  });
});

describe('politeness', () => {
  it('accepts values as strict as the deployment or stricter, and stores them', async () => {
    const { id } = await crawlToEnd({ politeness: { delayMs: 20, concurrency: 1 }, include: [], analyze: false });
    const crawl = (await (await system.request(`/v1/crawls/${id}`)).json()) as { request: Record<string, unknown> };
    expect(crawl.request).toMatchObject({ politeness: { delayMs: 20, concurrency: 1 } });
  });
});

describe('invalid values are 400 problems with errors[].path', () => {
  const seed = () => [`${origin}/index.html`];
  it.each<[string, Record<string, unknown>, string, RegExp]>([
    ['a looser delay', { politeness: { delayMs: 19 } }, 'politeness.delayMs', /20 ms/],
    ['a looser concurrency', { politeness: { concurrency: 3 } }, 'politeness.concurrency', /2/],
    ['an unknown politeness field', { politeness: { rate: 1 } }, 'politeness.rate', /unknown/],
    ['a header not allowed', { headers: { 'X-Other': '1' } }, 'headers.X-Other', /X-Other/],
    ['a forbidden header', { headers: { Cookie: 'a=b' } }, 'headers.Cookie', /Cookie/],
    [
      'a header value with CR LF',
      { headers: { 'accept-language': 'ja\r\nCookie: a' } },
      'headers.accept-language',
      /CR/,
    ],
    ['a relative pattern', { include: ['/blog/**'] }, 'include.0', /absolute URL/],
    ['too many patterns', { exclude: Array.from({ length: 51 }, () => '**/x') }, 'exclude', /50/],
  ])('%s → %s', async (_name, body, path, message) => {
    const response = await postCrawl(system, { urls: seed(), ...body });
    const text = await response.text();
    expect(response.status, text).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = problemSchema.parse(JSON.parse(text));
    expect(problem.code).toBe('KUMO_API_VALIDATION');
    const error = problem.errors?.find((entry) => entry.path === path);
    expect(error, text).toBeDefined();
    expect(error!.message).toMatch(message);
  });
});
