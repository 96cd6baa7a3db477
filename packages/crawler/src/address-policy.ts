import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { type AllowEntry, opensPort, parseAllowEntry, REDIS_DEFAULT_PORT, stripBrackets } from './allow-list.js';
import { CrawlerOptionsError } from './errors.js';

// Which addresses (and ports) may be connected to: the SSRF policy, without any HTTP client, so that code that only
// checks a URL (the API refusing a webhook to a private address) can use it without loading undici
// (`@kumo/crawler/address-policy`). The safe agent (safe-agent.ts) enforces it at connect time.

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
