import { defineError } from '@kumo/errors';

/** Every code this package produces. Callers branch on these, never on messages. */
export const LocalRedisErrorCode = {
  UNAVAILABLE: 'KUMO_REDIS_UNAVAILABLE',
  START_FAILED: 'KUMO_REDIS_START_FAILED',
  INVALID_OPTION: 'KUMO_REDIS_INVALID_OPTION',
  NO_PORT: 'KUMO_REDIS_NO_PORT',
} as const;
export type LocalRedisErrorCode = (typeof LocalRedisErrorCode)[keyof typeof LocalRedisErrorCode];

/** No Redis could be provided: no REDIS_URL, no redis-server on PATH, no Docker engine. */
export class RedisUnavailableError extends defineError(LocalRedisErrorCode.UNAVAILABLE, 'critical') {}

/** A redis-server was started but never answered PING, or exited during start-up. */
export class RedisStartError extends defineError(LocalRedisErrorCode.START_FAILED, 'critical') {}

/** An option of `startRedisCluster` (or a node port asked of it) is out of range; the message names it. */
export class LocalRedisOptionError extends defineError(LocalRedisErrorCode.INVALID_OPTION, 'permanent') {}

/** The operating system assigned no port when `freePort` listened on port 0. */
export class NoFreePortError extends defineError(LocalRedisErrorCode.NO_PORT, 'transient') {}
