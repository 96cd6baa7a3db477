import { defineErrors, type ErrorCodeOf, errorCodesOf } from '@kumo/errors';

/** Every code this package produces (its rows of the error catalog in `@kumo/errors`). Callers branch on these. */
export const LocalRedisErrorCode = errorCodesOf('packages/local-redis');
export type LocalRedisErrorCode = ErrorCodeOf<'packages/local-redis'>;

/** The errors that carry just a message (and a cause): class name → code, in the catalog's order. */
export const { LocalRedisOptionError, NoFreePortError, RedisStartError, RedisUnavailableError } = defineErrors({
  /** An option of `startRedisCluster` (or a node port asked of it) is out of range; the message names it. */
  LocalRedisOptionError: LocalRedisErrorCode.INVALID_OPTION,
  /** The operating system assigned no port when `freePort` listened on port 0. */
  NoFreePortError: LocalRedisErrorCode.NO_PORT,
  /** A redis-server was started but never answered PING, or exited during start-up. */
  RedisStartError: LocalRedisErrorCode.START_FAILED,
  /** No Redis could be provided: no REDIS_URL, no redis-server on PATH, no Docker engine. */
  RedisUnavailableError: LocalRedisErrorCode.UNAVAILABLE,
});
