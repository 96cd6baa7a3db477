import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findRedisServer, pingOnce, provisionRedis, startEmbeddedRedis } from './index.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kumo-redis-test-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!findRedisServer())('embedded redis-server', () => {
  it('starts on a free port, answers PING, and stops', async () => {
    const redis = await startEmbeddedRedis({ dir: tempDir() });
    expect(redis.source).toBe('embedded');
    expect(await pingOnce(redis.host, redis.port)).toBe(true);
    await redis.stop();
    expect(await pingOnce(redis.host, redis.port)).toBe(false);
  });

  it('fails on a taken port without leaving a server behind', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      await expect(startEmbeddedRedis({ dir: tempDir(), port, startTimeoutMs: 3000 })).rejects.toMatchObject({
        code: 'KUMO_REDIS_START_FAILED',
      });
    } finally {
      blocker.close();
    }
  });

  it('uses REDIS_URL as it is when given', async () => {
    const handle = await provisionRedis({ redisUrl: 'redis://127.0.0.1:6390', dataDir: tempDir() });
    expect(handle).toMatchObject({ source: 'url', host: '127.0.0.1', port: 6390 });
  });
});
