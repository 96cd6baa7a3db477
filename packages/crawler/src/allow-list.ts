import { parseAllowHost } from '@kumo/config';
import ipaddr from 'ipaddr.js';
import { CrawlerOptionsError } from './errors.js';

// The allow-list (`CRAWL_ALLOW_HOSTS`): which non-public hosts, addresses and ranges may be fetched, and on which
// ports. An entry with a port opens only that port; an entry without one opens every port except the reserved
// ones (kumo's own Redis, API and metrics ports), so allowing `127.0.0.1` for a local site never opens Redis.
// The grammar is @kumo/config's, so what the configuration accepts at start-up the crawler accepts too.

/** Redis's well-known port: reserved (not opened by an entry without a port) unless the caller says otherwise. */
export const REDIS_DEFAULT_PORT = 6379;

/** One parsed allow-list entry: a host name, or an address range (a single IP is a /32 or /128). */
export type AllowEntry =
  | { kind: 'name'; name: string; port: number | undefined }
  | { kind: 'range'; base: ipaddr.IPv4 | ipaddr.IPv6; bits: number; port: number | undefined };

/** Strips IPv6 brackets: `[::1]` → `::1`. */
export function stripBrackets(value: string): string {
  return value.startsWith('[') && value.endsWith(']') ? value.slice(1, -1) : value;
}

/** The port a URL connects to: its explicit port, else its scheme's default. */
export function effectivePort(url: URL): number {
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

/**
 * Parses one entry with the grammar `CRAWL_ALLOW_HOSTS` is checked with (`parseAllowHost` of @kumo/config):
 * `localhost`, `localhost:3000`, `127.0.0.1`, `127.0.0.1:8080`, `::1`, `[::1]`, `[::1]:8080`, `10.0.0.0/8`.
 * @throws CrawlerOptionsError naming the entry and what is wrong with it.
 */
export function parseAllowEntry(raw: string): AllowEntry {
  const parsed = parseAllowHost(raw);
  if (!parsed.ok) throw new CrawlerOptionsError(`allowHosts entry "${raw}" ${parsed.problem}`);
  const { entry } = parsed;
  if (entry.kind === 'name') return { kind: 'name', name: entry.host, port: entry.port };
  const base = ipaddr.parse(entry.host);
  const bits = entry.kind === 'range' ? entry.bits : base.kind() === 'ipv4' ? 32 : 128;
  return { kind: 'range', base, bits, port: entry.port };
}

/**
 * Whether an entry that matched the host or address opens `port`: its own port only, or — without one — every
 * port but the reserved ones. `port` undefined asks "is some port open" (a check before the port is known).
 */
export function opensPort(entry: AllowEntry, port: number | undefined, reserved: ReadonlySet<number>): boolean {
  if (port === undefined) return true;
  return entry.port === undefined ? !reserved.has(port) : entry.port === port;
}
