import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '@kumo/config';
import { crawlRequestSchema } from '@kumo/contract';
import { CrawlStore, newCrawlId } from '@kumo/crawl-state';
import { AddressPolicy, createSafeAgent } from '@kumo/crawler';
import type { KeyStore } from '@kumo/keyspace';
import { startEmbeddedRedis, type RedisHandle } from '@kumo/local-redis';
import { createMetrics } from '@kumo/observability';
import { createKeyStore, type Job, type WebhookJobData } from '@kumo/queues';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bridgeWebhookMetrics } from './webhook-metrics.js';
import { createWebhookProcessor } from './webhook-processor.js';

let redis: RedisHandle;
let dir: string;
let store: KeyStore;
let state: CrawlStore;
let server: http.Server;
let receiverUrl: string;
/** Paths the receiver got, in order. */
const received: string[] = [];
const agent = createSafeAgent({ policy: new AddressPolicy(['127.0.0.1']) });

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'kumo-webhook-processor-'));
  redis = await startEmbeddedRedis({ dir });
  const config = loadConfig({ REDIS_URL: redis.url, KUMO_PREFIX: 'whp' });
  ({ store } = createKeyStore(config, 'command', 'kumo:test'));
  state = new CrawlStore(store, { resultTtlMs: 600_000, tmpTtlMs: 600_000 });
  server = http.createServer((req, res) => {
    received.push(req.url ?? '');
    req.resume();
    res.writeHead(req.url === '/error' ? 503 : 200).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await agent.close();
  await store?.close();
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function finishedCrawl(webhookUrl: string): Promise<string> {
  const id = newCrawlId();
  const request = crawlRequestSchema.parse({ urls: ['http://127.0.0.1/'], webhook: { url: webhookUrl } });
  await state.records.createCrawl({ id, owner: 'test', request, createdAt: new Date() });
  await state.lifecycle.finish(id, 'completed', new Date());
  return id;
}

function jobOf(crawlId: string, attemptsMade = 0, attempts = 3): Job<WebhookJobData> {
  const job = { id: `${crawlId}-webhook`, data: { crawlId }, attemptsMade, attemptsStarted: attemptsMade + 1 };
  return { ...job, stalledCounter: 0, opts: { attempts } } as unknown as Job<WebhookJobData>;
}

const processor = () => createWebhookProcessor({ state, dispatcher: agent, timeoutMs: 5000, userAgent: 'kumo-test' });

describe('the webhook processor', () => {
  it('does not deliver again a crawl whose delivery already got a 2xx', async () => {
    const id = await finishedCrawl(`${receiverUrl}/again`);
    await state.webhooks.recordAttempt(id, { at: new Date().toISOString(), status: 204, attempt: 1 });
    await expect(processor()(jobOf(id, 1))).resolves.toEqual({ status: 204, attempt: 2 });
    expect(received).not.toContain('/again');
  });

  it('fails a delivery of a crawl that is gone, permanently', async () => {
    await expect(processor()(jobOf(newCrawlId()))).rejects.toMatchObject({
      code: 'KUMO_WEBHOOKS_CRAWL_GONE',
      kind: 'permanent',
    });
  });

  it('refuses malformed job data, permanently', async () => {
    await expect(
      processor()({ ...jobOf('x'), data: { crawl: 'x' } } as unknown as Job<WebhookJobData>),
    ).rejects.toMatchObject({ code: 'KUMO_WEBHOOKS_INVALID_JOB', kind: 'permanent' });
  });

  it('counts attempts by outcome: delivered, retrying, failed (the last attempt), refused', async () => {
    const metrics = createMetrics({ app: 'webhooks-test', defaultMetrics: false });
    const stop = bridgeWebhookMetrics(metrics);
    const lines: [string, Record<string, unknown>][] = [];
    const logger = {
      info: (object: object, message: string) => lines.push([message, object as Record<string, unknown>]),
      warn: (object: object, message: string) => lines.push([message, object as Record<string, unknown>]),
    };
    const run = createWebhookProcessor({ state, dispatcher: agent, timeoutMs: 5000, userAgent: 'kumo-test', logger });
    await run(jobOf(await finishedCrawl(`${receiverUrl}/ok`)));
    const failing = await finishedCrawl(`${receiverUrl}/error`);
    await expect(run(jobOf(failing, 0, 2))).rejects.toMatchObject({ code: 'KUMO_WEBHOOKS_HTTP_STATUS' });
    await expect(run(jobOf(failing, 1, 2))).rejects.toMatchObject({ code: 'KUMO_WEBHOOKS_HTTP_STATUS' });
    const blocked = await finishedCrawl('http://10.255.255.1:9/hook');
    await expect(run(jobOf(blocked))).rejects.toMatchObject({ code: 'KUMO_WEBHOOKS_BLOCKED_ADDRESS' });
    stop();
    const values = (await metrics.registry.getSingleMetric('kumo_webhook_deliveries_total')!.get()).values;
    expect(Object.fromEntries(values.map((entry) => [entry.labels.outcome, entry.value]))).toEqual({
      delivered: 1,
      retrying: 1,
      failed: 1,
      refused: 1,
    });
    expect(lines.map(([message, object]) => [message, object.outcome ?? 'delivered', object.code])).toEqual([
      ['webhook delivered', 'delivered', undefined],
      ['webhook attempt failed', 'retrying', 'KUMO_WEBHOOKS_HTTP_STATUS'],
      ['webhook attempt failed', 'failed', 'KUMO_WEBHOOKS_HTTP_STATUS'],
      ['webhook attempt failed', 'refused', 'KUMO_WEBHOOKS_BLOCKED_ADDRESS'],
    ]);
    expect((await state.records.getCrawl(failing))?.crawl.webhook?.deliveries).toEqual([
      { at: expect.any(String), status: 503, attempt: 1, error: 'KUMO_WEBHOOKS_HTTP_STATUS' },
      { at: expect.any(String), status: 503, attempt: 2, error: 'KUMO_WEBHOOKS_HTTP_STATUS' },
    ]);
  });
});
