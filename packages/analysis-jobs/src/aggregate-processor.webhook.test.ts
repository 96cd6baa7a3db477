import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmbeddedRedis, type RedisHandle } from '@kumo/local-redis';
import type { AggregateJobData } from '@kumo/queues';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Harness, fetchedPage, jobOf } from './__fixtures__/harness.js';
import { createAggregateProcessor } from './aggregate-processor.js';

let redis: RedisHandle;
let dir: string;
const harnesses: Harness[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'kumo-aggregate-webhook-'));
  redis = await startEmbeddedRedis({ dir });
});

afterEach(async () => {
  for (const harness of harnesses.splice(0)) await harness.close();
});

afterAll(async () => {
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function settledCrawl(request: Record<string, unknown>) {
  const harness = new Harness(redis.url);
  harnesses.push(harness);
  const processor = createAggregateProcessor({
    state: harness.state,
    timer: harness.timer,
    logger: harness.logger,
    webhooks: harness.queues,
  });
  const id = await harness.createCrawl({ analyze: false, ...request });
  await harness.state.results.appendPage(id, fetchedPage('http://127.0.0.1/'));
  const run = () => processor(jobOf<AggregateJobData>({ crawlId: id }, id));
  return { harness, id, run };
}

describe('the aggregate job and webhooks', () => {
  it('adds one webhook delivery when it settles a crawl with a webhook, none more when it runs again', async () => {
    const { harness, id, run } = await settledCrawl({ webhook: { url: 'https://hooks.example.com/' } });
    await run();
    // A retried run (the first one died after settling) finds the crawl terminal: the same job id adds nothing.
    await run();
    const jobs = await harness.queues.webhook.getJobs(['waiting', 'delayed', 'active']);
    expect(jobs.map((job) => [job.id, job.data])).toEqual([[`${id}-webhook`, { crawlId: id }]]);
    expect(jobs[0]!.opts).toMatchObject({ attempts: 31, backoff: { type: 'kumo-webhook', delay: 30_000 } });
  });

  it('adds none for a crawl without a webhook', async () => {
    const { harness, run } = await settledCrawl({});
    await run();
    expect(await harness.queues.webhook.count()).toBe(0);
  });
});
