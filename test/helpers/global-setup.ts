import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { provisionRedis, type RedisHandle } from '@kumo/local-redis';
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import type { RedisEnv } from './env.js';
import { keysWithoutTtl } from './final-audit.js';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
    /** The same Redis as an environment: `{ REDIS_URL }` here, `{ REDIS_CLUSTER_NODES }` in test/cluster. */
    redisEnv: RedisEnv;
  }
}

let redis: RedisHandle | undefined;
let dataDir: string | undefined;

/** One Redis for the integration run: REDIS_URL (CI's service container) or an embedded redis-server. */
export async function setup(project: TestProject): Promise<void> {
  dataDir = mkdtempSync(path.join(tmpdir(), 'kumo-test-redis-'));
  redis = await provisionRedis({ redisUrl: process.env.REDIS_URL, dataDir, allowDocker: false });
  project.provide('redisUrl', redis.url);
  project.provide('redisEnv', { REDIS_URL: redis.url });
}

/** Audits the test Redis once every integration test has run (a kumo key without TTL fails the run), then stops it. */
export async function teardown(): Promise<void> {
  let offenders: string[] = [];
  try {
    if (redis) offenders = await keysWithoutTtl(redis.url);
  } finally {
    await redis?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
  if (offenders.length > 0) {
    // vitest reports an error thrown here but keeps exit code 0: set it, so the run (and CI) fails.
    process.exitCode = 1;
    throw new Error(
      `end-of-run key audit: ${offenders.length} kumo key(s) without a TTL: ${offenders.slice(0, 20).join(', ')}`,
    );
  }
}
