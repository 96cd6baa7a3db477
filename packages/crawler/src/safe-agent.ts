import { lookup as dnsLookup } from 'node:dns';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import { Agent, buildConnector } from 'undici';
import { AddressPolicy } from './address-policy.js';
import { BlockedAddressError, DnsError } from './errors.js';

// The SSRF guard: the one undici agent that enforces the address policy (address-policy.ts) at connect time for every
// request and redirect hop (`createSafeAgent`).

// The policy is re-exported for the modules (and tests) that import it from here along with the agent.
export {
  AddressPolicy,
  classifyAddress,
  isIpLiteral,
  type AddressCategory,
  type AddressPolicyOptions,
  type AddressVerdict,
} from './address-policy.js';

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
