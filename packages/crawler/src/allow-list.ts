import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { CrawlerOptionsError } from './errors.js';

// The allow-list (`CRAWL_ALLOW_HOSTS`): which non-public hosts, addresses and ranges may be fetched, and on which
// ports. An entry with a port opens only that port; an entry without one opens every port except the reserved
// ones (kumo's own Redis, API and metrics ports), so allowing `127.0.0.1` for a local site never opens Redis.
// @kumo/config validates the same grammar at start-up; test/integration/allow-hosts-grammar.test.ts keeps the two in step.

/** Redis's well-known port: never opened by an entry without a port, whatever the configuration says. */
export const REDIS_DEFAULT_PORT = 6379;

/** One parsed allow-list entry: a host name, or an address range (a single IP is a /32 or /128). */
export type AllowEntry =
  | { kind: 'name'; name: string; port: number | undefined }
  | { kind: 'range'; base: ipaddr.IPv4 | ipaddr.IPv6; bits: number; port: number | undefined };

const HOST_NAME = /^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*\.?$/;
// A last label that is a number makes the WHATWG URL parser read the host as IPv4 (`127.1`, `0x7f.1`): such an
// entry would never match a URL's host name, so it is refused rather than silently doing nothing.
const NUMERIC_LAST_LABEL = /(^|\.)(\d+|0x[0-9a-f]*)\.?$/;

/** Strips IPv6 brackets: `[::1]` → `::1`. */
export function stripBrackets(value: string): string {
  return value.startsWith('[') && value.endsWith(']') ? value.slice(1, -1) : value;
}

/** The port a URL connects to: its explicit port, else its scheme's default. */
export function effectivePort(url: URL): number {
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

function invalid(raw: string, why: string): CrawlerOptionsError {
  return new CrawlerOptionsError(`allowHosts entry "${raw}" ${why}`);
}

function parsePort(raw: string, port: string): number {
  const value = Number(port);
  if (!/^\d{1,5}$/.test(port) || value < 1 || value > 65535) {
    throw invalid(raw, `has an invalid port "${port}" (expected 1-65535)`);
  }
  return value;
}

function singleAddress(text: string, port: number | undefined): AllowEntry {
  const address = ipaddr.parse(text);
  return { kind: 'range', base: address, bits: address.kind() === 'ipv4' ? 32 : 128, port };
}

function parseRange(raw: string, entry: string): AllowEntry {
  const [base = '', bits = '', ...rest] = entry.split('/');
  if (/^\d+:\d*$/.test(bits)) {
    throw invalid(raw, 'is a CIDR range with a port: ranges take no port (list single addresses as `10.0.0.5:80`)');
  }
  if (rest.length > 0 || !/^\d{1,3}$/.test(bits) || isIP(base) === 0 || !ipaddr.isValidCIDR(entry)) {
    throw invalid(raw, 'is not a valid CIDR range (e.g. 10.0.0.0/8)');
  }
  const [address, prefix] = ipaddr.parseCIDR(entry);
  return { kind: 'range', base: address, bits: prefix, port: undefined };
}

/**
 * Parses one entry: `localhost`, `localhost:3000`, `127.0.0.1`, `127.0.0.1:8080`, `::1`, `[::1]`, `[::1]:8080`,
 * `10.0.0.0/8`, `fd00::/8`. A bare IPv6 address never has a port (`::1:8080` is an address): bracket it.
 * @throws CrawlerOptionsError naming the entry and what is wrong with it.
 */
export function parseAllowEntry(raw: string): AllowEntry {
  const entry = raw.trim().toLowerCase();
  if (entry.startsWith('[')) {
    const match = /^\[([^\]]*)\](?::(.*))?$/.exec(entry);
    if (match === null || isIP(match[1] ?? '') !== 6) {
      throw invalid(raw, 'is not a bracketed IPv6 address (e.g. [::1] or [::1]:8080)');
    }
    return singleAddress(match[1] ?? '', match[2] === undefined ? undefined : parsePort(raw, match[2]));
  }
  if (entry.includes('/')) return parseRange(raw, entry);
  if (isIP(entry) !== 0) return singleAddress(entry, undefined);
  const colon = entry.lastIndexOf(':');
  const host = colon === -1 ? entry : entry.slice(0, colon);
  const port = colon === -1 ? undefined : parsePort(raw, entry.slice(colon + 1));
  if (isIP(host) === 4) return singleAddress(host, port);
  if (!HOST_NAME.test(host) || NUMERIC_LAST_LABEL.test(host)) {
    throw invalid(raw, 'is neither a host name, an IP address nor a CIDR range (optionally with :port)');
  }
  return { kind: 'name', name: host.replace(/\.$/, ''), port };
}

/**
 * Whether an entry that matched the host or address opens `port`: its own port only, or — without one — every
 * port but the reserved ones. `port` undefined asks "is some port open" (a check before the port is known).
 */
export function opensPort(entry: AllowEntry, port: number | undefined, reserved: ReadonlySet<number>): boolean {
  if (port === undefined) return true;
  return entry.port === undefined ? !reserved.has(port) : entry.port === port;
}
