import { KumoError } from '@kumo/errors';

/** No Redis could be provided: no REDIS_URL, no redis-server on PATH, no Docker engine. */
export class RedisUnavailableError extends KumoError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('KUMO_REDIS_UNAVAILABLE', message, { ...options, kind: 'critical' });
  }
}

/** A redis-server was started but never answered PING, or exited during start-up. */
export class RedisStartError extends KumoError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('KUMO_REDIS_START_FAILED', message, { ...options, kind: 'critical' });
  }
}
