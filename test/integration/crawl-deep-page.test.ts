import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openCrawlClient, pagesByUrl, type CrawlClient } from '../helpers/crawl-harness.js';
import { testEnv, uniquePrefix } from '../helpers/env.js';
import { startApp, type AppProcess } from '../helpers/processes.js';

/**
 * Issue 21, point 3: parsing a ~5 MB deeply nested page took 9–21 s on the crawl worker's event loop, past the
 * job's lock (4 s here): BullMQ handed the job to the other process and the site saw the request twice. Big pages
 * are parsed on a worker thread now, so the lock is renewed on time and every URL is requested once.
 */
const redisUrl = inject('redisUrl');
const prefix = uniquePrefix('deep');
const DEEP_PAGES = 3;

/** About 5 MB of `<div><span>` nested ~190,000 levels deep (the parser drops what is deeper than 256). */
function deepPage(index: number): string {
  const open = '<div><span class="x">深い';
  const close = '</span></div>';
  const levels = Math.floor(5_000_000 / Buffer.byteLength(open + close));
  return (
    `<!doctype html><html><head><title>deep ${index}</title></head><body><a href="/small-${index}.html">small</a>` +
    `${open.repeat(levels)}${close.repeat(levels)}</body></html>`
  );
}

const pages = new Map<string, string>([
  [
    '/index.html',
    `<html><body>${Array.from({ length: DEEP_PAGES }, (_, i) => `<a href="/deep-${i}.html">deep ${i}</a>`).join('')}</body></html>`,
  ],
  ...Array.from({ length: DEEP_PAGES }, (_, i) => [`/deep-${i}.html`, deepPage(i)] as [string, string]),
  ...Array.from({ length: DEEP_PAGES }, (_, i) => [`/small-${i}.html`, `<p>small page ${i}</p>`] as [string, string]),
]);
const requests = new Map<string, number>();
let server: http.Server;
let origin: string;
let apps: AppProcess[] = [];
let client: CrawlClient;

beforeAll(async () => {
  server = http.createServer((request, response) => {
    const path = request.url ?? '/';
    requests.set(path, (requests.get(path) ?? 0) + 1);
    const body = pages.get(path);
    if (body === undefined) return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const env = testEnv({
    redisUrl,
    prefix,
    overrides: { WORKER_PROCESSES: '1', CRAWL_CONCURRENCY: '4', CRAWL_MAX_BODY_BYTES: String(8 * 1024 * 1024) },
  });
  apps = [startApp('crawl-worker', env), startApp('crawl-worker', env)];
  client = openCrawlClient({ redisUrl, prefix });
  await Promise.all(apps.map((app) => app.waitReady()));
});

afterAll(async () => {
  await Promise.all(apps.map((app) => app.stop()));
  await client?.close();
  server?.closeAllConnections();
  server?.close();
});

describe('a 5 MB deeply nested page in a two-process crawl', () => {
  it('is requested once per URL: its parse does not hold the event loop past the job lock', async () => {
    const id = await client.submit({ urls: [`${origin}/index.html`], maxDepth: 2, maxPages: 100, analyze: false });
    await client.waitForCrawlDrained({ timeoutMs: 240_000 });
    const results = pagesByUrl(await client.readPages(id));
    expect([...results.keys()].sort()).toEqual([...pages.keys()].map((path) => `${origin}${path}`).sort());
    for (const [url, page] of results) expect(page.status, url).toBe('fetched');
    const pageRequests = Object.fromEntries([...requests].filter(([path]) => pages.has(path)));
    expect(pageRequests).toEqual(Object.fromEntries([...pages.keys()].map((path) => [path, 1])));
  }, 300_000);
});
