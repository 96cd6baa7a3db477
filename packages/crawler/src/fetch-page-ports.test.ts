import { afterEach, describe, expect, it } from 'vitest';
import { failure, HTML, useFetchHarness } from './__fixtures__/fetch-harness.js';
import { reply, type TestServer } from './__fixtures__/http-server.js';
import { BlockedAddressError, CrawlerErrorCode } from './errors.js';
import { AddressPolicy, createSafeAgent, type HostLookup } from './safe-agent.js';

// Ports on the allow-list, against real servers on 127.0.0.1: an entry with a port opens that port only, an entry
// without one never opens a reserved port (kumo's Redis, API and metrics ports), on every hop and every address.
const { server, crawler } = useFetchHarness();

const page = (): Promise<TestServer> =>
  server((_request, response) => reply(response, 200, HTML, { 'content-type': 'text/html' }));

/** Every name resolves to 127.0.0.1, like a DNS answer pointing at this machine. */
const toLoopback: HostLookup = async () => [{ address: '127.0.0.1', family: 4 }];

describe('an allow-list entry with a port', () => {
  it('lets a crawl fetch from that port of 127.0.0.1 and from no other', async () => {
    const allowed = await page();
    const other = await page();
    const c = crawler({ allowHosts: [`127.0.0.1:${allowed.port}`] });

    expect((await c.fetchPage(`${allowed.origin}/`)).status).toBe('fetched');
    const error = await failure(c.fetchPage(`${other.origin}/`));
    expect(error).toMatchObject({ code: CrawlerErrorCode.BLOCKED_ADDRESS, address: '127.0.0.1', port: other.port });
    expect(error.message).toMatch(new RegExp(`not on port ${other.port}`));
    expect(allowed.connections).toBe(1);
    expect(other.connections).toBe(0);
  });

  it('opens the port for a host name entry, not for the other ports its addresses have', async () => {
    const allowed = await page();
    const other = await page();
    const c = crawler({ allowHosts: [`site.test:${allowed.port}`], lookup: toLoopback });

    expect((await c.fetchPage(`http://site.test:${allowed.port}/`)).status).toBe('fetched');
    expect((await failure(c.fetchPage(`http://site.test:${other.port}/`))).code).toBe(CrawlerErrorCode.BLOCKED_ADDRESS);
    expect(other.connections).toBe(0);
  });

  it('refuses a redirect to another port without connecting to it', async () => {
    const target = await page();
    const start = await server((_request, response) =>
      reply(response, 302, '', { location: `http://127.0.0.1:${target.port}/` }),
    );
    const c = crawler({ allowHosts: [`127.0.0.1:${start.port}`] });

    const error = await failure(c.fetchPage(`${start.origin}/`));
    expect(error).toMatchObject({ code: CrawlerErrorCode.BLOCKED_ADDRESS, url: `http://127.0.0.1:${target.port}/` });
    expect(start.connections).toBe(1);
    expect(target.connections).toBe(0);
  });
});

describe('an allow-list entry without a port', () => {
  it('fetches any other port of the host', async () => {
    const site = await page();
    const c = crawler({ allowHosts: ['127.0.0.1'], reservedPorts: [6379] });
    expect((await c.fetchPage(`${site.origin}/`)).status).toBe('fetched');
  });

  it.each([
    ['the literal address', ['127.0.0.1'], (port: number) => `http://127.0.0.1:${port}/`],
    ['an allowed host name', ['localhost'], (port: number) => `http://localhost:${port}/`],
    ['a name resolving to an allowed address', ['127.0.0.1'], (port: number) => `http://redis.test:${port}/`],
  ])('never opens a reserved port (Redis): %s', async (_name, allowHosts, url) => {
    const redis = await page();
    const c = crawler({ allowHosts, reservedPorts: [redis.port], lookup: toLoopback });

    const outcome = await c.crawlPage({ url: url(redis.port), depth: 0, scope: 'same-host' });
    expect(outcome.page.status).toBe('failed');
    expect(outcome.page.error?.code).toBe(CrawlerErrorCode.BLOCKED_ADDRESS);
    expect(redis.connections).toBe(0);
  });

  it('refuses a redirect to a reserved port, through a host name too', async () => {
    const redis = await page();
    const start = await server((request, response) =>
      reply(response, 302, '', {
        location: request.url === '/name' ? `http://redis.test:${redis.port}/` : `http://127.0.0.1:${redis.port}/`,
      }),
    );
    const c = crawler({ allowHosts: ['127.0.0.1'], reservedPorts: [redis.port], lookup: toLoopback });

    for (const path of ['/literal', '/name']) {
      const error = await failure(c.fetchPage(`${start.origin}${path}`));
      expect(error, path).toMatchObject({ code: CrawlerErrorCode.BLOCKED_ADDRESS, port: redis.port });
    }
    expect(start.connections).toBeGreaterThan(0);
    expect(redis.connections).toBe(0);
  });
});

// Straight to the agent, without fetchPage's URL check in front: the port is checked at connect time, which is what
// covers redirect hops and DNS answers.
describe('createSafeAgent ports', () => {
  const agents: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(agents.splice(0).map((agent) => agent.close()));
  });

  it.each([
    ['literal IP', (port: number) => `http://127.0.0.1:${port}`],
    ['resolved host name', (port: number) => `http://redis.test:${port}`],
  ])('refuses a reserved port at connect time (%s)', async (_name, origin) => {
    const redis = await page();
    const agent = createSafeAgent({
      policy: new AddressPolicy(['127.0.0.1'], { reservedPorts: [redis.port] }),
      lookup: toLoopback,
    });
    agents.push(agent);
    const request = agent.request({ origin: origin(redis.port), path: '/', method: 'GET' });
    await expect(request).rejects.toBeInstanceOf(BlockedAddressError);
    await expect(request).rejects.toMatchObject({ port: redis.port });
    expect(redis.connections).toBe(0);
  });
});
