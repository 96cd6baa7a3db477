import type { PageResult } from '@kumo/contract';
import { HostLimiter } from '@kumo/crawl-jobs';
import { createRedisClient, CRAWL_BUCKETS } from '@kumo/keyspace';
import { auditKeyspace } from '@kumo/queues';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runKumo } from '../helpers/cli-run.js';
import { uniquePrefix } from '../helpers/env.js';
import { clusterMasters, masterOfKey, openClusterCrawlClient, type ClusterCrawlClient } from './helpers/cluster-env.js';

// The key package on a real 3-master cluster, with every multi-key operation aimed at each master on purpose:
// cross-slot mistakes pass silently while two slots happen to share a node, so "it worked" proves nothing unless
// the keys involved are known (CLUSTER KEYSLOT + CLUSTER NODES) to sit on different masters.
const redis = inject('redisEnv');
const prefix = uniquePrefix('ckeys');
let client: ClusterCrawlClient;
/** One bucket per master, and that master's port. */
const bucketOnMaster = new Map<number, number>();

beforeAll(async () => {
  client = await openClusterCrawlClient({ redis, prefix });
  for (let bucket = 0; bucket < CRAWL_BUCKETS && bucketOnMaster.size < 3; bucket++) {
    const tag = `{b:${String(bucket).padStart(2, '0')}}`;
    const master = await masterOfKey(redis, `x:${tag}`);
    if (![...bucketOnMaster.values()].includes(master.port)) bucketOnMaster.set(bucket, master.port);
  }
});

afterAll(async () => {
  await client?.close();
});

/** A plain (non-cluster) connection to one node: it answers only for keys of its own slots. */
async function onNode<T>(port: number, run: (node: ReturnType<typeof createRedisClient>) => Promise<T>): Promise<T> {
  const node = createRedisClient(`redis://127.0.0.1:${port}`, { connectionName: 'kumo:test:node' });
  try {
    return await run(node);
  } finally {
    node.disconnect();
  }
}

function page(url: string, status: PageResult['status'] = 'fetched'): PageResult {
  return { url, finalUrl: url, depth: 0, status, timings: { fetchMs: 1 } };
}

describe('the key package on a Redis Cluster', () => {
  it('has one bucket on each of the three masters, and the queues tag {q} on one of them', async () => {
    expect((await clusterMasters(redis)).length).toBe(3);
    expect(new Set(bucketOnMaster.values()).size).toBe(3);
    expect([...bucketOnMaster.values()]).toContain((await masterOfKey(redis, `${prefix}:bull:{q}:crawl:id`)).port);
  });

  it('runs every CrawlStore script and multi-key read for crawls on three different masters', async () => {
    const { state } = client;
    for (const [bucket, port] of bucketOnMaster) {
      const id = await client.submit({ urls: ['http://127.0.0.1:9/'], maxPages: 3, analyze: true }, { bucket });
      expect(state.live.bucketOf(id)).toBe(bucket);
      // Every key of the crawl is on this master: a plain connection to it reads them without MOVED.
      const seenKey = client.keys.seen(id);
      expect(await onNode(port, (node) => node.scard(seenKey))).toBe(1);

      expect(
        await state.admission.admitUrls(
          id,
          ['http://127.0.0.1:9/a', 'http://127.0.0.1:9/b', 'http://127.0.0.1:9/c'],
          3,
        ),
      ).toEqual(['http://127.0.0.1:9/a', 'http://127.0.0.1:9/b']);
      expect(await state.lifecycle.markRunning(id, new Date())).toBe(true);
      const first = await state.results.appendPage(id, page('http://127.0.0.1:9/'));
      expect(await state.results.appendPage(id, page('http://127.0.0.1:9/'))).toBe(first); // idempotent per URL
      await state.results.appendPage(id, page('http://127.0.0.1:9/a', 'failed'));
      await state.texts.putPageText(id, 'k1', '日本語のテキスト');
      await state.texts.putPageText(id, 'k2', 'もう一つ');
      expect(await state.texts.readPageText(id, 'k1')).toBe('日本語のテキスト');
      await state.texts.dropPageText(id, 'k1');
      expect(await state.texts.readPageText(id, 'k1')).toBeNull();
      await state.results.appendAnalysis(id, 'http://127.0.0.1:9/', { tokens: 3, terms: [], phrases: [] });
      const pages = await client.readPages(id);
      expect(pages.map((p) => [p.url, p.status, p.analysis?.tokens])).toEqual([
        ['http://127.0.0.1:9/', 'fetched', 3],
        ['http://127.0.0.1:9/a', 'failed', undefined],
      ]);
      expect(await state.lifecycle.finish(id, 'completed', new Date())).toBe('completed');
      await state.results.appendDone(id, 'completed');
      // Text k2, the texts set, the seen-set (and the progress lock unless its 250 ms ran out): one DEL, one slot.
      expect(await state.tmp.cleanupTmp(id)).toBeGreaterThanOrEqual(3);
      expect(await onNode(port, (node) => node.exists(seenKey, client.keys.texts(id)))).toBe(0);
      expect(await state.records.counts(id)).toMatchObject({ discovered: 3, fetched: 1, failed: 1, analyzed: 1 });
      const events = await state.results.readEvents(id, { count: 100 });
      expect(events.map((event) => event.type).filter((type) => type !== 'progress')).toEqual([
        'page',
        'page',
        'analysis',
        'done',
      ]);
      expect(await onNode(port, (node) => node.xlen(state.live.streamKey(id)))).toBe(events.length);
    }
  });

  it('refuses a script over two crawls on different masters (the check this suite relies on)', async () => {
    const [a, b] = [...bucketOnMaster.keys()];
    const ids = await Promise.all(
      [a!, b!].map((bucket) => client.submit({ urls: ['http://127.0.0.1:9/'] }, { bucket })),
    );
    const keys = ids.map((id) => client.keys.record(id));
    await expect(client.client.eval('return 1', 2, ...keys)).rejects.toThrow(/CROSSSLOT|same slot/i);
  });

  it('plans and limits hosts whose {h:…} tags sit on different masters', async () => {
    const limiter = new HostLimiter(client.store, { concurrency: 1, delayMs: 0 });
    const hosts = new Map<number, string>();
    for (let i = 0; hosts.size < 3 && i < 100; i++) {
      const host = `h${i}.example:80`;
      const port = (await masterOfKey(redis, client.store.keySpace.hostKey('ratelimit', host, 'leases'))).port;
      if (!hosts.has(port)) hosts.set(port, host);
    }
    expect(hosts.size).toBe(3);
    for (const host of hosts.values()) {
      // The host's schedule (planning, then leases) runs in the host's slot, whichever master holds it.
      expect(await limiter.plan(host, { crawlId: 'c1' }, 2)).toHaveLength(2);
      const first = await limiter.acquire(host, { crawlId: 'c1' });
      expect(first.granted).toBe(true);
      expect((await limiter.acquire(host, { crawlId: 'c1' })).granted).toBe(false);
      if (first.granted) await limiter.release(first.lease);
      const again = await limiter.acquire(host, { crawlId: 'c1' });
      expect(again.granted).toBe(true);
      if (again.granted) await limiter.release(again.lease);
    }
  });
});

