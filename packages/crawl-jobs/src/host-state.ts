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

// What every crawl process shares per host, in Redis: the politeness limiter and schedule (`HostLimiter`,
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

  /**
   * `ratelimit:{h:<host>}:state` hash: `last` (latest granted start), `backoff` (back-off end), `delay` (the
   * host's delay as last learned, robots Crawl-delay included) and `holdMs` (average time a request holds its slot,
   * from grant to release), in ms.
   */
  hostState(host: string): KumoKey<'ratelimit'> {
    return this.keySpace.hostKey('ratelimit', host, 'state');
  }

  /** `ratelimit:{h:<host>}:crawls` zset: crawl id -> end of the starts planned for it on the host (ms). */
  hostCrawls(host: string): KumoKey<'ratelimit'> {
    return this.keySpace.hostKey('ratelimit', host, 'crawls');
  }

  /** `ratelimit:{h:<host>}:crawl-starts` zset: crawl id -> its latest granted start on the host (ms). */
  hostCrawlStarts(host: string): KumoKey<'ratelimit'> {
    return this.keySpace.hostKey('ratelimit', host, 'crawl-starts');
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
      holds: 'hash: latest request start, back-off end, learned delay, average hold of a slot',
      writtenBy: 'crawl',
      readBy: 'crawl',
    },
    {
      key: keys.hostCrawls('<host>'),
      holds: 'zset: crawls planning on the host -> end of their planned starts',
      writtenBy: 'crawl',
      readBy: 'crawl',
    },
    {
      key: keys.hostCrawlStarts('<host>'),
      holds: "zset: crawls -> their latest start on the host (a crawl's own delay)",
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
  /** How far ahead starts are planned; a job planned beyond comes back then and plans again. @defaultValue 6 h */
  planHorizonMs?: number;
  /** Wait suggested when every lease of a host is taken and its fetch time is not known yet. @defaultValue 250 */
  busyWaitMs?: number;
  /** Upper bound applied to robots.txt `Crawl-delay`, so a hostile value cannot park jobs for days. @defaultValue 60000 */
  maxCrawlDelayMs?: number;
}

/** A crawl's own politeness on every host (`politeness` of its request): only ever stricter than the deployment's. */
export interface CrawlPoliteness {
  readonly crawlId: string;
  /** Least time between two of the crawl's request starts per host, in ms. */
  readonly delayMs?: number | undefined;
  /** The crawl's requests in flight per host. */
  readonly concurrency?: number | undefined;
}

/** A granted slot for one request to one host; give it back with {@link HostLimiter.release}. */
export interface HostLease {
  readonly host: string;
  /** The lease's member in the host's leases: `<crawl id>|<lease id>`. */
  readonly id: string;
}

/**
 * The answer of {@link HostLimiter.acquire}: a lease that starts now; or `not-yet`, the host or the crawl may start a
 * request only in `waitMs` (its delay, a back-off); or `busy`, its requests in flight are at a concurrency limit, one
 * expected to free in about `waitMs`.
 */
export type HostAcquireResult =
  { granted: true; lease: HostLease } | { granted: false; reason: 'not-yet' | 'busy'; waitMs: number };

/** The schedule's Lua commands (`src/commands/`, copied to `dist/commands` by the build). */
const COMMANDS = loadCommands(new URL('./commands/', import.meta.url), [
  'hostPlan',
  'hostAcquire',
  'hostRelease',
  'hostBackoff',
  'hostLeave',
]);

const DEFAULTS = {
  leaseMs: 60_000,
  planHorizonMs: 6 * 3_600_000,
  busyWaitMs: 250,
  maxCrawlDelayMs: 60_000,
};
/** The state hash (latest start, back-off) outlives the longest delay it encodes by this much. */
const STATE_TTL_MARGIN_MS = 60_000;
/** ratelimit keys may live at most a day (keyspace's purpose bound). */
const MAX_RATELIMIT_TTL_MS = 86_400_000;
/** Longest `leaseMs`: the leases key outlives a lease by the state margin and must stay within the day. */
export const MAX_HOST_LEASE_MS = MAX_RATELIMIT_TTL_MS - STATE_TTL_MARGIN_MS;
/** A crawl's latest start is kept an hour (`host-acquire-3.lua`): no delay may be longer. */
const MAX_CRAWL_DELAY_MS = 3_600_000;

