import { lookup as dnsLookup } from 'node:dns';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { Agent, buildConnector } from 'undici';
import { type AllowEntry, opensPort, parseAllowEntry, REDIS_DEFAULT_PORT, stripBrackets } from './allow-list.js';
import { BlockedAddressError, CrawlerOptionsError, DnsError } from './errors.js';

// The SSRF guard: which addresses may be connected to (`AddressPolicy`), and the one undici agent that enforces it
// at connect time for every request and redirect hop (`createSafeAgent`).

/** What kind of address an IP is. Only `public` is fetched unless the allow-list says otherwise. */
export type AddressCategory =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'unique-local'
  | 'multicast'
  | 'unspecified'
  | 'broadcast'
  | 'carrier-grade-nat'
  | 'metadata'
  | 'reserved'
  | 'invalid';

export interface AddressVerdict {
  allowed: boolean;
  category: AddressCategory;
  /** Set when the host or address is allow-listed, but not on this port (reserved, or another entry's port). */
  port?: number;
}

// Cloud instance-metadata endpoints: named separately so a blocked event says what was attempted.
const METADATA_ADDRESSES = new Set(['169.254.169.254', 'fd00:ec2::254', '100.100.100.200']);

const IPV4_CATEGORIES: Record<string, AddressCategory> = {
  unicast: 'public',
  // Anycast services run on public infrastructure.
  as112: 'public',
  amt: 'public',
  unspecified: 'unspecified',
  broadcast: 'broadcast',
  multicast: 'multicast',
  linkLocal: 'link-local',
  loopback: 'loopback',
  carrierGradeNat: 'carrier-grade-nat',
  private: 'private',
  reserved: 'reserved',
};

const IPV6_CATEGORIES: Record<string, AddressCategory> = {
  unicast: 'public',
  as112v6: 'public',
  amt: 'public',
  unspecified: 'unspecified',
  linkLocal: 'link-local',
  multicast: 'multicast',
  loopback: 'loopback',
  uniqueLocal: 'unique-local',
  // Site-local was deprecated in favour of unique-local; it is private all the same.
  deprecatedSiteLocal: 'private',
};

