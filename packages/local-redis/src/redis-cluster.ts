import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { type RedisHandle, startEmbeddedRedis } from './embedded-redis.js';
import { LocalRedisOptionError, RedisStartError, RedisUnavailableError } from './errors.js';
import { freePort } from './free-port.js';

const run = promisify(execFile);

export interface RedisClusterOptions {
  /** Parent directory of the nodes' data directories (`n0`, `n1`, …, each with its `nodes.conf`). Created when missing. */
  dir: string;
  /** Masters; the 16384 slots are split evenly between them. Default 3 (the fewest Redis Cluster accepts). */
  masters?: number;
  /** Replicas of each master, so a killed master can fail over. Default 1. */
  replicasPerMaster?: number;
  /**
   * `cluster-node-timeout`: how long a node may be unreachable before it is marked failed and its replica is
   * promoted. Failover takes about this plus 2–3 s (election). Default 5000 ms.
   */
  nodeTimeoutMs?: number;
  /** The redis.conf every node loads; default: infra/redis/redis.conf of this repository. */
  confPath?: string;
  /** Extra `--name value` arguments for every node. Default none. */
  extraArgs?: string[];
  /** How long start-up (processes, `--cluster create`, every node `cluster_state:ok`) may take. Default 60 s. */
  startTimeoutMs?: number;
}

/** One node as `CLUSTER NODES` describes it. */
export interface ClusterNodeInfo {
  readonly id: string;
  readonly host: string;
  readonly port: number;
  /** `host:port`, the form REDIS_CLUSTER_NODES takes. */
  readonly address: string;
  readonly role: 'master' | 'replica';
  /** The master's node id, for a replica. */
  readonly masterId: string | null;
  /** Flagged `fail` (agreed by a majority of masters) or `fail?` (suspected by the node asked). */
  readonly failed: boolean;
  /** Slot ranges served, inclusive (`[[0, 5460]]`); empty for replicas. */
  readonly slots: readonly (readonly [number, number])[];
}

/** A running local Redis Cluster. */
export interface RedisClusterHandle {
  /** Every node as `127.0.0.1:<port>`, masters first as created: a value for REDIS_CLUSTER_NODES. */
  readonly nodes: readonly string[];
  /** The nodes' ports, in the order of `nodes`. */
  readonly ports: readonly number[];
  /** The current view of the cluster (`CLUSTER NODES`, asked of a live node). */
  describe(): Promise<ClusterNodeInfo[]>;
  /** Masters that serve slots now (after a failover: the promoted replica, and not the dead master). */
  masters(): Promise<ClusterNodeInfo[]>;
  /** `CLUSTER KEYSLOT key`. */
  keySlot(key: string): Promise<number>;
  /** The master serving the slot of `key` now. */
  masterOf(key: string): Promise<ClusterNodeInfo>;
  /**
   * Resolves when every running node answers `cluster_state:ok` and sees every slot served by a running master
   * (after `killNode` of a master: once its replica has been promoted). `replicasInSync`: also wait until every
   * replica's link to its master is up. Defaults: 30 s, false.
   */
  waitUntilOk(options?: { timeoutMs?: number; replicasInSync?: boolean }): Promise<void>;
  /** SIGKILLs the node on `port` (a crash: no shutdown, no failover hand-over) and waits for it to exit. */
  killNode(port: number): Promise<void>;
  /** Starts a killed node again on its port and data directory; it rejoins (a failed-over master as a replica). */
  restartNode(port: number): Promise<void>;
  /** Stops every node (SIGTERM, then SIGKILL after a grace period). Idempotent. */
  stop(): Promise<void>;
}

interface NodeProcess {
  readonly index: number;
  readonly port: number;
  readonly busPort: number;
  readonly dir: string;
  handle: RedisHandle | null;
}

const HOST = '127.0.0.1';

/** `redis-cli -p <port> <args…>` with a deadline (a hung node must not hang the caller). */
async function cli(port: number, args: string[], timeoutMs = 5000): Promise<string> {
  const { stdout } = await run('redis-cli', ['-h', HOST, '-p', String(port), ...args], {
    timeout: timeoutMs,
    encoding: 'utf8',
  });
  return stdout;
}