/**
 * The gap the limiter keeps between two starts on a host for a delay of `delayMs`: the delay plus a margin for the time
 * from a grant (on Redis's clock) to the request reaching the host. That time varies from one request to the next by
 * as long as the granted process's event loop is busy (another job's parse, a GC), so grants exactly `delayMs` apart
 * reached the host up to 10 % early: on a quiet machine the politeness benchmark saw 226 ms between two requests
 * under a 250 ms delay, 91.9 ms under 100 ms and 989.9 ms under 1 s, and with a 10 ms margin still 97.5 ms under
 * 100 ms. The margin is 10 % of the delay, at least 15 ms and at most 50 ms; no delay keeps no margin.
 */
export function hostSpacingMs(delayMs: number): number {
  if (delayMs <= 0) return 0;
  return delayMs + Math.min(DISPATCH_MARGIN_MAX_MS, Math.max(DISPATCH_MARGIN_MIN_MS, Math.ceil(delayMs / 10)));
}
const DISPATCH_MARGIN_MIN_MS = 15;
const DISPATCH_MARGIN_MAX_MS = 50;

/**
 * What a planned start leaves on top of the limiter's spacing, in ms. A job reaches its acquire a few ms after its
 * planned time (its timer, BullMQ's `moveToActive`, the cancel check), and a grant counts from that moment. Planned
 * exactly `hostSpacingMs` apart, each grant slipped by that much while the plan did not, so the jobs behind came ever
 * earlier than the host could take them, slept in-process and asked again: under a 250 ms delay every job came ~95 ms
 * early, three more wakes of a process and of Redis per page. The crawl then runs at the delay plus margin plus this.
 */
export const PLAN_SLACK_MS = 10;

