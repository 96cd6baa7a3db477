import { randomUUID } from 'node:crypto';
import { loadConfig } from '@kumo/config';
import { createRedisConnection } from '../connection.js';

/** A configuration with a random KUMO_PREFIX (test isolation), fast retries, and a worker connection. */
export function testSetup(url: string, extra: Record<string, string> = {}) {
  const config = loadConfig({
    REDIS_URL: url,
    KUMO_PREFIX: `q${randomUUID().slice(0, 8)}`,
    CRAWL_ATTEMPTS: '2',
    CRAWL_RETRY_BACKOFF_MS: '0',
    QUEUE_KEEP_COMPLETED_S: '600',
    QUEUE_KEEP_COMPLETED_COUNT: '50',
    QUEUE_KEEP_FAILED_S: '3600',
    QUEUE_KEEP_FAILED_COUNT: '70',
    ...extra,
  });
  const connection = createRedisConnection(config, { role: 'worker' });
  return { config, connection };
}

/** A promise with its resolve function, for "tell me when this job ran". */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