function v4FromParts(high: number, low: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

/**
 * The IPv4 address an IPv6 address carries, for the forms that route to it: IPv4-mapped (`::ffff:a.b.c.d`),
 * RFC 6145 translated, NAT64 (`64:ff9b::/96`), 6to4 (`2002:AABB:CCDD::/48`) and the deprecated IPv4-compatible
 * form (`::a.b.c.d`). Checking the embedded address stops `[::ffff:127.0.0.1]` reaching loopback.
 */
function embeddedIPv4(address: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const parts = address.parts;
  const range = address.range();
  if (range === 'ipv4Mapped' || range === 'rfc6145' || range === 'rfc6052') {
    return v4FromParts(parts[6] ?? 0, parts[7] ?? 0);
  }
  if (range === '6to4') return v4FromParts(parts[1] ?? 0, parts[2] ?? 0);
  if (parts.slice(0, 6).every((part) => part === 0) && range !== 'unspecified' && range !== 'loopback') {
    return v4FromParts(parts[6] ?? 0, parts[7] ?? 0);
  }
  return undefined;
}

function parseAddress(address: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  const bare = stripBrackets(address);
  // Only canonical literals: the WHATWG URL parser and DNS already turn `0x7f.1` and friends into dotted decimal,
  // and ipaddr.js would otherwise accept forms the OS resolver treats differently.
  const family = isIP(bare.split('%')[0] ?? '');
  if (family === 0) return undefined;
  try {
    return ipaddr.parse(bare.split('%')[0] ?? '');
  } catch {
    return undefined;
  }
}

/** Classifies one IP address (v4 or v6, brackets allowed). Anything that is not an IP literal is `invalid`. */
export function classifyAddress(address: string): AddressCategory {
  const parsed = parseAddress(address);
  if (parsed === undefined) return 'invalid';
  const normalized = parsed.toString();
  if (METADATA_ADDRESSES.has(normalized)) return 'metadata';
  if (parsed.kind() === 'ipv4') return IPV4_CATEGORIES[parsed.range()] ?? 'reserved';
  const v6 = parsed as ipaddr.IPv6;
  const embedded = embeddedIPv4(v6);
  if (embedded !== undefined) {
    if (METADATA_ADDRESSES.has(embedded.toString())) return 'metadata';
    return IPV4_CATEGORIES[embedded.range()] ?? 'reserved';
  }
  // Teredo, documentation, benchmarking, ORCHID, discard and the like are all refused as reserved.
  return IPV6_CATEGORIES[v6.range()] ?? 'reserved';
}

/** True when the string is an IP literal (v4 dotted decimal or v6, brackets allowed). */
export function isIpLiteral(host: string): boolean {
  return parseAddress(host) !== undefined;
}

export interface AddressPolicyOptions {
  /**
   * Ports an allow-list entry without a port does not open: kumo's own (Redis, API, metrics). An entry naming
   * the port explicitly still opens it. @defaultValue [6379]
   */
  reservedPorts?: readonly number[];
}

/**
 * Decides which addresses (and ports) may be connected to. Public addresses always may; everything else only when
 * its host name, its address or a CIDR range containing it is on the allow-list (`CRAWL_ALLOW_HOSTS`), and the
 * matching entry opens the port (see `allow-list.ts`).
 */
export class AddressPolicy {
  readonly #entries: AllowEntry[];
  readonly #reservedPorts: ReadonlySet<number>;

  /**
   * @param allowHosts host names (`localhost`), IPs (`127.0.0.1`, `::1`), either with a port (`localhost:3000`,
   *   `[::1]:8080`), and CIDR ranges (`10.0.0.0/8`, no port).
   * @throws CrawlerOptionsError naming the bad entry or port.
   */
  constructor(allowHosts: readonly string[] = [], options: AddressPolicyOptions = {}) {
    this.#entries = allowHosts.filter((raw) => raw.trim().length > 0).map(parseAllowEntry);
    const reserved = options.reservedPorts ?? [REDIS_DEFAULT_PORT];
    for (const port of reserved) {
      if (!Number.isInteger(port) || port < 1 || port > 65535) {
        throw new CrawlerOptionsError(`reservedPorts must hold ports from 1 to 65535 (got ${String(port)})`);
      }
    }
    this.#reservedPorts = new Set(reserved);
  }

  /** The entries naming this host (then any address it resolves to is accepted, on the ports they open). */
  #hostEntries(host: string): AllowEntry[] {
    const name = stripBrackets(host).toLowerCase().replace(/\.$/, '');
    return this.#entries.filter((entry) => entry.kind === 'name' && entry.name === name);
  }

  /** The entries whose IP or range holds the address (IPv4-mapped IPv6 is compared as IPv4 too). */
  #addressEntries(address: string): AllowEntry[] {
    const parsed = parseAddress(address);
    if (parsed === undefined) return [];
    const candidates: (ipaddr.IPv4 | ipaddr.IPv6)[] = [parsed];
    if (parsed.kind() === 'ipv6') {
      const embedded = embeddedIPv4(parsed as ipaddr.IPv6);
      if (embedded !== undefined) candidates.push(embedded);
    }
    return this.#entries.filter(
      (entry) =>
        entry.kind === 'range' &&
        candidates.some(
          (candidate) => entry.base.kind() === candidate.kind() && candidate.match(entry.base, entry.bits),
        ),
    );
  }

  /** True when the host name itself is allow-listed on `port` (on some port when `port` is omitted). */
  isHostAllowed(host: string, port?: number): boolean {
    return this.#hostEntries(host).some((entry) => opensPort(entry, port, this.#reservedPorts));
  }

  /** True when the address falls in an allow-listed IP or range open on `port` (on some port when omitted). */
  isAddressAllowed(address: string, port?: number): boolean {
    return this.#addressEntries(address).some((entry) => opensPort(entry, port, this.#reservedPorts));
  }

  /**
   * The verdict for connecting to `address` on `port`, `address` being what `host` resolved to (or `host` itself,
   * for literals). Without `port` the question is whether some port is open. When the host or address is
   * allow-listed but not on this port, the verdict carries the `port`.
   */
  check(host: string, address: string, port?: number): AddressVerdict {
    const category = classifyAddress(address);
    if (category === 'invalid') return { allowed: false, category };
    if (category === 'public' || this.isHostAllowed(host, port) || this.isAddressAllowed(address, port)) {
      return { allowed: true, category };
    }
    if (port !== undefined && this.#hostEntries(host).length + this.#addressEntries(address).length > 0) {
      return { allowed: false, category, port };
    }
    return { allowed: false, category };
  }
}

/** One resolved address, as `dns.lookup(host, { all: true })` returns it. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to every address it has. */
export type HostLookup = (hostname: string) => Promise<readonly ResolvedAddress[]>;

