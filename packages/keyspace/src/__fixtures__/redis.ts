import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmbeddedRedis } from '@kumo/local-redis';

/** A private redis-server for one test file (its own temp dir), stopped and removed by `stop()`. */
export async function startTestRedis(): Promise<{ url: string; stop(): Promise<void> }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kumo-keyspace-test-'));
  const redis = await startEmbeddedRedis({ dir });
  return {
    url: redis.url,
    async stop() {
      await redis.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
