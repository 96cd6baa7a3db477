import { describe, expect, it } from 'vitest';
import { loadConfig, ownPorts } from './index.js';

// The ports an allow-list entry without a port never opens: kumo's Redis, API and metrics ports.
describe('ownPorts', () => {
  it.each([
    ['the defaults', {}, [3000, 6379, 9101, 9102]],
    ['a Redis URL with a port', { REDIS_URL: 'redis://:secret@127.0.0.1:6390/0' }, [3000, 6379, 6390, 9101, 9102]],
    ['a Redis URL without one', { REDIS_URL: 'rediss://redis.internal' }, [3000, 6379, 9101, 9102]],
    [
      'cluster nodes',
      { REDIS_CLUSTER_NODES: '10.0.0.1:7000,[fd00::1]:7001,redis-2:7002', API_PORT: '8080' },
      [6379, 7000, 7001, 7002, 8080, 9101, 9102],
    ],
    ['metrics off', { CRAWL_WORKER_METRICS_PORT: '0', ANALYSIS_WORKER_METRICS_PORT: '0' }, [3000, 6379]],
  ])('%s', (_name, env, expected) => {
    expect(ownPorts(loadConfig(env))).toEqual(expected);
  });
});
