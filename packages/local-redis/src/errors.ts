import { defineError, type ErrorCodeOf, errorCodesOf } from '@kumo/errors';

/** Every code this package produces (its rows of the error catalog in `@kumo/errors`). Callers branch on these. */
export const LocalRedisErrorCode = errorCodesOf('packages/local-redis');
export type LocalRedisErrorCode = ErrorCodeOf<'packages/local-redis'>;

/** No Redis could be provided: no REDIS_URL, no redis-server on PATH, no Docker engine. */
export class RedisUnavailableError extends defineError(LocalRedisErrorCode.UNAVAILABLE) {}

/** A redis-server was started but never answered PING, or exited during start-up. */
export class RedisStartError extends defineError(LocalRedisErrorCode.START_FAILED) {}

/** An option of `startRedisCluster` (or a node port asked of it) is out of range; the message names it. */
export class LocalRedisOptionError extends defineError(LocalRedisErrorCode.INVALID_OPTION) {}

/** The operating system assigned no port when `freePort` listened on port 0. */
export class NoFreePortError extends defineError(LocalRedisErrorCode.NO_PORT) {}
