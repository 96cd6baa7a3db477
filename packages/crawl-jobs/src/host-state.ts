import { randomUUID } from 'node:crypto';
import type { Config } from '@kumo/config';
import type { RobotsStore } from '@kumo/crawler';
import {
  loadCommands,
  PURPOSES,
  type BoundCommands,
  type KeySpace,
  type KeyStore,
  type KeyTable,
  type KumoKey,
} from '@kumo/keyspace';
import { CrawlJobsOptionsError } from './errors.js';

// What every crawl process shares per host, in Redis: the politeness limiter (`HostLimiter`,
// `ratelimit:{h:<host>}:…`), the robots.txt cache (`RedisRobotsStore`, `cache:robots:<origin>`), and the builder of
// their keys (`CrawlJobsKeys`).

/**
 * The keys the crawl stage shares across processes: the per-host limiter's (tagged `{h:<host>}`, so one script
 * touches one slot) and the robots.txt cache.
 */
export class CrawlJobsKeys {
  constructor(private readonly keySpace: KeySpace) {}

  /** `ratelimit:{h:<host>}:leases` zset: lease id -> lease expiry (ms). */
  hostLeases(host: string): KumoKey<'ratelimit'> {
    return this.keySpace.hostKey('ratelimit', host, 'leases');
  }

  /** `ratelimit:{h:<host>}:state` hash: `next` (earliest next start) and `backoff` (back-off end), in ms. */
  hostState(host: string): KumoKey<'ratelimit'> {
    return this.keySpace.hostKey('ratelimit', host, 'state');
  }

  /** `cache:robots:<origin>` string: the origin's robots.txt, shared by every crawl process. */
  robots(origin: string): KumoKey<'cache'> {
    return this.keySpace.key('cache', 'robots', origin);
  }
}

/** The crawl stage's rows of docs/architecture.md's key table (`npm run docs:generate`). */
export const crawlJobsKeyTable: KeyTable = (keySpace) => {
  const keys = new CrawlJobsKeys(keySpace);
  return [
    { key: keys.robots('<origin>'), holds: 'string: robots.txt', writtenBy: 'crawl', readBy: 'crawl' },
    {
      key: keys.hostLeases('<host>'),
      holds: 'zset: request leases of the host -> their expiry',
      writtenBy: 'crawl',
      readBy: 'crawl',
    },
    {
      key: keys.hostState('<host>'),
      holds: 'hash: next request start, back-off end',
      writtenBy: 'crawl',
      readBy: 'crawl',
    },
  ];
};

/** Options of {@link HostLimiter}. The crawl-worker fills them from `@kumo/config`. */
export interface HostLimiterOptions {
  /** Requests in flight per host across every process (`CRAWL_HOST_CONCURRENCY`). Required, at least 1. */
  concurrency: number;
  /** Least time between two request starts per host, in ms (`CRAWL_HOST_DELAY_MS`). Required, 0 or more. */
  delayMs: number;
  /**
   * How long a lease lives when it is never released (its process died mid-fetch): after this the slot frees
   * itself. Must exceed the longest fetch; 1 to {@link MAX_HOST_LEASE_MS} (`CRAWL_HOST_LEASE_MS`).
   * @defaultValue 60000
   */
  leaseMs?: number;
  /** Wait suggested when every lease of a host is taken (capped by the earliest lease expiry). @defaultValue 250 */
  busyWaitMs?: number;
  /** Upper bound applied to robots.txt `Crawl-delay`, so a hostile value cannot park jobs for days. @defaultValue 60000 */
  maxCrawlDelayMs?: number;
}

/** A granted slot for one request to one host; give it back with {@link HostLimiter.release}. */
export interface HostLease {
  readonly host: string;
  readonly id: string;
}

/** The answer of {@link HostLimiter.acquire}: a lease, or how long to wait before asking again. */
export type HostAcquireResult = { granted: true; lease: HostLease } | { granted: false; waitMs: number };

/** The limiter's Lua commands (`src/commands/`, copied to `dist/commands` by the build). */
const COMMANDS = loadCommands(new URL('./commands/', import.meta.url), ['hostAcquire', 'hostRelease', 'hostBackoff']);

const DEFAULTS = { leaseMs: 60_000, busyWaitMs: 250, maxCrawlDelayMs: 60_000 };
/** The state hash (next start, back-off) outlives the longest delay it encodes by this much. */
const STATE_TTL_MARGIN_MS = 60_000;
/** ratelimit keys may live at most a day (keyspace's purpose bound). */
const MAX_RATELIMIT_TTL_MS = 86_400_000;
/** Longest `leaseMs`: the leases key outlives a lease by the state margin and must stay within the day. */
export const MAX_HOST_LEASE_MS = MAX_RATELIMIT_TTL_MS - STATE_TTL_MARGIN_MS;

function integer(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new CrawlJobsOptionsError(`${name} must be an integer of at least ${min} (got ${String(value)})`);
  }
  return value;
}

/**
 * The host a limit applies to: `URL.host`, lower-cased, so different ports of one machine (different servers,
 * different robots.txt) are limited separately.
 */
export function limiterHost(url: string): string {
  return new URL(url).host.toLowerCase();
}

/**
 * Redis-backed per-host politeness, shared by every crawl process on every machine: at most `concurrency`
 * requests in flight per host, starts at least `max(delayMs, Crawl-delay)` apart, and nothing before a
 * Retry-After back-off ends. One Lua script decides atomically with Redis's clock; keys carry the `{h:<host>}`
 * tag (one cluster slot per host) and TTLs. A caller that gets no lease must not spin: the crawl processor moves
 * its job to *delayed* for the returned wait.
 */
