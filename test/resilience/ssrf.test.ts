import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { AddressPolicy, createCrawler, isIpLiteral, type Crawler, type HostLookup } from '@kumo/crawler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCrawlClient, type CrawlClient } from '../helpers/crawl-harness.js';
import { expectCompleteCrawl, submitCrawl, waitForEnd, type ExpectedOutcome } from './helpers/crawl-checks.js';
import { startDedicatedRedis, type DedicatedRedis } from './helpers/dedicated-redis.js';
import { html, linkPage, startRouteServer, type RouteHandler, type RouteServer } from './helpers/route-server.js';
import { KumoSystem } from './helpers/system.js';

const BLOCKED = 'KUMO_CRAWLER_BLOCKED_ADDRESS';

/** The private service an attacker wants to reach: counts every TCP connection, answers nothing. */
interface PrivateListener {
  port: number;
  connections: number;
  close(): Promise<void>;
}

async function listen(host: string): Promise<PrivateListener> {
  const sockets = new Set<net.Socket>();
  const listener = { port: 0, connections: 0, close: async () => {} };
  const server = net.createServer((socket) => {
    listener.connections += 1;
    sockets.add(socket);
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  listener.port = (server.address() as AddressInfo).port;
  listener.close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return listener;
}

let v4: PrivateListener;
let v6: PrivateListener;
/** An allowed "public-looking" site (127.0.0.2 is on the allow-list) that redirects wherever `?to=` says. */
let redirector: RouteServer;
/** Names our lookup hook was asked for: it resolves every name to loopback, like a hostile DNS answer. */
const lookedUp: string[] = [];
const toLoopback: HostLookup = async (hostname) => {
  lookedUp.push(hostname);
  return [{ address: '127.0.0.1', family: 4 }];
};
/** No allow-list at all. */
let strict: Crawler;
/** Only the redirector's address allowed. */
let withRedirector: Crawler;

beforeAll(async () => {
  [v4, v6] = await Promise.all([listen('127.0.0.1'), listen('::1')]);
  const hop: RouteHandler = (req, res) => {
    const to = new URL(req.url ?? '/', 'http://x.invalid').searchParams.get('to') ?? '/';
    res.writeHead(302, { location: to }).end();
  };
  redirector = await startRouteServer(
    { '/hop': hop, '/hop2': hop, '/ok.html': html(linkPage('公開ページ', [])) },
    { host: '127.0.0.2' },
  );
  const common = { lookup: toLoopback, connectTimeoutMs: 2000, headersTimeoutMs: 2000, requestTimeoutMs: 5000 };
  strict = createCrawler(common);
  withRedirector = createCrawler({ ...common, allowHosts: ['127.0.0.2'] });
});

afterAll(async () => {
  await Promise.all([strict?.close(), withRedirector?.close()]);
  await Promise.all([v4?.close(), v6?.close(), redirector?.close()]);
});

/** URLs that must be refused with no allow-list. `p` is the IPv4 listener's port, `p6` the IPv6 one's. */
function directCases(p: number, p6: number): Array<[string, string]> {
  return [
    ['loopback', `http://127.0.0.1:${p}/`],
    ['loopback, other address of 127/8', `http://127.0.0.53:${p}/`],
    ['https to loopback', `https://127.0.0.1:${p}/`],
    ['localhost', `http://localhost:${p}/`],
    ['LOCALHOST, trailing dot', `http://LOCALHOST.:${p}/`],
    ['IPv6 loopback', `http://[::1]:${p6}/`],
    ['IPv6 loopback, long form', `http://[0:0:0:0:0:0:0:1]:${p6}/`],
    ['unspecified 0.0.0.0', `http://0.0.0.0:${p}/`],
    ['unspecified ::', `http://[::]:${p6}/`],
    ['10/8', `http://10.0.0.1:${p}/`],
    ['10/8, high end', `http://10.255.255.254/`],
    ['172.16/12', `http://172.16.0.1:${p}/`],
    ['172.16/12, high end', `http://172.31.255.254/`],
    ['192.168/16', `http://192.168.1.1:${p}/`],
    ['link-local', `http://169.254.1.1/`],
    ['cloud metadata', `http://169.254.169.254/latest/meta-data/`],
    ['carrier-grade NAT', `http://100.64.0.1/`],
    ['multicast', `http://224.0.0.1/`],
    ['broadcast', `http://255.255.255.255/`],
    ['IPv6 unique-local', `http://[fd00::1]:${p6}/`],
    ['IPv6 link-local', `http://[fe80::1]/`],
    ['IPv6 metadata (AWS)', `http://[fd00:ec2::254]/`],
    ['IPv4-mapped loopback', `http://[::ffff:127.0.0.1]:${p}/`],
    ['IPv4-mapped loopback, hex', `http://[::ffff:7f00:1]:${p}/`],
    ['IPv4-mapped private', `http://[::ffff:10.0.0.1]/`],
    ['IPv4-mapped metadata', `http://[::ffff:169.254.169.254]/`],
    ['IPv4-compatible loopback', `http://[::127.0.0.1]:${p}/`],
    ['NAT64 loopback', `http://[64:ff9b::127.0.0.1]:${p}/`],
    ['6to4 private', `http://[2002:a00:1::1]/`],
    ['decimal loopback', `http://2130706433:${p}/`],
    ['octal loopback', `http://0177.0.0.1:${p}/`],
    ['octal loopback, one number', `http://017700000001:${p}/`],
    ['hex loopback', `http://0x7f.0.0.1:${p}/`],
    ['hex loopback, one number', `http://0x7f000001:${p}/`],
    ['short loopback', `http://127.1:${p}/`],
    ['decimal private', `http://167772161/`],
    ['hex metadata', `http://0xa9fea9fe/`],
    ['mixed-radix private', `http://0xc0.0250.1.1/`],
    ['a name resolving to loopback', `http://evil.test:${p}/`],
    ['a public-looking name resolving to loopback', `http://127.0.0.1.nip.io:${p}/`],
    ['a subdomain of localhost', `http://app.localhost:${p}/`],
  ];
}

/** Refuses to run a case whose connection would leave the machine unless the policy refuses it first. */
function guardLiteral(url: string) {
  const host = new URL(url).hostname;
  if (isIpLiteral(host)) {
    expect(new AddressPolicy([]).check(host, host), `${url} is refused by the policy`).toMatchObject({
      allowed: false,
    });
  }
}

describe('SSRF: @kumo/crawler with no allow-list', () => {
  const cases = directCases(0, 0).map(([name]) => name);
  it.each(
    cases.flatMap((name) => [
      { name, robots: true },
      { name, robots: false },
    ]),
  )(
    '$name (robots.txt consulted: $robots) → failed, KUMO_CRAWLER_BLOCKED_ADDRESS, no connection',
    async ({ name, robots }) => {
      const url = new Map(directCases(v4.port, v6.port)).get(name)!;
      guardLiteral(url);
      const before = v4.connections + v6.connections;
      const outcome = await strict.crawlPage({ url, depth: 0, scope: 'same-host', respectRobots: robots });
      expect(outcome.page.status, JSON.stringify(outcome.page)).toBe('failed');
      expect(outcome.page.error?.code, JSON.stringify(outcome.page.error)).toBe(BLOCKED);
      expect(outcome.transient).toBe(false);
      expect(v4.connections + v6.connections).toBe(before);
    },
  );

  it('asked the lookup hook for the names (so names were checked after resolution, not by spelling)', () => {
    expect(lookedUp).toEqual(expect.arrayContaining(['localhost', 'evil.test', '127.0.0.1.nip.io', 'app.localhost']));
  });
});

describe('SSRF: an allowed site redirecting to a private address', () => {
  const targets = (p: number, p6: number): Array<[string, string]> => [
    ['loopback', `http://127.0.0.1:${p}/admin`],
    ['localhost', `http://localhost:${p}/admin`],
    ['IPv6 loopback', `http://[::1]:${p6}/admin`],
    ['a name resolving to loopback', `http://evil.test:${p}/admin`],
    ['decimal loopback', `http://2130706433:${p}/admin`],
    ['IPv4-mapped loopback', `http://[::ffff:127.0.0.1]:${p}/admin`],
    ['cloud metadata', `http://169.254.169.254/latest/meta-data/`],
    ['private 10/8', `http://10.0.0.1/`],
  ];
  it.each(targets(0, 0).map(([name]) => ({ name })))(
    '$name → failed, KUMO_CRAWLER_BLOCKED_ADDRESS, the redirector was asked, the private listener never',
    async ({ name }) => {
      const target = new Map(targets(v4.port, v6.port)).get(name)!;
      guardLiteral(target);
      const before = v4.connections + v6.connections;
      const hops = redirector.requests.get('/hop') ?? 0;
      const url = `${redirector.url}/hop?to=${encodeURIComponent(target)}`;
      const outcome = await withRedirector.crawlPage({ url, depth: 0, scope: 'same-host' });
      // Failed as blocked, like the same target as a seed — also a hop to a *name*, where robots.txt of the new
      // origin is asked for first: that fetch is refused too, and a refused origin fails the page (it is not a
      // robots.txt that disallowed it, so never skipped/robots).
      expect({ status: outcome.page.status, reason: outcome.page.reason }, JSON.stringify(outcome.page)).toEqual({
        status: 'failed',
        reason: undefined,
      });
      expect(outcome.page.error?.code, JSON.stringify(outcome.page.error)).toBe(BLOCKED);
      expect(outcome.transient).toBe(false);
      expect(outcome.page.finalUrl).toBe(new URL(target).href);
      expect(redirector.requests.get('/hop')).toBe(hops + 1);
      expect(v4.connections + v6.connections).toBe(before);
    },
  );

  it('two hops (allowed → allowed → private) are refused at the last one', async () => {
    const last = `http://127.0.0.1:${v4.port}/admin`;
    const middle = `${redirector.url}/hop2?to=${encodeURIComponent(last)}`;
    const url = `${redirector.url}/hop?to=${encodeURIComponent(middle)}`;
    const outcome = await withRedirector.crawlPage({ url, depth: 0, scope: 'same-host' });
    expect(outcome.page.error?.code).toBe(BLOCKED);
    expect(outcome.page.finalUrl).toBe(last);
    expect(v4.connections + v6.connections).toBe(0);
  });
});

describe('SSRF through the real pipeline (API, crawl-worker, analysis-worker; only 127.0.0.2 allowed)', () => {
  let redis: DedicatedRedis;
  let system: KumoSystem;
  let client: CrawlClient;

  beforeAll(async () => {
    redis = await startDedicatedRedis('ssrf');
    system = await KumoSystem.start({ redisUrl: redis.url, overrides: { CRAWL_ALLOW_HOSTS: '127.0.0.2' } });
    client = openCrawlClient({ redisUrl: redis.url, prefix: system.prefix });
  });

  afterAll(async () => {
    await system?.stop();
    await client?.close();
    await redis?.close();
  });

  it('every seed aimed at loopback, in any spelling or through a redirect, fails blocked; nothing connects', async () => {
    const p = v4.port;
    // Only loopback targets here: a broken policy in a worker would still never send traffic off this machine.
    const seeds = [
      `http://127.0.0.1:${p}/plain`,
      `http://localhost:${p}/name`,
      `http://[::1]:${v6.port}/v6`,
      `http://2130706433:${p}/decimal`,
      `http://0x7f.0.0.1:${p}/hex`,
      `http://0177.0.0.1:${p}/octal`,
      `http://[::ffff:127.0.0.1]:${p}/mapped`,
      `http://0.0.0.0:${p}/unspecified`,
      `${redirector.url}/hop?to=${encodeURIComponent(`http://127.0.0.1:${p}/redirected`)}`,
      // A redirect to a *name* of loopback (the worker's own resolver: localhost is 127.0.0.1 or ::1).
      `${redirector.url}/hop?to=${encodeURIComponent(`http://localhost:${p}/redirected-name`)}`,
    ];
    const before = v4.connections + v6.connections;
    // One allowed page, so that the crawl has something to report (a crawl with no page fetched ends `failed`).
    const id = await submitCrawl(system, { urls: [...seeds, `${redirector.url}/ok.html`], maxDepth: 1 });
    expect((await waitForEnd(client.state, id)).status).toBe('completed');
    const expected = new Map<string, ExpectedOutcome>(
      seeds.map((seed) => [new URL(seed).href, { status: 'failed', code: BLOCKED }]),
    );
    expected.set(`${redirector.url}/ok.html`, { status: 'fetched', httpStatus: 200 });
    await expectCompleteCrawl(system, client.queues, id, expected);
    expect(v4.connections + v6.connections).toBe(before);
  });
});
