import ipaddr from 'ipaddr.js';
import { isIP } from 'node:net';
import { CrawlerOptionsError } from './errors.js';

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

function stripBrackets(value: string): string {
  return value.startsWith('[') && value.endsWith(']') ? value.slice(1, -1) : value;
}

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

type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

/**
 * Decides which addresses may be connected to. Public addresses always may; everything else only when its host
 * name, its address or a CIDR range containing it is on the allow-list (`CRAWL_ALLOW_HOSTS`).
 */
export class AddressPolicy {
  readonly #hosts = new Set<string>();
  readonly #ranges: Cidr[] = [];

  /**
   * @param allowHosts host names (`localhost`), IPs (`127.0.0.1`, `::1`) and CIDR ranges (`10.0.0.0/8`).
   * @throws CrawlerOptionsError naming the bad entry.
   */
  constructor(allowHosts: readonly string[] = []) {
    for (const raw of allowHosts) {
      const entry = raw.trim().toLowerCase();
      if (entry.length === 0) continue;
      if (entry.includes('/')) {
        const [base = '', bits = ''] = entry.split('/');
        if (!/^\d{1,3}$/.test(bits) || parseAddress(base) === undefined || !ipaddr.isValidCIDR(entry)) {
          throw new CrawlerOptionsError(`allowHosts entry "${raw}" is not a valid CIDR range (e.g. 10.0.0.0/8)`);
        }
        this.#ranges.push(ipaddr.parseCIDR(entry));
      } else if (parseAddress(entry) !== undefined) {
        const address = ipaddr.parse(stripBrackets(entry));
        this.#ranges.push([address, address.kind() === 'ipv4' ? 32 : 128]);
      } else if (/^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*\.?$/.test(entry)) {
        this.#hosts.add(entry.replace(/\.$/, ''));
      } else {
        throw new CrawlerOptionsError(
          `allowHosts entry "${raw}" is neither a host name, an IP address nor a CIDR range`,
        );
      }
    }
  }

  /** True when the host name itself is allow-listed (then any address it resolves to is accepted). */
  isHostAllowed(host: string): boolean {
    return this.#hosts.has(stripBrackets(host).toLowerCase().replace(/\.$/, ''));
  }

  /** True when the address falls in an allow-listed IP or range (IPv4-mapped IPv6 is compared as IPv4 too). */
  isAddressAllowed(address: string): boolean {
    const parsed = parseAddress(address);
    if (parsed === undefined) return false;
    const candidates: (ipaddr.IPv4 | ipaddr.IPv6)[] = [parsed];
    if (parsed.kind() === 'ipv6') {
      const embedded = embeddedIPv4(parsed as ipaddr.IPv6);
      if (embedded !== undefined) candidates.push(embedded);
    }
    return candidates.some((candidate) =>
      this.#ranges.some(([base, bits]) => base.kind() === candidate.kind() && candidate.match(base, bits)),
    );
  }

  /** The verdict for connecting to `address`, which `host` resolved to (or which `host` is, for literals). */
  check(host: string, address: string): AddressVerdict {
    const category = classifyAddress(address);
    if (category === 'invalid') return { allowed: false, category };
    if (category === 'public' || this.isHostAllowed(host) || this.isAddressAllowed(address)) {
      return { allowed: true, category };
    }
    return { allowed: false, category };
  }
}