function integer(name: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new CrawlJobsOptionsError(`${name} must be an integer from ${min} to ${max} (got ${String(value)})`);
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
 * Redis-backed per-host politeness and planning, shared by every crawl process on every machine: at most
 * `concurrency` requests in flight per host, starts at least `max(delayMs, Crawl-delay)` apart, nothing before a
 * Retry-After back-off ends, and a crawl's stricter `politeness` on top. Waiting costs nothing: {@link plan} gives
 * each admitted link a start in its host's schedule, so its job is added delayed until then and picked up once;
 * {@link acquire} grants a lease that starts now, or says how long until one can (the crawl processor sleeps short
 * waits in-process and plans the job again for long ones). Lua scripts decide atomically with Redis's clock; keys
 * carry the `{h:<host>}` tag (one cluster slot per host) and TTLs.
 */
export class HostLimiter {
  readonly #keys: CrawlJobsKeys;
  readonly #concurrency: number;
  readonly #delayMs: number;
  readonly #leaseMs: number;
  readonly #planHorizonMs: number;
  readonly #busyWaitMs: number;
  readonly #maxCrawlDelayMs: number;
  readonly #commands: BoundCommands<keyof typeof COMMANDS>;

  constructor(store: KeyStore, options: HostLimiterOptions) {
    this.#keys = new CrawlJobsKeys(store.keySpace);
    this.#concurrency = integer('concurrency', options.concurrency, 1);
    this.#delayMs = integer('delayMs', options.delayMs, 0, MAX_CRAWL_DELAY_MS);
    this.#leaseMs = integer('leaseMs', options.leaseMs ?? DEFAULTS.leaseMs, 1, MAX_HOST_LEASE_MS);
    this.#planHorizonMs = integer(
      'planHorizonMs',
      options.planHorizonMs ?? DEFAULTS.planHorizonMs,
      1000,
      MAX_RATELIMIT_TTL_MS / 2,
    );
    this.#busyWaitMs = integer('busyWaitMs', options.busyWaitMs ?? DEFAULTS.busyWaitMs, 1);
    this.#maxCrawlDelayMs = integer(
      'maxCrawlDelayMs',
      options.maxCrawlDelayMs ?? DEFAULTS.maxCrawlDelayMs,
      0,
      MAX_CRAWL_DELAY_MS,
    );
    this.#commands = store.bindCommands(COMMANDS);
  }

  /** The deployment's requests in flight per host. */
  get concurrency(): number {
    return this.#concurrency;
  }

  /** The deployment's least time between request starts per host, in ms. */
  get delayMs(): number {
    return this.#delayMs;
  }

  /**
   * Plans `count` request starts of a crawl on `host` (see {@link limiterHost}); returns each as ms from now, in
   * order, for the delays of the jobs about to be added. The host's learned Crawl-delay and fetch time and the
   * other crawls planning on it shape the spacing (`commands/includes/plan-slots.lua`).
   */
  async plan(host: string, crawl: CrawlPoliteness, count: number): Promise<number[]> {
    if (count <= 0) return [];
    const own = this.#own(crawl);
    const reply = (await this.#commands.hostPlan({
      keys: [
        { key: this.#keys.hostState(host), ttl: this.#delayMs + STATE_TTL_MARGIN_MS },
        { key: this.#keys.hostCrawls(host), ttl: this.#planHorizonMs * 2 },
      ],
      args: [
        crawl.crawlId,
        count,
        hostSpacingMs(this.#delayMs),
        hostSpacingMs(own.delayMs),
        this.#concurrency,
        own.concurrency,
        this.#planHorizonMs,
        PLAN_SLACK_MS,
      ],
    })) as (number | string)[];
    return reply.map(Number);
  }

  /**
   * Asks for a slot to fetch from `host` for a crawl. `robotsDelayMs` is the host's robots.txt Crawl-delay, if any
   * (it raises the deployment's delay, capped by `maxCrawlDelayMs`).
   */
  async acquire(
    host: string,
    crawl: CrawlPoliteness,
    options: { robotsDelayMs?: number | undefined } = {},
  ): Promise<HostAcquireResult> {
    const robotsDelay = Math.min(Math.max(0, Math.round(options.robotsDelayMs ?? 0)), this.#maxCrawlDelayMs);
    const delay = Math.max(this.#delayMs, robotsDelay);
    const own = this.#own(crawl);
    const leaseId = randomUUID();
    const reply = (await this.#commands.hostAcquire({
      keys: [
        { key: this.#keys.hostLeases(host), ttl: this.#leaseMs + STATE_TTL_MARGIN_MS },
        { key: this.#keys.hostState(host), ttl: delay + STATE_TTL_MARGIN_MS },
        { key: this.#keys.hostCrawlStarts(host), ttl: MAX_CRAWL_DELAY_MS + STATE_TTL_MARGIN_MS },
      ],
      args: [
        leaseId,
        crawl.crawlId,
        this.#concurrency,
        own.concurrency,
        hostSpacingMs(delay),
        hostSpacingMs(own.delayMs),
        this.#leaseMs,
        this.#busyWaitMs,
      ],
    })) as [number | string, number | string];
    const [kind, ms] = [Number(reply[0]), Math.max(0, Number(reply[1]))];
    if (kind === 0) return { granted: true, lease: { host, id: `${crawl.crawlId}|${leaseId}` } };
    return { granted: false, reason: kind === 1 ? 'not-yet' : 'busy', waitMs: Math.max(1, ms) };
  }

  /**
   * Gives a lease back (idempotent; an expired lease is simply gone). A request that was measured (`fetchMs`, its
   * duration) feeds the host's average hold, from the grant to this release on Redis's clock, which paces planning
   * when concurrency, not delay, is the limit.
   */
  async release(lease: HostLease, fetchMs?: number): Promise<void> {
    await this.#commands.hostRelease({
      keys: [
        { key: this.#keys.hostLeases(lease.host), ttl: this.#leaseMs + STATE_TTL_MARGIN_MS },
        { key: this.#keys.hostState(lease.host), ttl: this.#delayMs + STATE_TTL_MARGIN_MS },
      ],
      args: [lease.id, fetchMs === undefined ? -1 : Math.max(0, Math.round(fetchMs)), this.#leaseMs],
    });
  }

  /** Takes a cancelled crawl out of `host`'s schedule, so the crawls still planning there get the host's whole pace. */
  async leave(host: string, crawlId: string): Promise<void> {
    await this.#commands.hostLeave({
      keys: [{ key: this.#keys.hostCrawls(host), ttl: this.#planHorizonMs * 2 }],
      args: [crawlId],
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

  /** The crawl's own limits, never looser than the deployment's (0 delay and full concurrency: none of its own). */
  #own(crawl: CrawlPoliteness): { delayMs: number; concurrency: number } {
    const delayMs = Math.min(Math.max(0, Math.round(crawl.delayMs ?? 0)), MAX_CRAWL_DELAY_MS);
    const concurrency = Math.min(Math.max(1, Math.floor(crawl.concurrency ?? this.#concurrency)), this.#concurrency);
    return { delayMs, concurrency };
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
