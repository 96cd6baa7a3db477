import { randomBytes } from 'node:crypto';

/** A key prefix of its own for one test file, so test files can share one Redis and run in parallel. */
export function uniquePrefix(label = 't'): string {
  return `${label}${randomBytes(4).toString('hex')}`;
}

/** How kumo processes reach the test Redis: one server, or a Redis Cluster (`npm run test:cluster`). */
export type RedisEnv = { REDIS_URL: string } | { REDIS_CLUSTER_NODES: string };

/** The Redis of a helper's options: `redis` when given, else `{ REDIS_URL: redisUrl }`. */
export function redisEnvOf(options: { redisUrl?: string | undefined; redis?: RedisEnv | undefined }): RedisEnv {
  if (options.redis) return options.redis;
  if (options.redisUrl) return { REDIS_URL: options.redisUrl };
  throw new Error('a test helper needs redisUrl or redis');
}

/** The nodes of a RedisEnv as `host:port`: the cluster's seed list, or the one server. */
export function redisNodes(redis: RedisEnv): string[] {
  if ('REDIS_CLUSTER_NODES' in redis) return redis.REDIS_CLUSTER_NODES.split(',');
  return [new URL(redis.REDIS_URL).host];
}

/**
 * Environment for kumo processes under test: JSON logs, one process per app unless said otherwise,
 * 127.0.0.1 allowed for crawling, no politeness delay, quick stalled-job recovery, short TTLs.
 */
export function testEnv(options: {
  redisUrl?: string | undefined;
  redis?: RedisEnv | undefined;
  prefix: string;
  overrides?: Record<string, string>;
}) {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    NODE_ENV: 'test',
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'info',
    // An empty REDIS_URL is unset for loadConfig: with REDIS_CLUSTER_NODES alone, kumo uses the cluster.
    REDIS_URL: '',
    ...redisEnvOf(options),
    KUMO_PREFIX: options.prefix,
    CRAWL_ALLOW_HOSTS: '127.0.0.1,localhost',
    CRAWL_HOST_DELAY_MS: '0',
    CRAWL_HOST_CONCURRENCY: '16',
    CRAWL_CONNECT_TIMEOUT_MS: '2000',
    CRAWL_HEADERS_TIMEOUT_MS: '3000',
    CRAWL_BODY_TIMEOUT_MS: '3000',
    CRAWL_RETRY_BACKOFF_MS: '200',
    WORKER_PROCESSES: '1',
    API_PROCESSES: '1',
    WORKER_LOCK_DURATION_MS: '4000',
    WORKER_STALLED_INTERVAL_MS: '1000',
    SHUTDOWN_TIMEOUT_MS: '5000',
    CRAWL_WORKER_METRICS_PORT: '0',
    ANALYSIS_WORKER_METRICS_PORT: '0',
    RESULT_TTL_S: '600',
    TMP_TTL_S: '600',
    CACHE_TTL_S: '600',
    ...options.overrides,
  } satisfies Record<string, string>;
}
