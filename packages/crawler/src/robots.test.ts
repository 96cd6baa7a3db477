import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { reply, startServer, type TestServer } from './__fixtures__/http-server.js';
import { createCrawler, type Crawler } from './crawler.js';
import type { CrawlerOptions } from './options.js';
import { RobotsRules, robotsAgentToken } from './robots.js';
import { MemoryRobotsStore } from './robots-store.js';

const HTML = '<html><body><a href="/public/x">x</a><a href="/private/y">y</a></body></html>';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((close) => close()));
});

async function site(robots: (response: ServerResponse) => void): Promise<TestServer> {
  const server = await startServer((request, response) => {
    if (request.url === '/robots.txt') robots(response);
    else reply(response, 200, HTML, { 'content-type': 'text/html' });
  });
  cleanup.push(() => server.close());
  return server;
}

function crawler(options: CrawlerOptions = {}): Crawler {
  const created = createCrawler({ allowHosts: ['127.0.0.1'], userAgent: 'kumo/0.1 (+http://127.0.0.1/)', ...options });
  cleanup.push(() => created.close());
  return created;
}

const ROBOTS = ['User-agent: *', 'Disallow: /', '', 'User-agent: kumo', 'Disallow: /private/', 'Crawl-delay: 2.5'].join(
  '\n',
);

