import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { freePort, startEmbeddedRedis, type RedisHandle } from '@kumo/local-redis';

const run = promisify(execFile);

/**
 * A local Redis Cluster of three masters (no replicas) on 127.0.0.1, as ENVIRONMENT.md describes: enough to prove
 * that every multi-key operation stays in one slot (a single node would accept cross-slot commands silently).
 */
export async function startTestCluster(): Promise<{ nodes: string[]; stop(): Promise<void> }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kumo-queues-cluster-'));
  const handles: RedisHandle[] = [];
  const stop = async () => {
    await Promise.all(handles.map((handle) => handle.stop()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      const busPort = await freePort();
      handles.push(
        await startEmbeddedRedis({
          dir: path.join(dir, `n${i}`),
          port,
          extraArgs: [
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            'nodes.conf',
            '--cluster-port',
            String(busPort),
          ],
        }),
      );
    }
    const nodes = handles.map((handle) => `127.0.0.1:${handle.port}`);
    await run('redis-cli', ['--cluster', 'create', ...nodes, '--cluster-replicas', '0', '--cluster-yes']);
    for (let attempt = 0; attempt < 200; attempt++) {
      const states = await Promise.all(
        handles.map((handle) => run('redis-cli', ['-p', String(handle.port), 'cluster', 'info']).then((r) => r.stdout)),
      );
      if (states.every((state) => state.includes('cluster_state:ok'))) return { nodes, stop };
      await sleep(50);
    }
    throw new Error('the test cluster did not reach cluster_state:ok');
  } catch (error) {
    await stop();
    throw error;
  }
}