/** Parses `CLUSTER NODES`: `<id> <ip:port@bus[,hostname]> <flags> <master> <ping> <pong> <epoch> <link> <slot>…`. */
export function parseClusterNodes(text: string): ClusterNodeInfo[] {
  const nodes: ClusterNodeInfo[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 8) continue;
    const [id, endpoint, flagText, master] = fields as [string, string, string, string];
    const flags = flagText.split(',');
    if (flags.includes('noaddr') || flags.includes('handshake')) continue;
    const hostPort = endpoint.split('@')[0]!;
    const colon = hostPort.lastIndexOf(':');
    const host = hostPort.slice(0, colon);
    const port = Number(hostPort.slice(colon + 1));
    const slots: [number, number][] = [];
    for (const slot of fields.slice(8)) {
      if (slot.startsWith('[')) continue; // a slot being migrated or imported
      const [from, to = from] = slot.split('-').map(Number) as [number, number?];
      slots.push([from, to]);
    }
    nodes.push({
      id,
      host,
      port,
      address: `${host}:${port}`,
      role: flags.includes('master') ? 'master' : 'replica',
      masterId: master === '-' ? null : master,
      failed: flags.includes('fail') || flags.includes('fail?'),
      slots,
    });
  }
  return nodes;
}

function servesSlot(node: ClusterNodeInfo, slot: number): boolean {
  return node.slots.some(([from, to]) => slot >= from && slot <= to);
}

/**
 * Starts a local Redis Cluster on 127.0.0.1: `masters × (1 + replicasPerMaster)` redis-server processes in cluster
 * mode with kumo's redis.conf, joined by `redis-cli --cluster create`, ready once every node says
 * `cluster_state:ok` and every replica has synced with its master (3–6 s for 3 + 3 nodes). Every process is
 * stopped by `stop()`, and killed when this process exits.
 */
