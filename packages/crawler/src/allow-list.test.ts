import { describe, expect, it } from 'vitest';
import { parseAllowEntry } from './allow-list.js';
import { CrawlerOptionsError } from './errors.js';
import { AddressPolicy } from './safe-agent.js';

// The allow-list grammar and what an entry opens: with a port only that port, without one every port but kumo's own.

describe('parseAllowEntry', () => {
  it.each([
    ['localhost', { kind: 'name', name: 'localhost', port: undefined }],
    ['LocalHost:3000', { kind: 'name', name: 'localhost', port: 3000 }],
    ['internal.test.:8080', { kind: 'name', name: 'internal.test', port: 8080 }],
    ['127.0.0.1', { kind: 'range', bits: 32, port: undefined }],
    ['127.0.0.1:8080', { kind: 'range', bits: 32, port: 8080 }],
    ['::1', { kind: 'range', bits: 128, port: undefined }],
    ['[::1]', { kind: 'range', bits: 128, port: undefined }],
    ['[::1]:8080', { kind: 'range', bits: 128, port: 8080 }],
    ['10.0.0.0/8', { kind: 'range', bits: 8, port: undefined }],
    ['fd00::/8', { kind: 'range', bits: 8, port: undefined }],
  ])('parses %j', (entry, expected) => {
    expect(parseAllowEntry(entry)).toMatchObject(expected);
  });

  it.each([
    ['127.0.0.1:0', /invalid port "0"/],
    ['127.0.0.1:65536', /invalid port "65536"/],
    ['localhost:', /invalid port ""/],
    ['localhost:http', /invalid port "http"/],
    ['127.0.0.1:80:90', /neither a host name/],
    [':80', /neither a host name/],
    ['[::1]:x', /invalid port "x"/],
    ['[127.0.0.1]:80', /bracketed IPv6/],
    ['[::1]/64', /bracketed IPv6/],
    ['10.0.0.0/8:80', /CIDR range with a port: ranges take no port/],
    ['fd00::/8:80', /CIDR range with a port/],
    ['10.0.0.0/33', /not a valid CIDR range/],
    ['127.1', /neither a host name/],
    ['0x7f.1:80', /neither a host name/],
  ])('rejects %j naming the entry', (entry, message) => {
    expect(() => parseAllowEntry(entry)).toThrow(CrawlerOptionsError);
    expect(() => parseAllowEntry(entry)).toThrow(new RegExp(`allowHosts entry "${entry.replace(/[[\]]/g, '\\$&')}"`));
    expect(() => parseAllowEntry(entry)).toThrow(message);
  });
});

describe('AddressPolicy with ports', () => {
  const policy = new AddressPolicy(
    ['127.0.0.1:8080', '[::1]:8081', 'localhost:3000', '127.0.0.2', '10.0.0.0/8', 'internal.test'],
    { reservedPorts: [6379, 7000, 9101] },
  );
  const table: [host: string, address: string, port: number, allowed: boolean, refusedPort?: number][] = [
    // An entry with a port opens that port only.
    ['127.0.0.1', '127.0.0.1', 8080, true],
    ['127.0.0.1', '127.0.0.1', 8081, false, 8081],
    ['127.0.0.1', '127.0.0.1', 80, false, 80],
    ['example.com', '127.0.0.1', 8080, true],
    ['::1', '::1', 8081, true],
    ['::1', '::1', 8080, false, 8080],
    ['localhost', '127.0.0.9', 3000, true],
    ['localhost', '127.0.0.9', 3001, false, 3001],
    // Without a port: every port but the reserved ones.
    ['127.0.0.2', '127.0.0.2', 8080, true],
    ['127.0.0.2', '127.0.0.2', 6379, false, 6379],
    ['127.0.0.2', '127.0.0.2', 7000, false, 7000],
    ['127.0.0.2', '127.0.0.2', 9101, false, 9101],
    ['evil.test', '10.1.2.3', 6379, false, 6379],
    ['evil.test', '10.1.2.3', 443, true],
    ['internal.test', '192.168.0.1', 80, true],
    ['internal.test', '192.168.0.1', 6379, false, 6379],
    // Not allow-listed at all: no port in the verdict.
    ['evil.test', '192.168.0.1', 80, false],
    // Public addresses are not governed by the allow-list.
    ['example.com', '93.184.216.34', 6379, true],
  ];
  it.each(table)('%s at %s port %i allowed: %s', (host, address, port, allowed, refusedPort) => {
    const verdict = policy.check(host, address, port);
    expect(verdict.allowed).toBe(allowed);
    expect(verdict.port).toBe(refusedPort);
  });

  it('opens a reserved port when an entry names it', () => {
    const explicit = new AddressPolicy(['127.0.0.1:6379'], { reservedPorts: [6379] });
    expect(explicit.check('127.0.0.1', '127.0.0.1', 6379).allowed).toBe(true);
  });

  it("reserves Redis's default port when not told otherwise", () => {
    const defaults = new AddressPolicy(['127.0.0.1']);
    expect(defaults.check('127.0.0.1', '127.0.0.1', 6379)).toEqual({
      allowed: false,
      category: 'loopback',
      port: 6379,
    });
    expect(defaults.check('127.0.0.1', '127.0.0.1', 6380).allowed).toBe(true);
  });

  it.each([0, 65536, 1.5, Number.NaN])('rejects the reserved port %s', (port) => {
    expect(() => new AddressPolicy([], { reservedPorts: [port] })).toThrow(/reservedPorts must hold ports/);
  });
});
