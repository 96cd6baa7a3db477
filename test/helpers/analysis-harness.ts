import { setTimeout as sleep } from 'node:timers/promises';
import type { Analysis, CrawlStatus } from '@kumo/contract';
import type { CrawlEvent, CrawlStore } from '@kumo/crawl-state';
import { createRedisClient } from '@kumo/keyspace';
import { auditKeyspace, type KeyspaceAudit } from '@kumo/queues';
import type { AppProcess } from './processes.js';

/** Every event of a crawl's result stream, oldest first (paged, like the aggregate job reads it). */
export async function readAllEvents(state: CrawlStore, crawlId: string): Promise<CrawlEvent[]> {
  const events: CrawlEvent[] = [];
  let after: string | undefined;
  for (;;) {
    const batch = await state.results.readEvents(crawlId, { count: 500, ...(after === undefined ? {} : { after }) });
    events.push(...batch);
    if (batch.length < 500) return events;
    after = batch.at(-1)!.id;
  }
}

/** Resolves with every event once the crawl's stream holds its `done` event; rejects after `timeoutMs`. */
export async function waitForDone(
  state: CrawlStore,
  crawlId: string,
  { timeoutMs = 120_000 } = {},
): Promise<{ status: CrawlStatus; events: CrawlEvent[] }> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const events = await readAllEvents(state, crawlId);
    const done = events.find((event) => event.type === 'done');
    if (done) return { status: (JSON.parse(done.data) as { status: CrawlStatus }).status, events };
    await sleep(200);
  }
  const crawl = await state.records.getCrawl(crawlId);
  throw new Error(`no done event for ${crawlId} after ${timeoutMs} ms; crawl: ${JSON.stringify(crawl?.crawl)}`);
}

/** The `analysis` events of a crawl by URL. */
export function analysesByUrl(events: readonly CrawlEvent[]): Map<string, Analysis> {
  const byUrl = new Map<string, Analysis>();
  for (const event of events) {
    if (event.type !== 'analysis') continue;
    const { url, analysis } = JSON.parse(event.data) as { url: string; analysis: Analysis };
    byUrl.set(url, analysis);
  }
  return byUrl;
}

/** `kumo keys audit` of one prefix: keys without TTL per purpose, keys of unknown purposes. */
export async function auditPrefix(redisUrl: string, prefix: string): Promise<KeyspaceAudit> {
  const client = createRedisClient(redisUrl, { connectionName: 'kumo:test:audit' });
  try {
    return await auditKeyspace(client, { prefix });
  } finally {
    await client.quit();
  }
}

/** Names of the keys under `<prefix>:<purpose>:` that belong to a crawl (they carry its id). */
export async function crawlKeysOf(redisUrl: string, prefix: string, purpose: string, crawlId: string) {
  const client = createRedisClient(redisUrl, { connectionName: 'kumo:test:scan' });
  try {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await client.scan(cursor, 'MATCH', `${prefix}:${purpose}:*`, 'COUNT', 1000);
      cursor = next;
      keys.push(...batch.filter((key) => key.includes(crawlId)));
    } while (cursor !== '0');
    return keys;
  } finally {
    await client.quit();
  }
}

/** The analysis worker's `job finished` lines of analyze jobs of one crawl (`outcome` analyzed or skipped). */
export function analyzeJobLines(app: AppProcess, crawlId: string): Record<string, unknown>[] {
  return app.lines.filter(
    (line) => line.msg === 'job finished' && line.crawlId === crawlId && typeof line.url === 'string',
  );
}
