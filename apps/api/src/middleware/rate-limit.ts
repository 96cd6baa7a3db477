import type { RequestHandler } from 'express';
import type { KeyStore } from '@kumo/keyspace';
import { RateLimitedError } from '../errors.js';

export interface RateLimitOptions {
  store: KeyStore;
  /** Requests per key per window, shared by every API process (`API_RATE_LIMIT_PER_MINUTE`). */
  limit: number;
  /** Window length in ms. Default 60 000 (a minute). */
  windowMs?: number;
  /** The clock, for tests. Default `Date.now`. */
  now?: () => number;
}

/**
 * Per-key fixed-window rate limit, counted in Redis (`ratelimit:api:<owner>:<window>`, one INCRBY with its TTL in
 * the same MULTI) so every API process shares one budget. Sends `RateLimit-*` headers; over the limit a 429 with
 * `Retry-After`. Runs after authentication: the owner (a hash of the key) names the counter.
 */
export function rateLimit(options: RateLimitOptions): RequestHandler {
  const windowMs = options.windowMs ?? 60_000;
  const now = options.now ?? Date.now;
  if (!Number.isInteger(options.limit) || options.limit <= 0) {
    throw new TypeError(`rate limit must be a positive integer, got ${options.limit}`);
  }
  return (req, res, next) => {
    const at = now();
    const window = Math.floor(at / windowMs);
    const key = options.store.keySpace.key('ratelimit', 'api', req.owner, String(window));
    // Twice the window: the key outlives its window a little, never much.
    options.store.incrBy(key, 1, windowMs * 2).then(
      (count) => {
        const resetS = Math.max(1, Math.ceil(((window + 1) * windowMs - at) / 1000));
        res.setHeader('RateLimit-Limit', String(options.limit));
        res.setHeader('RateLimit-Remaining', String(Math.max(0, options.limit - count)));
        res.setHeader('RateLimit-Reset', String(resetS));
        if (count > options.limit) next(new RateLimitedError(options.limit, resetS));
        else next();
      },
      (error: unknown) => next(error),
    );
  };
}