export class HostLimiter {
  readonly #keys: CrawlJobsKeys;
  readonly #concurrency: number;
  readonly #delayMs: number;
  readonly #leaseMs: number;
  readonly #busyWaitMs: number;
  readonly #maxCrawlDelayMs: number;
  readonly #commands: BoundCommands<keyof typeof COMMANDS>;

  constructor(store: KeyStore, options: HostLimiterOptions) {
    this.#keys = new CrawlJobsKeys(store.keySpace);
    this.#concurrency = integer('concurrency', options.concurrency, 1);
    this.#delayMs = integer('delayMs', options.delayMs, 0);
    this.#leaseMs = integer('leaseMs', options.leaseMs ?? DEFAULTS.leaseMs, 1);
    if (this.#leaseMs > MAX_HOST_LEASE_MS) {
      throw new CrawlJobsOptionsError(`leaseMs must be at most ${MAX_HOST_LEASE_MS} (got ${this.#leaseMs})`);
    }
    this.#busyWaitMs = integer('busyWaitMs', options.busyWaitMs ?? DEFAULTS.busyWaitMs, 1);
    this.#maxCrawlDelayMs = integer('maxCrawlDelayMs', options.maxCrawlDelayMs ?? DEFAULTS.maxCrawlDelayMs, 0);
    this.#commands = store.bindCommands(COMMANDS);
  }

  /**
   * Asks for a slot to fetch from `host` (see {@link limiterHost}). `crawlDelayMs` is the robots.txt Crawl-delay
   * of the host, if any (it raises the configured delay, capped by `maxCrawlDelayMs`).
   */
  async acquire(host: string, options: { crawlDelayMs?: number | undefined } = {}): Promise<HostAcquireResult> {
    const crawlDelay = Math.min(Math.max(0, Math.round(options.crawlDelayMs ?? 0)), this.#maxCrawlDelayMs);
    const delay = Math.max(this.#delayMs, crawlDelay);
    const id = randomUUID();
    const reply = await this.#commands.hostAcquire({
      keys: [
        { key: this.#keys.hostLeases(host), ttl: this.#leaseMs + STATE_TTL_MARGIN_MS },
        { key: this.#keys.hostState(host), ttl: delay + STATE_TTL_MARGIN_MS },
      ],
      args: [id, this.#concurrency, delay, this.#leaseMs, this.#busyWaitMs],
    });
    const waitMs = Number(reply);
    if (waitMs === 0) return { granted: true, lease: { host, id } };
    return { granted: false, waitMs: Math.max(1, waitMs) };
  }

  /** Gives a lease back (idempotent; an expired lease is simply gone). */
  async release(lease: HostLease): Promise<void> {
    await this.#commands.hostRelease({
      keys: [{ key: this.#keys.hostLeases(lease.host), ttl: this.#leaseMs + STATE_TTL_MARGIN_MS }],
      args: [lease.id],
    });
  }

  /** Holds every request to `host` back for `ms` (429/503 `Retry-After`); never shortens a longer back-off. */
  async backOff(host: string, ms: number): Promise<void> {
    const backOffMs = Math.min(Math.max(1, Math.round(ms)), MAX_RATELIMIT_TTL_MS - STATE_TTL_MARGIN_MS);
    await this.#commands.hostBackoff({
      keys: [{ key: this.#keys.hostState(host), ttl: backOffMs + STATE_TTL_MARGIN_MS }],
      args: [backOffMs],
    });
  }
}

/** The settings {@link createHostLimiter} reads. */
export type HostLimiterConfig = Pick<Config, 'CRAWL_HOST_CONCURRENCY' | 'CRAWL_HOST_DELAY_MS' | 'CRAWL_HOST_LEASE_MS'>;

/**
 * The host limiter of a crawl process, from `@kumo/config`: `CRAWL_HOST_CONCURRENCY`, `CRAWL_HOST_DELAY_MS` and
 * `CRAWL_HOST_LEASE_MS` (how long the slots of a process killed mid-fetch stay taken).
 */
export function createHostLimiter(store: KeyStore, config: HostLimiterConfig): HostLimiter {
  return new HostLimiter(store, {
    concurrency: config.CRAWL_HOST_CONCURRENCY,
    delayMs: config.CRAWL_HOST_DELAY_MS,
    leaseMs: config.CRAWL_HOST_LEASE_MS,
  });
}

/** Options of {@link RedisRobotsStore}. */
export interface RedisRobotsStoreOptions {
  /** How long a fetched robots.txt is shared, in ms (`ROBOTS_CACHE_TTL_S` × 1000). Required. */
  ttlMs: number;
}

/**
 * The crawler's robots.txt store backed by Redis (`cache:robots:<origin>`, with a TTL), so every crawl process on
 * every machine fetches an origin's robots.txt once per TTL instead of once per process.
 */
export class RedisRobotsStore implements RobotsStore {
  readonly #store: KeyStore;
  readonly #ttlMs: number;
  readonly #keys: CrawlJobsKeys;

  constructor(store: KeyStore, options: RedisRobotsStoreOptions) {
    const max = PURPOSES.cache.maxTtlMs;
    if (!Number.isSafeInteger(options.ttlMs) || options.ttlMs <= 0 || options.ttlMs > max) {
      throw new CrawlJobsOptionsError(
        `ttlMs must be a positive integer of milliseconds up to ${max} (got ${String(options.ttlMs)})`,
      );
    }
    this.#store = store;
    this.#ttlMs = options.ttlMs;
    this.#keys = new CrawlJobsKeys(store.keySpace);
  }

  async get(origin: string): Promise<string | null> {
    return this.#store.get(this.#keys.robots(origin));
  }

  async set(origin: string, body: string): Promise<void> {
    await this.#store.set(this.#keys.robots(origin), body, this.#ttlMs);
  }
}
