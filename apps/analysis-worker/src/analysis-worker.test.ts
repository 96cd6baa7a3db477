import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '@kumo/config';
import { crawlRequestSchema } from '@kumo/contract';
import { CrawlStore, newCrawlId } from '@kumo/crawl-state';
import { startEmbeddedRedis, type RedisHandle } from '@kumo/local-redis';
import { createLogger } from '@kumo/observability';
import { createKeyStore, createRedisConnection, KumoQueues } from '@kumo/queues';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnalysisWorker } from './analysis-worker.js';

let redis: RedisHandle;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'kumo-analysis-worker-'));
  redis = await startEmbeddedRedis({ dir });
});

afterAll(async () => {
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('startAnalysisWorker', () => {
  it('loads the dictionary before taking jobs, logs ready, analyses and aggregates, and closes cleanly', async () => {
    const config = loadConfig({ REDIS_URL: redis.url, KUMO_PREFIX: 'awtest', NODE_ENV: 'test' });
    const lines: Record<string, unknown>[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line));
        callback();
      },
    });
    const logger = createLogger({ name: 'analysis-worker', format: 'json', destination });

    const work = await startAnalysisWorker(config, logger);
    const messages = lines.map((line) => line.msg);
    expect(messages.indexOf('tokenizer loaded')).toBeGreaterThanOrEqual(0);
    expect(messages.indexOf('tokenizer loaded')).toBeLessThan(messages.indexOf('ready'));
    expect(lines.find((line) => line.msg === 'tokenizer loaded')?.rssMb).toBeGreaterThan(100);
    // Warmed up before the first job: between the dictionary and ready.
    expect(messages.indexOf('analyzer warmed up')).toBeGreaterThan(messages.indexOf('tokenizer loaded'));
    expect(messages.indexOf('analyzer warmed up')).toBeLessThan(messages.indexOf('ready'));
    expect(lines.find((line) => line.msg === 'analyzer warmed up')?.chars).toBeGreaterThan(0);

    // A crawl whose one page waits for analysis: the flow's root runs once the analyze child is done.
    const { store } = createKeyStore(config, 'command');
    const connection = createRedisConnection(config, { role: 'worker' });
    const queues = new KumoQueues(connection, config);
    const state = new CrawlStore(store, { resultTtlMs: 60_000, tmpTtlMs: 60_000 });
    try {
      const id = newCrawlId();
      const request = crawlRequestSchema.parse({ urls: ['http://127.0.0.1/'] });
      await state.records.createCrawl({ id, owner: 'test', request, createdAt: new Date() });
      await state.results.appendPage(id, {
        url: 'http://127.0.0.1/',
        finalUrl: 'http://127.0.0.1/',
        depth: 0,
        status: 'fetched',
        timings: {},
      });
      await state.texts.putPageText(id, 'p', '今日は東京で雪が降りました。東京の雪は珍しい。');
      await queues.flowProducer.add({
        name: 'aggregate',
        queueName: 'aggregate',
        prefix: queues.prefix,
        data: { crawlId: id },
        opts: { jobId: id },
        children: [
          {
            name: 'analyze',
            queueName: 'analyze',
            prefix: queues.prefix,
            data: { crawlId: id, url: 'http://127.0.0.1/', pageKey: 'p' },
          },
        ],
      });
      let crawl = await state.records.getCrawl(id);
      for (let i = 0; i < 200 && crawl?.crawl.status !== 'completed'; i++) {
        await sleep(100);
        crawl = await state.records.getCrawl(id);
      }
      expect(crawl?.crawl).toMatchObject({ status: 'completed', counts: { analyzed: 1 } });
      expect((await state.reports.getReport(id))?.keywords.map((keyword) => keyword.term)).toContain('東京');
    } finally {
      await work.close();
      await queues.close();
      await connection.quit();
      await store.close();
    }
  });
});
