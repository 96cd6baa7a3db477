import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startRedisCluster, type RedisClusterHandle } from '@kumo/local-redis';
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import type { RedisEnv } from './helpers/cluster-env.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** How kumo processes reach the cluster: `{ REDIS_CLUSTER_NODES }`. */
    redisEnv: RedisEnv;
    /** Every node of the shared cluster as `127.0.0.1:<port>`, masters first. */
    clusterNodes: string[];
  }
}

let cluster: RedisClusterHandle | undefined;
let dataDir: string | undefined;

/**
 * One local Redis Cluster for the cluster suite: 3 masters + 3 replicas with kumo's redis.conf and the documented
 * node timeout (5 s). Tests that kill nodes start a cluster of their own, so they never disturb the others.
 */
export async function setup(project: TestProject): Promise<void> {
  dataDir = mkdtempSync(path.join(tmpdir(), 'kumo-test-cluster-'));
  cluster = await startRedisCluster({ dir: dataDir, masters: 3, replicasPerMaster: 1, nodeTimeoutMs: 5000 });
  project.provide('redisEnv', { REDIS_CLUSTER_NODES: cluster.nodes.join(',') });
  project.provide('clusterNodes', [...cluster.nodes]);
}

export async function teardown(): Promise<void> {
  await cluster?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}