export async function startRedisCluster(options: RedisClusterOptions): Promise<RedisClusterHandle> {
  const masterCount = options.masters ?? 3;
  const replicas = options.replicasPerMaster ?? 1;
  const nodeTimeoutMs = options.nodeTimeoutMs ?? 5000;
  const startTimeoutMs = options.startTimeoutMs ?? 60_000;
  if (!Number.isInteger(masterCount) || masterCount < 3) {
    throw new LocalRedisOptionError(
      `masters must be an integer of at least 3 (Redis Cluster's minimum), got ${masterCount}`,
    );
  }
  if (!Number.isInteger(replicas) || replicas < 0) {
    throw new LocalRedisOptionError(`replicasPerMaster must be a non-negative integer, got ${replicas}`);
  }
  if (!Number.isInteger(nodeTimeoutMs) || nodeTimeoutMs < 100) {
    throw new LocalRedisOptionError(`nodeTimeoutMs must be an integer of at least 100, got ${nodeTimeoutMs}`);
  }
  if (spawnSync('sh', ['-c', 'command -v redis-cli'], { stdio: 'ignore' }).status !== 0) {
    throw new RedisUnavailableError('redis-cli is not on PATH (Debian: apt-get install -y redis-server)');
  }
  mkdirSync(options.dir, { recursive: true });

  const processes: NodeProcess[] = [];
  let stopped = false;
  const startNode = async (node: NodeProcess) => {
    node.handle = await startEmbeddedRedis({
      dir: node.dir,
      port: node.port,
      ...(options.confPath === undefined ? {} : { confPath: options.confPath }),
      extraArgs: [
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        'nodes.conf',
        '--cluster-port',
        String(node.busPort),
        '--cluster-node-timeout',
        String(nodeTimeoutMs),
        ...(options.extraArgs ?? []),
      ],
    });
  };
  const live = () => processes.filter((node) => node.handle !== null);
  const byPort = (port: number) => {
    const node = processes.find((each) => each.port === port);
    if (!node) throw new LocalRedisOptionError(`no node of this cluster listens on port ${port}`);
    return node;
  };

  const describe = async (): Promise<ClusterNodeInfo[]> => {
    let lastError: unknown;
    for (const node of live()) {
      try {
        return parseClusterNodes(await cli(node.port, ['cluster', 'nodes']));
      } catch (error) {
        lastError = error;
      }
    }
    throw new RedisStartError('no node of the cluster answers CLUSTER NODES', { cause: lastError });
  };
  const masters = async () => (await describe()).filter((node) => node.role === 'master' && node.slots.length > 0);
  const keySlot = async (key: string) => {
    const [node] = live();
    if (!node) throw new RedisStartError('the cluster has no running node');
    return Number((await cli(node.port, ['cluster', 'keyslot', key])).trim());
  };

  /** One poll: true when every running node is ok and sees all slots served by running, non-failed masters. */
  const isOk = async (replicasInSync: boolean): Promise<boolean> => {
    // A killed master counts as down at once: the nodes only notice it after the node timeout.
    const running = new Set(live().map((node) => node.port));
    const answers = await Promise.all(
      live().map(async (node) => {
        const info = await cli(node.port, ['cluster', 'info']).catch(() => '');
        if (!info.includes('cluster_state:ok')) return false;
        const view = parseClusterNodes(await cli(node.port, ['cluster', 'nodes']).catch(() => ''));
        const me = view.find((each) => each.port === node.port);
        const served = view
          .filter((each) => each.role === 'master' && !each.failed && running.has(each.port))
          .flatMap((each) => each.slots.map(([from, to]) => to - from + 1))
          .reduce((sum, count) => sum + count, 0);
        if (served !== 16384) return false;
        if (replicasInSync && me?.role === 'replica') {
          return (await cli(node.port, ['info', 'replication']).catch(() => '')).includes('master_link_status:up');
        }
        return true;
      }),
    );
    return answers.length > 0 && answers.every(Boolean);
  };
  const waitUntilOk = async ({ timeoutMs = 30_000, replicasInSync = false } = {}) => {
    const deadline = Date.now() + timeoutMs;
    let pause = 50;
    for (;;) {
      if (await isOk(replicasInSync)) return;
      if (Date.now() >= deadline) {
        throw new RedisStartError(`the Redis Cluster did not reach cluster_state:ok within ${timeoutMs} ms`);
      }
      await sleep(pause);
      pause = Math.min(pause * 2, 500);
    }
  };

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await Promise.all(
      processes.map(async (node) => {
        const handle = node.handle;
        node.handle = null;
        await handle?.stop();
      }),
    );
  };

  const started = Date.now();
  try {
    const total = masterCount * (1 + replicas);
    for (let index = 0; index < total; index++) {
      // The cluster bus gets a port of its own: the default (port + 10000) may be taken or above 65535.
      let lastError: unknown;
      for (let attempt = 0; attempt < 5; attempt++) {
        const node: NodeProcess = {
          index,
          port: await freePort(),
          busPort: await freePort(),
          dir: path.join(path.resolve(options.dir), `n${index}`),
          handle: null,
        };
        if (node.port === node.busPort) continue;
        try {
          await startNode(node);
          processes.push(node);
          lastError = undefined;
          break;
        } catch (error) {
          lastError = error;
        }
      }
      if (lastError !== undefined) throw lastError;
    }
    const addresses = processes.map((node) => `${HOST}:${node.port}`);
    await run(
      'redis-cli',
      ['--cluster', 'create', ...addresses, '--cluster-replicas', String(replicas), '--cluster-yes'],
      { timeout: startTimeoutMs, encoding: 'utf8' },
    ).catch((error: unknown) => {
      const output = (error as { stdout?: string; stderr?: string }).stdout ?? '';
      throw new RedisStartError(`redis-cli --cluster create failed: ${output.slice(-500)}`, { cause: error });
    });
    await waitUntilOk({ timeoutMs: Math.max(1000, startTimeoutMs - (Date.now() - started)), replicasInSync: true });
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    nodes: processes.map((node) => `${HOST}:${node.port}`),
    ports: processes.map((node) => node.port),
    describe,
    masters,
    keySlot,
    async masterOf(key) {
      const slot = await keySlot(key);
      const owner = (await masters()).find((node) => !node.failed && servesSlot(node, slot));
      if (!owner) throw new RedisStartError(`no live master serves slot ${slot} (of ${key})`);
      return owner;
    },
    waitUntilOk,
    async killNode(port) {
      const node = byPort(port);
      const handle = node.handle;
      if (!handle) return;
      node.handle = null;
      if (handle.pid !== undefined) process.kill(handle.pid, 'SIGKILL');
      await handle.stop(); // resolves once the process has exited
    },
    async restartNode(port) {
      const node = byPort(port);
      if (node.handle) return;
      if (stopped) throw new RedisStartError('the cluster was stopped');
      await startNode(node);
    },
    stop,
  };
}
