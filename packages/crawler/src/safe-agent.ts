import { lookup as dnsLookup } from 'node:dns';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import { Agent, buildConnector } from 'undici';
import { AddressPolicy } from './address-policy.js';
import { BlockedAddressError, DnsError } from './errors.js';

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
 * through on the next attempt (and rebinding attacks rely on such answers).
 */
export function createSafeLookup(policy: AddressPolicy, resolve: HostLookup = systemLookup) {
  return (hostname: string, options: LookupOptions, callback: NodeLookupCallback): void => {
    resolve(hostname).then(
      (addresses) => {
        if (addresses.length === 0) {
          const error: NodeJS.ErrnoException = new DnsError(`${hostname} has no address`);
          callback(error, []);
          return;
        }
        for (const { address } of addresses) {
          const verdict = policy.check(hostname, address);
          if (!verdict.allowed) {
            callback(new BlockedAddressError(hostname, address, verdict.category), []);
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

/**
 * The one shared undici `Agent` of a crawler process: keep-alive pools with a bounded number of connections per
 * origin, and an address check at connect time. The check lives in the connector, so it covers every request and
 * every redirect hop: host names through the safe lookup, literal IPs directly (Node skips `lookup` for them).
 */
export function createSafeAgent(options: SafeAgentOptions = {}): Agent {
  const policy = options.policy ?? new AddressPolicy();
  const connector = buildConnector({
    timeout: options.connectTimeoutMs ?? 10_000,
    lookup: createSafeLookup(policy, options.lookup),
  } as buildConnector.BuildOptions);
  const connect: buildConnector.connector = (connectOptions, callback) => {
    const hostname = connectOptions.hostname;
    if (isIP(hostname) !== 0) {
      const verdict = policy.check(hostname, hostname);
      if (!verdict.allowed) {
        // Asynchronous like a real connect failure, so undici's bookkeeping sees the usual order of events.
        queueMicrotask(() => callback(new BlockedAddressError(hostname, hostname, verdict.category), null));
        return;
      }
    }
    connector(connectOptions, callback);
  };
  return new Agent({
    connect,
    connections: options.connectionsPerOrigin ?? 8,
    headersTimeout: options.headersTimeoutMs ?? 15_000,
    bodyTimeout: options.bodyTimeoutMs ?? 30_000,
  });
}
