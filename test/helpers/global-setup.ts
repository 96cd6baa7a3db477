import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { provisionRedis, type RedisHandle } from '@kumo/local-redis';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

let redis: RedisHandle | undefined;
let dataDir: string | undefined;

/** One Redis for the integration run: REDIS_URL (CI's service container) or an embedded redis-server. */
export async function setup(project: TestProject): Promise<void> {
  dataDir = mkdtempSync(path.join(tmpdir(), 'kumo-test-redis-'));
  redis = await provisionRedis({ redisUrl: process.env.REDIS_URL, dataDir, allowDocker: false });
  project.provide('redisUrl', redis.url);
}

export async function teardown(): Promise<void> {
  await redis?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}
