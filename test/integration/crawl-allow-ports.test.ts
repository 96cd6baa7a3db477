import { createServer, type Server } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openCrawlClient, pagesByUrl, type CrawlClient } from '../helpers/crawl-harness.js';
import { redisNodes, testEnv, uniquePrefix } from '../helpers/env.js';
import { startApp, type AppProcess } from '../helpers/processes.js';

// The crawl-worker as the test suite runs it — CRAWL_ALLOW_HOSTS='127.0.0.1,localhost' and Redis on 127.0.0.1 —
// plus a `host:port` entry: the worker starts, fetches a local site, and never opens Redis's port or its own
// (here its API_PORT, held by a listener that counts connections), not even through a redirect.

const BLOCKED = 'KUMO_CRAWLER_BLOCKED_ADDRESS';
const redis = inject('redisEnv');
const prefix = uniquePrefix('ports');
const redisPort = Number(new URL(`redis://${redisNodes(redis)[0]}`).port);
let app: AppProcess;
let client: CrawlClient;
let site: Server;
let sitePort: number;
/** Stands in for kumo's API port: a crawl must never reach it. */
let own: net.Server;
let ownPort: number;
let ownConnections = 0;

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  own = net.createServer((socket) => {
    ownConnections += 1;
    socket.destroy();
  });
  ownPort = await listen(own);
  site = createServer((request, response) => {
    if (request.url === '/to-own') {
      response.writeHead(302, { location: `http://127.0.0.1:${ownPort}/redirected` }).end();
    } else {
      response.writeHead(200, { 'content-type': 'text/html' }).end('<!DOCTYPE html><title>site</title><p>ok</p>');
    }
  });
  sitePort = await listen(site);
  const env = testEnv({
    redis,
    prefix,
    overrides: { CRAWL_ALLOW_HOSTS: `127.0.0.1,localhost,[::1]:${sitePort}`, API_PORT: String(ownPort) },
  });
  app = startApp('crawl-worker', env);
  client = openCrawlClient({ redis, prefix });
  await app.waitReady();
});

afterAll(async () => {
  await app?.stop();
  await client?.close();
  await new Promise((resolve) => site?.close(resolve));
  await new Promise((resolve) => own?.close(resolve));
});

describe('CRAWL_ALLOW_HOSTS ports in the crawl-worker', () => {
  it("fetches a local site but never Redis's port or kumo's own, directly or through a redirect", async () => {
    const refused = [
      `http://127.0.0.1:${redisPort}/redis`,
      `http://localhost:${redisPort}/redis-by-name`,
      `http://127.0.0.1:${ownPort}/api`,
      `http://localhost:${ownPort}/api-by-name`,
      `http://127.0.0.1:${sitePort}/to-own`,
    ];
    const allowed = `http://127.0.0.1:${sitePort}/index.html`;
    const id = await client.submit({ urls: [allowed, ...refused], maxDepth: 0, analyze: false });
    await client.waitForCrawlDrained();

    const pages = pagesByUrl(await client.readPages(id));
    expect(pages.get(allowed)?.status).toBe('fetched');
    for (const url of refused) {
      expect({ status: pages.get(url)?.status, code: pages.get(url)?.error?.code }, url).toEqual({
        status: 'failed',
        code: BLOCKED,
      });
    }
    expect(ownConnections).toBe(0);
  });
});
