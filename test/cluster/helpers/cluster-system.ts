import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { freePort } from '@kumo/local-redis';
import { TEST_API_KEYS } from '../../helpers/api-harness.js';
import { startApp, type AppName, type AppProcess } from '../../helpers/processes.js';
import { clientListAll, clusterTestEnv, type RedisEnv } from './cluster-env.js';

/** kumo's apps as child processes on one Redis (Cluster): an API and any number of worker-app instances. */
export interface ClusterSystem {
  readonly url: string;
  readonly key: string;
  readonly api: AppProcess | null;
  readonly crawlWorkers: AppProcess[];
  readonly analysisWorkers: AppProcess[];
  readonly all: AppProcess[];
  /** `fetch` against the API with the test key. */
  request(path: string, init?: RequestInit): Promise<Response>;
  stop(): Promise<void>;
}

export interface ClusterSystemOptions {
  redis: RedisEnv;
  prefix: string;
  /** Start the API (one process, behind its supervisor). Default true. */
  api?: boolean;
  /** Crawl-worker instances, each its own supervisor: what "many hosts" looks like on one machine. Default 1. */
  crawlWorkers?: number;
  /** Analysis-worker instances. Default 1. */
  analysisWorkers?: number;
  /** Environment for every app. */
  overrides?: Record<string, string>;
}

/** Starts the apps, each instance with its own supervisor and WORKER_PROCESSES=1, and waits until all are ready. */
export async function startClusterSystem(options: ClusterSystemOptions): Promise<ClusterSystem> {
  const apiPort = await freePort();
  const env = clusterTestEnv({
    redis: options.redis,
    prefix: options.prefix,
    overrides: {
      API_PORT: String(apiPort),
      API_KEYS: TEST_API_KEYS.join(','),
      BOARD_USER: 'board',
      BOARD_PASSWORD: 'board-password-123',
      API_RATE_LIMIT_PER_MINUTE: '100000',
      SSE_HEARTBEAT_MS: '5000',
      ...options.overrides,
    },
  });
  const start = (app: AppName, count: number) => Array.from({ length: count }, () => startApp(app, env));
  const api = options.api === false ? null : startApp('api', env);
  const crawlWorkers = start('crawl-worker', options.crawlWorkers ?? 1);
  const analysisWorkers = start('analysis-worker', options.analysisWorkers ?? 1);
  const all = [...(api ? [api] : []), ...crawlWorkers, ...analysisWorkers];
  try {
    await Promise.all(all.map((app) => app.waitReady(1, 90_000)));
  } catch (error) {
    await Promise.all(all.map((app) => app.stop()));
    throw error;
  }
  const url = `http://127.0.0.1:${apiPort}`;
  return {
    url,
    key: TEST_API_KEYS[0],
    api,
    crawlWorkers,
    analysisWorkers,
    all,
    request(path, init = {}) {
      const headers = new Headers(init.headers);
      headers.set('authorization', `Bearer ${TEST_API_KEYS[0]}`);
      return fetch(`${url}${path}`, { ...init, headers });
    },
    async stop() {
      await Promise.all(all.map((app) => app.stop()));
    },
  };
}

/** `POST /v1/crawls`; returns the new crawl's id. */
export async function postCrawl(system: ClusterSystem, body: unknown): Promise<string> {
  const response = await system.request('/v1/crawls', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== 202) throw new Error(`POST /v1/crawls answered ${response.status}: ${text}`);
  return (JSON.parse(text) as { id: string }).id;
}

/** Local ports of the TCP connections `pid` holds to any of `remotePorts` on 127.0.0.1, from /proc. */
export function tcpConnectionsOf(pid: number, remotePorts: ReadonlySet<number>): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match) inodes.add(match[1]!);
    } catch {
      // the descriptor closed while we looked
    }
  }
  const ports: number[] = [];
  for (const line of readFileSync(`/proc/${pid}/net/tcp`, 'utf8').split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 10 || fields[3] !== '01') continue; // 01 = ESTABLISHED
    const remotePort = parseInt(fields[2]!.split(':')[1]!, 16);
    if (remotePorts.has(remotePort) && inodes.has(fields[9]!)) ports.push(parseInt(fields[1]!.split(':')[1]!, 16));
  }
  return ports;
}

/** A process's Redis connections: how many, to how many nodes, and under which `CLIENT SETNAME` names. */
export interface ProcessConnections {
  pid: number;
  total: number;
  nodes: number;
  byName: Record<string, number>;
}

/** Counts each process's connections to the cluster's nodes (from /proc) and names them (from CLIENT LIST). */
export async function countConnections(redis: RedisEnv, pids: readonly number[]): Promise<ProcessConnections[]> {
  const nodePorts = new Set(
    ('REDIS_CLUSTER_NODES' in redis ? redis.REDIS_CLUSTER_NODES.split(',') : [new URL(redis.REDIS_URL).host]).map(
      (node) => Number(node.split(':').at(-1)),
    ),
  );
  const names = new Map<number, { name: string; node: string }>();
  for (const line of await clientListAll(redis)) {
    const port = Number(/ addr=[^ ]+:(\d+) /.exec(` ${line} `)?.[1]);
    const name = / name=(\S*)/.exec(` ${line}`)?.[1] ?? '';
    const node = / laddr=(\S+)/.exec(` ${line}`)?.[1] ?? '';
    names.set(port, { name: name || '(unnamed)', node });
  }
  return pids.map((pid) => {
    const ports = tcpConnectionsOf(pid, nodePorts);
    const byName: Record<string, number> = {};
    const nodes = new Set<string>();
    for (const port of ports) {
      const found = names.get(port);
      const name = found?.name ?? '(not in CLIENT LIST)';
      byName[name] = (byName[name] ?? 0) + 1;
      if (found) nodes.add(found.node);
    }
    return { pid, total: ports.length, nodes: nodes.size, byName };
  });
}