export interface SafeAgentOptions {
  /** The policy every address is checked against. @defaultValue a policy with an empty allow-list */
  policy?: AddressPolicy;
  /** Resolver (tests inject one). @defaultValue `dns.lookup(host, { all: true })` */
  lookup?: HostLookup;
  /** Time to resolve and connect, TLS included. @defaultValue 10000 */
  connectTimeoutMs?: number;
  /** Time to receive the response headers. @defaultValue 15000 */
  headersTimeoutMs?: number;
  /** Longest pause between body chunks. @defaultValue 30000 */
  bodyTimeoutMs?: number;
  /** Keep-alive connections per origin. @defaultValue 8 */
  connectionsPerOrigin?: number;
}

type NodeLookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

const systemLookup: HostLookup = (hostname) =>
  new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true }, (error, addresses) => {
      if (error) reject(error);
      else resolve(addresses.map((entry) => ({ address: entry.address, family: entry.family === 6 ? 6 : 4 })));
    });
  });

/**
 * A `net.connect` lookup that resolves every address of the host and refuses the connection when ANY of them is
 * blocked: checking only the one Node happens to pick would let a DNS answer mixing a public and a private address
 * through on the next attempt (and rebinding attacks rely on such answers). `port` is the port being connected to
 * (Node does not pass it to a lookup, so the agent builds one lookup per port); omitted, any open port will do.
 */
export function createSafeLookup(policy: AddressPolicy, resolve: HostLookup = systemLookup, port?: number) {
  return (hostname: string, options: LookupOptions, callback: NodeLookupCallback): void => {
    resolve(hostname).then(
      (addresses) => {
        if (addresses.length === 0) {
          const error: NodeJS.ErrnoException = new DnsError(`${hostname} has no address`);
          callback(error, []);
          return;
        }
        for (const { address } of addresses) {
          const verdict = policy.check(hostname, address, port);
          if (!verdict.allowed) {
            callback(new BlockedAddressError(hostname, address, verdict.category, { port: verdict.port }), []);
            return;
          }
        }
        const wanted = options.family === 4 || options.family === 6 ? options.family : 0;
        const usable = wanted === 0 ? addresses : addresses.filter((entry) => entry.family === wanted);
        const first = usable[0];
        if (first === undefined) {
          callback(new DnsError(`${hostname} has no IPv${wanted} address`), []);
        } else if (options.all) {
          callback(
            null,
            usable.map((entry) => ({ address: entry.address, family: entry.family })),
          );
        } else {
          callback(null, first.address, first.family);
        }
      },
      (error: unknown) => callback(error as NodeJS.ErrnoException, []),
    );
  };
}

// Connectors kept per destination port (each holds its TLS session cache); a page linking to many ports only
// costs rebuilding the least recently added ones.
const MAX_CONNECTORS = 64;

/**
 * The one shared undici `Agent` of a crawler process: keep-alive pools with a bounded number of connections per
 * origin, and an address and port check at connect time. The check lives in the connector, so it covers every
 * request and every redirect hop: host names through the safe lookup, literal IPs directly (Node skips `lookup`
 * for them).
 */
export function createSafeAgent(options: SafeAgentOptions = {}): Agent {
  const policy = options.policy ?? new AddressPolicy();
  const connectors = new Map<number, buildConnector.connector>();
  const connectorFor = (port: number): buildConnector.connector => {
    let connector = connectors.get(port);
    if (connector === undefined) {
      connector = buildConnector({
        timeout: options.connectTimeoutMs ?? 10_000,
        lookup: createSafeLookup(policy, options.lookup, port),
      } as buildConnector.BuildOptions);
      if (connectors.size >= MAX_CONNECTORS) connectors.delete(connectors.keys().next().value as number);
      connectors.set(port, connector);
    }
    return connector;
  };
  const connect: buildConnector.connector = (connectOptions, callback) => {
    const { hostname, protocol } = connectOptions;
    const port = Number(connectOptions.port) || (protocol === 'https:' ? 443 : 80);
    if (isIP(hostname) !== 0) {
      const verdict = policy.check(hostname, hostname, port);
      if (!verdict.allowed) {
        const error = new BlockedAddressError(hostname, hostname, verdict.category, { port: verdict.port });
        // Asynchronous like a real connect failure, so undici's bookkeeping sees the usual order of events.
        queueMicrotask(() => callback(error, null));
        return;
      }
    }
    connectorFor(port)(connectOptions, callback);
  };
  return new Agent({
    connect,
    connections: options.connectionsPerOrigin ?? 8,
    headersTimeout: options.headersTimeoutMs ?? 15_000,
    bodyTimeout: options.bodyTimeoutMs ?? 30_000,
  });
}
