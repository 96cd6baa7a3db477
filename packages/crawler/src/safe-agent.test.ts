import type { LookupAddress } from 'node:dns';
import { afterEach, describe, expect, it } from 'vitest';
import { reply, startServer, type TestServer } from './__fixtures__/http-server.js';
import { BlockedAddressError, CrawlerOptionsError } from './errors.js';
import {
  AddressPolicy,
  classifyAddress,
  createSafeAgent,
  createSafeLookup,
  isIpLiteral,
  type AddressCategory,
} from './safe-agent.js';

describe('classifyAddress', () => {
  const table: [string, AddressCategory][] = [
    ['93.184.216.34', 'public'],
    ['2606:2800:220:1:248:1893:25c8:1946', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.1', 'public'],
    ['192.168.1.1', 'private'],
    ['169.254.1.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456::1', 'unique-local'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['100.64.0.1', 'carrier-grade-nat'],
    ['100.127.255.254', 'carrier-grade-nat'],
    ['169.254.169.254', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['192.0.2.1', 'reserved'],
    ['240.0.0.1', 'reserved'],
    // IPv6 forms that carry an IPv4 address are judged by the IPv4 address.
    ['::ffff:127.0.0.1', 'loopback'],
    ['[::ffff:7f00:1]', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['::ffff:93.184.216.34', 'public'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['64:ff9b::5db8:d822', 'public'],
    ['2002:7f00:1::', 'loopback'],
    ['2002:c0a8:101::1', 'private'],
    ['::127.0.0.1', 'loopback'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'reserved'],
    ['2001:db8::1', 'reserved'],
    ['example.com', 'invalid'],
    ['0x7f.1', 'invalid'],
    ['2130706433', 'invalid'],
  ];
  it.each(table)('%s is %s', (address, category) => {
    expect(classifyAddress(address)).toBe(category);
  });

  it('recognises IP literals only in canonical forms', () => {
    expect(isIpLiteral('127.0.0.1')).toBe(true);
    expect(isIpLiteral('[::1]')).toBe(true);
    expect(isIpLiteral('localhost')).toBe(false);
    expect(isIpLiteral('0177.0.0.1')).toBe(false);
  });
});

describe('AddressPolicy', () => {
  const policy = new AddressPolicy(['127.0.0.1', '10.0.0.0/8', 'LocalHost', 'fd00::/8', 'internal.test.']);
  const table: [host: string, address: string, allowed: boolean][] = [
    ['example.com', '93.184.216.34', true],
    ['example.com', '127.0.0.1', true],
    ['example.com', '127.0.0.2', false],
    ['example.com', '10.200.0.1', true],
    ['example.com', '192.168.0.1', false],
    ['localhost', '127.0.0.2', true],
    ['localhost', '::1', true],
    ['internal.test', '192.168.0.1', true],
    ['sub.internal.test', '192.168.0.1', false],
    ['example.com', '::ffff:127.0.0.1', true],
    ['example.com', '::ffff:127.0.0.2', false],
    ['example.com', 'fd00:ec2::254', true],
    ['example.com', 'fe80::1', false],
    ['example.com', '169.254.169.254', false],
    ['example.com', 'not-an-ip', false],
  ];
  it.each(table)('%s at %s allowed: %s', (host, address, allowed) => {
    expect(policy.check(host, address).allowed).toBe(allowed);
  });

  it('refuses everything but public addresses with an empty allow-list', () => {
    const strict = new AddressPolicy();
    expect(strict.check('localhost', '127.0.0.1')).toEqual({ allowed: false, category: 'loopback' });
    expect(strict.check('example.com', '8.8.8.8')).toEqual({ allowed: true, category: 'public' });
  });

  it.each(['10.0.0.0/33', '10.0.0.0/x', '999.1.1.1/8', 'bad host!', 'a..b', '0x7f.1/8'])(
    'rejects the allowHosts entry %j naming the option',
    (entry) => {
      expect(() => new AddressPolicy([entry])).toThrow(CrawlerOptionsError);
      expect(() => new AddressPolicy([entry])).toThrow(/allowHosts entry/);
    },
  );
});

// These tests talk to the agent directly, without fetchPage's own URL check in front, so they prove the check
// happens at connect time (which is what covers redirect hops and DNS answers).
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((close) => close()));
});

async function target(): Promise<TestServer> {
  const server = await startServer((_request, response) => reply(response, 200, 'ok'));
  cleanup.push(() => server.close());
  return server;
}

function agent(allowHosts: string[], table: Record<string, string[]> = {}) {
  const created = createSafeAgent({
    policy: new AddressPolicy(allowHosts),
    lookup: async (host) => (table[host] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
  });
  cleanup.push(() => created.close());
  return created;
}

describe('createSafeAgent', () => {
  it('refuses a literal loopback IP at connect time (Node skips lookup for literals)', async () => {
    const server = await target();
    const request = agent([]).request({ origin: server.origin, path: '/', method: 'GET' });
    await expect(request).rejects.toBeInstanceOf(BlockedAddressError);
    expect(server.connections).toBe(0);
  });

  it('refuses a host name whose lookup answers loopback', async () => {
    const server = await target();
    const request = agent([], { 'evil.test': ['127.0.0.1'] }).request({
      origin: `http://evil.test:${server.port}`,
      path: '/',
      method: 'GET',
    });
    await expect(request).rejects.toMatchObject({ code: 'KUMO_CRAWLER_BLOCKED_ADDRESS', host: 'evil.test' });
    expect(server.connections).toBe(0);
  });

  it('connects when the address is allowed, through the lookup too', async () => {
    const server = await target();
    const safe = agent(['127.0.0.1'], { 'ok.test': ['127.0.0.1'] });
    for (const origin of [server.origin, `http://ok.test:${server.port}`]) {
      const response = await safe.request({ origin, path: '/', method: 'GET' });
      expect(response.statusCode).toBe(200);
      expect(await response.body.text()).toBe('ok');
    }
  });
});

describe('createSafeLookup', () => {
  const lookup = createSafeLookup(new AddressPolicy(), async (host) =>
    host === 'dual.test'
      ? [
          { address: '2606:2800:220:1::1', family: 6 },
          { address: '93.184.216.34', family: 4 },
        ]
      : [],
  );
  function call(host: string, options: { all?: boolean; family?: number }) {
    return new Promise<{ error: unknown; address: unknown; family: unknown }>((resolve) =>
      lookup(host, options, (error, address, family) => resolve({ error, address, family })),
    );
  }

  it('answers with every address when asked for all (autoSelectFamily)', async () => {
    const { error, address } = await call('dual.test', { all: true });
    expect(error).toBeNull();
    expect((address as LookupAddress[]).map((entry) => entry.family)).toEqual([6, 4]);
  });

  it('answers with one address of the requested family otherwise', async () => {
    expect(await call('dual.test', { family: 4 })).toEqual({ error: null, address: '93.184.216.34', family: 4 });
  });

  it('fails with a DNS error when nothing resolves', async () => {
    const { error } = await call('none.test', {});
    expect(error).toMatchObject({ code: 'KUMO_CRAWLER_DNS' });
  });
});