describe('RobotsPolicy', () => {
  it('applies our group: disallow and Crawl-delay', async () => {
    const server = await site((response) => reply(response, 200, ROBOTS, { 'content-type': 'text/plain' }));
    const c = crawler();
    expect(await c.robots.isAllowed(`${server.origin}/public/x`)).toBe(true);
    expect(await c.robots.isAllowed(`${server.origin}/private/y`)).toBe(false);
    expect(await c.robots.crawlDelayMs(server.origin)).toBe(2500);
    // Another crawler falls in the `*` group.
    expect(await c.robots.isAllowed(`${server.origin}/public/x`, 'otherbot/1.0')).toBe(false);
    expect(server.requests.filter((request) => request === 'GET /robots.txt')).toHaveLength(1);
  });

  it('skips a disallowed page without fetching it, and reports the crawl delay', async () => {
    const server = await site((response) => reply(response, 200, ROBOTS, { 'content-type': 'text/plain' }));
    const outcome = await crawler().crawlPage({ url: `${server.origin}/private/y`, depth: 1, scope: 'same-host' });
    expect(outcome.page).toMatchObject({ status: 'skipped', reason: 'robots' });
    expect(outcome).toMatchObject({ transient: false, crawlDelayMs: 2500 });
    expect(server.requests).toEqual(['GET /robots.txt']);
  });

  it('skips a redirect hop that robots.txt disallows', async () => {
    const server = await startServer((request, response) => {
      if (request.url === '/robots.txt') reply(response, 200, 'User-agent: *\nDisallow: /private/');
      else if (request.url === '/go') reply(response, 302, '', { location: '/private/z' });
      else reply(response, 200, HTML, { 'content-type': 'text/html' });
    });
    cleanup.push(() => server.close());
    const outcome = await crawler().crawlPage({ url: `${server.origin}/go`, depth: 1, scope: 'same-host' });
    expect(outcome.page).toMatchObject({ status: 'skipped', reason: 'robots', finalUrl: `${server.origin}/private/z` });
    expect(server.requests).not.toContain('GET /private/z');
  });

  it.each([404, 410, 401, 403])('allows everything when robots.txt answers %i', async (status) => {
    const server = await site((response) => reply(response, status, 'nope'));
    const c = crawler();
    const rules = await c.fetchRobots(server.origin);
    expect(rules.state).toBe('allow-all');
    expect(rules.isAllowed(`${server.origin}/private/y`, c.options.userAgent)).toBe(true);
  });

  it.each([500, 503, 429])('disallows everything for now when robots.txt answers %i, transiently', async (status) => {
    const server = await site((response) => reply(response, status, 'down'));
    const c = crawler();
    const outcome = await c.crawlPage({ url: `${server.origin}/public/x`, depth: 0, scope: 'same-host' });
    expect(outcome.page).toMatchObject({
      status: 'skipped',
      reason: 'robots',
      error: { code: 'KUMO_CRAWLER_ROBOTS_UNAVAILABLE' },
    });
    expect(outcome.transient).toBe(true);
    expect(server.requests).toEqual(['GET /robots.txt']);
  });

  it('does not store an unavailable robots.txt and asks again once the error TTL passed', async () => {
    let status = 503;
    const server = await site((response) => reply(response, status, 'User-agent: *\nDisallow: /private/'));
    const store = new MemoryRobotsStore();
    const c = crawler({ robotsStore: store, robotsErrorTtlMs: 0 });
    expect((await c.fetchRobots(server.origin)).state).toBe('unavailable');
    expect(await store.get(server.origin)).toBeNull();
    status = 200;
    expect((await c.fetchRobots(server.origin)).state).toBe('parsed');
    expect(await store.get(server.origin)).toBe('User-agent: *\nDisallow: /private/');
  });

  it('follows redirects for robots.txt', async () => {
    const server = await startServer((request, response) => {
      if (request.url === '/robots.txt') reply(response, 301, '', { location: '/real-robots.txt' });
      else reply(response, 200, 'User-agent: *\nDisallow: /private/');
    });
    cleanup.push(() => server.close());
    expect(await crawler().robots.isAllowed(`${server.origin}/private/a`)).toBe(false);
  });

  it('uses the shared store first and asks it once per origin', async () => {
    const server = await site((response) => reply(response, 200, 'User-agent: *\nAllow: /'));
    const store = new MemoryRobotsStore();
    await store.set(server.origin, 'User-agent: *\nDisallow: /');
    let gets = 0;
    const counting = { get: (origin: string) => ((gets += 1), store.get(origin)), set: store.set.bind(store) };
    const c = crawler({ robotsStore: counting });
    const results = await Promise.all([1, 2, 3].map(() => c.robots.isAllowed(`${server.origin}/a`)));
    expect(results).toEqual([false, false, false]);
    expect(await c.robots.isAllowed(`${server.origin}/b`)).toBe(false);
    expect(gets).toBe(1);
    expect(server.requests).toEqual([]);
  });

  it('shares one fetch between concurrent callers and writes the body to the store', async () => {
    const server = await site((response) => setTimeout(() => reply(response, 200, ROBOTS), 50));
    const store = new MemoryRobotsStore();
    const c = crawler({ robotsStore: store });
    await Promise.all([1, 2, 3, 4].map(() => c.fetchRobots(server.origin)));
    expect(server.requests).toEqual(['GET /robots.txt']);
    expect(await store.get(server.origin)).toBe(ROBOTS);
  });

  it('fails the page when the origin itself is blocked (robots.txt cannot hide it)', async () => {
    const server = await site((response) => reply(response, 200, ''));
    const outcome = await crawler({ allowHosts: [] }).crawlPage({
      url: `${server.origin}/public/x`,
      depth: 0,
      scope: 'same-host',
    });
    expect(outcome.page).toMatchObject({ status: 'failed', error: { code: 'KUMO_CRAWLER_BLOCKED_ADDRESS' } });
    expect(outcome.transient).toBe(false);
    expect(server.connections).toBe(0);
  });

  // robots.txt that cannot be fetched because its origin cannot be reached has disallowed nothing: the page fails
  // with the origin's error, as its own fetch would. Only a blocked address, an unknown host or TLS are permanent.
  describe('an origin that cannot be reached for robots.txt', () => {
    async function closedPort(): Promise<number> {
      const closed = await startServer(() => undefined);
      await closed.close();
      return closed.port;
    }

    it('fails a page on a closed port with KUMO_CRAWLER_CONNECTION, transient (not skipped/robots)', async () => {
      const url = `http://127.0.0.1:${await closedPort()}/index.html`;
      const c = crawler();
      const outcome = await c.crawlPage({ url, depth: 0, scope: 'same-host' });
      expect(outcome.page).toMatchObject({
        status: 'failed',
        finalUrl: url,
        error: { code: 'KUMO_CRAWLER_CONNECTION' },
      });
      expect(outcome.page.reason).toBeUndefined();
      expect(outcome.transient).toBe(true);
      const rules = await c.fetchRobots(url);
      expect(rules.state).toBe('unreachable');
      expect(rules.isAllowed(url, c.options.userAgent)).toBe(false);
    });

    it('fails a page whose robots.txt never answers with KUMO_CRAWLER_TIMEOUT, transient', async () => {
      const server = await site(() => undefined);
      const outcome = await crawler({ headersTimeoutMs: 200 }).crawlPage({
        url: `${server.origin}/public/x`,
        depth: 0,
        scope: 'same-host',
      });
      expect(outcome.page).toMatchObject({ status: 'failed', error: { code: 'KUMO_CRAWLER_TIMEOUT' } });
      expect(outcome.transient).toBe(true);
      expect(server.requests).toEqual(['GET /robots.txt']);
    });

    it('fails a redirect hop to a closed port with KUMO_CRAWLER_CONNECTION at the hop', async () => {
      const target = `http://127.0.0.1:${await closedPort()}/moved`;
      const server = await startServer((request, response) =>
        request.url === '/robots.txt' ? reply(response, 404) : reply(response, 302, '', { location: target }),
      );
      cleanup.push(() => server.close());
      const outcome = await crawler().crawlPage({ url: `${server.origin}/go`, depth: 0, scope: 'same-host' });
      expect(outcome.page).toMatchObject({
        status: 'failed',
        finalUrl: target,
        error: { code: 'KUMO_CRAWLER_CONNECTION' },
      });
      expect(outcome.transient).toBe(true);
    });

    it.each([
      ['a name resolving to a refused address', (port: number) => `http://evil.test:${port}/admin`],
      ['a refused literal address', (port: number) => `http://127.0.0.3:${port}/admin`],
    ])('fails a redirect hop to %s with KUMO_CRAWLER_BLOCKED_ADDRESS, permanent', async (_name, target) => {
      const listener = await startServer((_request, response) => reply(response, 200, HTML));
      cleanup.push(() => listener.close());
      const hop = target(listener.port);
      const server = await startServer((request, response) =>
        request.url === '/robots.txt' ? reply(response, 404) : reply(response, 302, '', { location: hop }),
      );
      cleanup.push(() => server.close());
      // Only 127.0.0.1 is allowed; the name resolves to 127.0.0.3, which is loopback and refused.
      const c = crawler({ lookup: async () => [{ address: '127.0.0.3', family: 4 }] });
      const outcome = await c.crawlPage({ url: `${server.origin}/go`, depth: 0, scope: 'same-host' });
      expect(outcome.page).toMatchObject({
        status: 'failed',
        finalUrl: hop,
        error: { code: 'KUMO_CRAWLER_BLOCKED_ADDRESS' },
      });
      expect(outcome.page.reason).toBeUndefined();
      expect(outcome.transient).toBe(false);
      expect(listener.connections).toBe(0);
    });

    it('skips (robots, transient) a redirect hop whose robots.txt answers 503: the server answered', async () => {
      const target = await site((response) => reply(response, 503, 'down'));
      const server = await startServer((request, response) =>
        request.url === '/robots.txt'
          ? reply(response, 404)
          : reply(response, 302, '', { location: `${target.origin}/x` }),
      );
      cleanup.push(() => server.close());
      const outcome = await crawler().crawlPage({ url: `${server.origin}/go`, depth: 0, scope: 'same-host' });
      expect(outcome.page).toMatchObject({
        status: 'skipped',
        reason: 'robots',
        error: { code: 'KUMO_CRAWLER_ROBOTS_UNAVAILABLE' },
      });
      expect(outcome.transient).toBe(true);
    });

    it('reads robots.txt redirected to an unreachable server as unavailable: the origin itself answered', async () => {
      const elsewhere = `http://127.0.0.1:${await closedPort()}/robots.txt`;
      const server = await site((response) => reply(response, 301, '', { location: elsewhere }));
      const rules = await crawler().fetchRobots(server.origin);
      expect(rules.state).toBe('unavailable');
      expect(rules.error?.code).toBe('KUMO_CRAWLER_ROBOTS_UNAVAILABLE');
    });
  });

  it('takes the robots token from the User-Agent', () => {
    expect(robotsAgentToken('kumo/0.1 (+https://example.com)')).toBe('kumo');
    expect(robotsAgentToken('Kumo-Crawler')).toBe('Kumo-Crawler');
    expect(robotsAgentToken('(weird)')).toBe('*');
  });

  it('treats an empty robots.txt as allow-all and ignores garbage', () => {
    expect(
      new RobotsRules('http://a.test', 'parsed', '<html>not robots</html>').isAllowed('http://a.test/x', 'kumo'),
    ).toBe(true);
  });
});
