import type { LookupAddress } from 'node:dns';
import { afterEach, describe, expect, it } from 'vitest';
import { reply, startServer, type TestServer } from './__fixtures__/http-server.js';
import { AddressPolicy } from './address-policy.js';
import { BlockedAddressError } from './errors.js';
import { createSafeAgent, createSafeLookup } from './safe-agent.js';

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
