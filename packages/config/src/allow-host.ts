import { isIP } from 'node:net';
import { envList } from './env-types.js';

// The grammar of a CRAWL_ALLOW_HOSTS entry, in one place: the config checks it at start-up and the crawler parses
// its `allowHosts` option with it, so an entry the config accepts is one the crawl workers accept.

/** One allow-list entry: a host name or an IP, either with an optional port, or a CIDR range (never a port). */
export type AllowHost =
  | { kind: 'name'; host: string; port: number | undefined }
  | { kind: 'ip'; host: string; port: number | undefined }
  | { kind: 'range'; host: string; bits: number; port: undefined };

export type AllowHostResult = { ok: true; entry: AllowHost } | { ok: false; problem: string };

const HOST_NAME = /^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*\.?$/;
// A last label that is a number makes the WHATWG URL parser read the host as IPv4 (`127.1`, `0x7f.1`): such an
// entry would never match a URL's host name, so it is refused rather than silently doing nothing.
const NUMERIC_LAST_LABEL = /(^|\.)(\d+|0x[0-9a-f]*)\.?$/;

const fail = (problem: string): AllowHostResult => ({ ok: false, problem });

function withPort(kind: 'name' | 'ip', host: string, port: string | undefined): AllowHostResult {
  if (port === undefined) return { ok: true, entry: { kind, host, port: undefined } };
  const value = Number(port);
  if (!/^\d{1,5}$/.test(port) || value < 1 || value > 65535) {
    return fail(`has an invalid port "${port}" (expected 1-65535)`);
  }
  return { ok: true, entry: { kind, host, port: value } };
}

function parseRange(entry: string): AllowHostResult {
  const [base = '', bits = '', ...rest] = entry.split('/');
  if (/^\d+:\d*$/.test(bits)) {
    return fail('is a CIDR range with a port: ranges take no port (list single addresses as `10.0.0.5:80`)');
  }
  const family = isIP(base);
  const prefix = Number(bits);
  if (rest.length > 0 || family === 0 || !/^\d{1,3}$/.test(bits) || prefix > (family === 4 ? 32 : 128)) {
    return fail('is not a valid CIDR range (e.g. 10.0.0.0/8)');
  }
  return { ok: true, entry: { kind: 'range', host: base, bits: prefix, port: undefined } };
}

/**
 * Parses one entry (trimmed, case-insensitive): `localhost`, `localhost:3000`, `127.0.0.1`, `127.0.0.1:8080`,
 * `::1`, `[::1]`, `[::1]:8080`, `10.0.0.0/8`, `fd00::/8`. A bare IPv6 address never has a port (`::1:8080` is an
 * address): bracket it. Host names lose a trailing dot. The problem, if any, is a phrase to follow the entry.
 */
export function parseAllowHost(raw: string): AllowHostResult {
  const entry = raw.trim().toLowerCase();
  if (entry.includes('://')) return fail('is a URL: list the host and, optionally, its port (e.g. 127.0.0.1:8080)');
  if (entry.startsWith('[')) {
    const match = /^\[([^\]]*)\](?::(.*))?$/.exec(entry);
    if (match === null || isIP(match[1] ?? '') !== 6) {
      return fail('is not a bracketed IPv6 address (e.g. [::1] or [::1]:8080)');
    }
    return withPort('ip', match[1] ?? '', match[2]);
  }
  if (entry.includes('/')) return parseRange(entry);
  if (isIP(entry) !== 0) return withPort('ip', entry, undefined);
  const colon = entry.lastIndexOf(':');
  const host = colon === -1 ? entry : entry.slice(0, colon);
  const port = colon === -1 ? undefined : entry.slice(colon + 1);
  if (isIP(host) === 4) return withPort('ip', host, port);
  if (!HOST_NAME.test(host) || NUMERIC_LAST_LABEL.test(host)) {
    return fail('is neither a host name, an IP address nor a CIDR range (optionally with :port)');
  }
  return withPort('name', host.replace(/\.$/, ''), port);
}

/** The entry written back in its canonical form (`[::1]:8080`, `localhost`, `10.0.0.0/8`). */
export function formatAllowHost(entry: AllowHost): string {
  if (entry.kind === 'range') return `${entry.host}/${entry.bits}`;
  if (entry.port === undefined) return entry.host;
  return entry.host.includes(':') ? `[${entry.host}]:${entry.port}` : `${entry.host}:${entry.port}`;
}

/**
 * `CRAWL_ALLOW_HOSTS`: a comma-separated list of entries, each checked with {@link parseAllowHost} at start-up (a
 * bad one is a config error naming it, never a crash loop of the crawl workers) and written back canonical.
 */
export const envAllowHosts = () =>
  envList().transform((entries, context) => {
    const canonical: string[] = [];
    for (const raw of entries) {
      const parsed = parseAllowHost(raw);
      if (parsed.ok) canonical.push(formatAllowHost(parsed.entry));
      else context.addIssue({ code: 'custom', message: `entry "${raw}" ${parsed.problem}` });
    }
    return canonical;
  });
