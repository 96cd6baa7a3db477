import type { RequestHandler } from 'express';
import type { KeySpace, KeyStore, KeyTable, KumoKey } from '@kumo/keyspace';
import { isWriteRefused } from '@kumo/queues';
import { ApiOptionError, RateLimitedError } from '../errors.js';
import { readyProbeKey } from '../routes/health.js';

/** `ratelimit:api:<owner>:<window>` counter: an API key's requests in one fixed window, shared by every process. */
export function rateLimitKey(keySpace: KeySpace, owner: string, window: number | string): KumoKey<'ratelimit'> {
  return keySpace.key('ratelimit', 'api', owner, String(window));
}

/** The API's row of docs/architecture.md's key table (`npm run docs:generate`): its rate-limit counters. */
export const apiKeyTable: KeyTable = (keySpace) => [
  {
    key: rateLimitKey(keySpace, '<owner>', '<window>'),
    holds: 'counter: requests of an API key in one window',
    writtenBy: 'api',
    readBy: 'api',
  },
  {
    key: readyProbeKey(keySpace),
    holds: "string: `/readyz`'s probe write (proves Redis takes writes)",
    writtenBy: 'api',
    readBy: '—',
  },
];

export interface RateLimitOptions {
  store: KeyStore;
  /** Requests per key per window, shared by every API process (`API_RATE_LIMIT_PER_MINUTE`). */
  limit: number;
  /** Window length in ms. Default 60 000 (a minute). */
  windowMs?: number;
  /** A key's count is synced with Redis when it is older than this. Default 50 ms. */
  syncMs?: number;
  /** …or when this many requests of the key have not been synced yet. Default 32. */
  syncEvery?: number;
  /** The clock, for tests. Default `Date.now`. */
  now?: () => number;
  /**
   * Called for each request decided without Redis because Redis refused to write the count (full, read-only):
   * the limiter fails open, so reads keep working while Redis cannot take writes. Default: none (the API counts
   * them in `kumo_api_rate_limit_fail_open_total`).
   */
  onFailOpen?: (error: unknown) => void;
}

/** One key's window as this process sees it. */
interface WindowCount {
  window: number;
  /** Other processes' requests in the shared count, as of the last sync. */
  others: number;
  /** This process's requests so far; a request's ordinal is the value after counting it. */
  mine: number;
  /** Of `mine`, those Redis has counted. */
  mineSynced: number;
  /** Of `mine`, those the sync in flight is sending. */
  inFlight: number;
  /** When the last sync answered; -Infinity before the first. */
  syncedAt: number;
  syncing: Promise<void> | undefined;
}

/**
 * Per-key fixed-window rate limit shared by every API process through one Redis counter per key and window
 * (`ratelimit:api:<owner>:<window>`, INCRBY with its TTL in one script). Each process adds its requests to the
 * counter in batches: a request whose key was synced less than `syncMs` ago is decided without a Redis round trip,
 * from the other processes' count at the last sync plus its own ordinal among this process's requests; a stale key
 * (a quiet one, or the first request of a window) waits for one INCRBY and is decided on the fresh count, exactly
 * as an INCRBY per request would. So a single process counts exactly; across N processes a key can overshoot by
 * what the others counted in their last `syncMs` — at most (N − 1) × `syncEvery` requests. Sends `RateLimit-*`
 * headers; over the limit a 429 with `Retry-After`. Runs after authentication: the owner (a hash of the key) names
 * the counter. Fails open when Redis refuses to write the count (`onFailOpen`): decided on this process's count alone.
 */
export function rateLimit(options: RateLimitOptions): RequestHandler {
  const windowMs = options.windowMs ?? 60_000;
  const syncMs = options.syncMs ?? 50;
  const syncEvery = options.syncEvery ?? 32;
  const now = options.now ?? Date.now;
  if (!Number.isInteger(options.limit) || options.limit <= 0) {
    throw new ApiOptionError(`rate limit must be a positive integer, got ${options.limit}`);
  }
  for (const [name, value] of [
    ['syncMs', syncMs],
    ['syncEvery', syncEvery],
  ] as const) {
    if (!Number.isInteger(value) || value <= 0)
      throw new ApiOptionError(`${name} must be a positive integer, got ${value}`);
  }
  // One entry per API key in use (keys are configured, so few); a new window replaces the entry.
  const counts = new Map<string, WindowCount>();
  const pendingOf = (entry: WindowCount) => entry.mine - entry.mineSynced - entry.inFlight;

  const sync = (owner: string, entry: WindowCount): void => {
    const batch = pendingOf(entry);
    entry.inFlight = batch;
    const key = rateLimitKey(options.store.keySpace, owner, entry.window);
    // Twice the window: the key outlives its window a little, never much.
    entry.syncing = options.store.incrBy(key, batch, windowMs * 2).then(
      (total) => {
        entry.mineSynced += batch;
        entry.inFlight = 0;
        entry.others = total - entry.mineSynced;
        entry.syncedAt = now();
        entry.syncing = undefined;
      },
      (error: unknown) => {
        // Not counted: the next sync carries these requests again.
        entry.inFlight = 0;
        entry.syncing = undefined;
        throw error;
      },
    );
    // Waiting requests get the error; a background sync that fails is retried with the next batch.
    entry.syncing.catch(() => undefined);
  };

  return (req, res, next) => {
    const at = now();
    const window = Math.floor(at / windowMs);
    let entry = counts.get(req.owner);
    if (!entry || entry.window !== window) {
      entry = { window, others: 0, mine: 0, mineSynced: 0, inFlight: 0, syncedAt: -Infinity, syncing: undefined };
      counts.set(req.owner, entry);
    }
    const ordinal = ++entry.mine;
    const current = entry;
    const decide = () => {
      const count = current.others + ordinal;
      const resetS = Math.max(1, Math.ceil(((window + 1) * windowMs - at) / 1000));
      res.setHeader('RateLimit-Limit', String(options.limit));
      res.setHeader('RateLimit-Remaining', String(Math.max(0, options.limit - count)));
      res.setHeader('RateLimit-Reset', String(resetS));
      if (count > options.limit) next(new RateLimitedError(options.limit, resetS));
      else next();
    };
    const stale = at - entry.syncedAt >= syncMs;
    if (entry.syncing === undefined && (stale || pendingOf(entry) >= syncEvery)) sync(req.owner, entry);
    // A stale count waits for the sync in flight (this request's or an earlier one's): no extra command. When Redis
    // answers but refuses the write (full, read-only), the request is decided on this process's own count: it fails
    // open, so a read that needs no write still works, and the limit still holds per process. A Redis that does not
    // answer at all fails the request (503): nothing could serve it anyway.
    if (stale && entry.syncing !== undefined) {
      entry.syncing.then(decide, (error: unknown) => {
        if (!isWriteRefused(error)) {
          next(error);
          return;
        }
        options.onFailOpen?.(error);
        decide();
      });
      return;
    }
    decide();
  };
}