describe('the key audit on a Redis Cluster', () => {
  const auditPrefix = uniquePrefix('caudit');
  const planted: string[] = [];

  beforeAll(async () => {
    // One key without TTL on each master: an audit that SCANs one node only would miss two of them.
    const byMaster = new Map<number, string>();
    for (let i = 0; byMaster.size < 3 && i < 200; i++) {
      const key = `${auditPrefix}:cache:planted${i}`;
      const port = (await masterOfKey(redis, key)).port;
      if (!byMaster.has(port)) byMaster.set(port, key);
    }
    planted.push(...byMaster.values());
    for (const key of planted) await client.client.set(key, 'x');
    await client.client.set(`${auditPrefix}:cache:fine`, 'x', 'EX', 600);
  });

  afterAll(async () => {
    for (const key of planted) await client.client.del(key);
    await client.client.del(`${auditPrefix}:cache:fine`);
  });

  it('auditKeyspace scans every master and finds a TTL-less key on each', async () => {
    expect(planted).toHaveLength(3);
    const audit = await auditKeyspace(client.client, { prefix: auditPrefix });
    expect(audit.nodes).toBe(3);
    const cache = audit.purposes.find((purpose) => purpose.purpose === 'cache')!;
    expect(cache.keys).toBe(4);
    expect([...cache.withoutTtl.keys].sort()).toEqual([...planted].sort());
  });

  it('`kumo keys audit` with REDIS_CLUSTER_NODES exits 1 naming all three, and 0 once they have a TTL', async () => {
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...redis, KUMO_PREFIX: auditPrefix };
    const failing = await runKumo(['keys', 'audit', '--json'], env);
    expect(failing.code, failing.stderr).toBe(1);
    const report = JSON.parse(failing.stdout) as {
      nodes: number;
      purposes: { purpose: string; withoutTtl: { keys: string[] } }[];
    };
    expect(report.nodes).toBe(3);
    const cache = report.purposes.find((purpose) => purpose.purpose === 'cache')!;
    expect([...cache.withoutTtl.keys].sort()).toEqual([...planted].sort());

    for (const key of planted) await client.client.pexpire(key, 600_000);
    const clean = await runKumo(['keys', 'audit'], env);
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.stdout).toContain(`Keys under ${auditPrefix}:`);
  });
});
