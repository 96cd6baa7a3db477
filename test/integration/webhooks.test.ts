import { createHmac } from 'node:crypto';
import { crawlSchema, webhookPayloadSchema, type Crawl, type WebhookDelivery } from '@kumo/contract';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { postCrawl, startAcceptedCrawl } from '../helpers/api-harness.js';
import { startSystem, type RunningSystem } from '../helpers/api-processes.js';
import { openCrawlClient, type CrawlClient } from '../helpers/crawl-harness.js';
import { uniquePrefix } from '../helpers/env.js';
import { startMeshSite, type MeshSite } from '../helpers/mesh-site.js';
import { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from '../helpers/webhook-receiver.js';

const redisUrl = inject('redisUrl');
const prefix = uniquePrefix('hook');
const SECRET = 'whsec-integration-0123456789';

let site: MeshSite;
/** Allowed by CRAWL_ALLOW_HOSTS: answers by path (`/ok`, `/flaky`: 500 first, `/hang-first`: no answer first). */
let receiver: WebhookReceiver;
/** Not allowed: nothing may ever reach it. */
let forbidden: WebhookReceiver;
let system: RunningSystem;
let client: CrawlClient;

beforeAll(async () => {
  site = await startMeshSite(2);
  receiver = await startWebhookReceiver((request, earlier) => {
    if (request.path === '/flaky' && earlier === 0) return 500;
    if (request.path === '/hang-first' && earlier === 0) return 'hang';
    return 200;
  });
  forbidden = await startWebhookReceiver();
  const sitePort = new URL(site.url).port;
  system = await startSystem({
    redisUrl,
    prefix,
    overrides: {
      // The site and the allowed receiver only, each on its own port: 127.0.0.1 on any other port is refused.
      CRAWL_ALLOW_HOSTS: `127.0.0.1:${sitePort},127.0.0.1:${receiver.port}`,
      // A test-only schedule (production: 30 s doubling to 1 h, 31 attempts ≈ 24 h): retries within a second.
      WEBHOOK_BACKOFF_BASE_MS: '100',
      WEBHOOK_BACKOFF_MAX_MS: '200',
      WEBHOOK_ATTEMPTS: '5',
      WEBHOOK_TIMEOUT_MS: '30000',
    },
  });
  client = openCrawlClient({ redisUrl, prefix });
});

afterAll(async () => {
  await system?.stop();
  await client?.close();
  await Promise.all([site?.close(), receiver?.close(), forbidden?.close()]);
});

function crawlWithWebhook(webhook: { url: string; secret?: string }): Promise<string> {
  return startAcceptedCrawl(system, { urls: [`${site.url}/index.html`], maxDepth: 1, analyze: false, webhook });
}

async function getCrawl(id: string): Promise<{ text: string; crawl: Crawl }> {
  const response = await system.request(`/v1/crawls/${id}`);
  expect(response.status).toBe(200);
  const text = await response.text();
  return { text, crawl: crawlSchema.parse(JSON.parse(text)) };
}

/** The crawl's deliveries once `done(deliveries)` holds. */
async function deliveriesWhen(id: string, done: (deliveries: WebhookDelivery[]) => boolean, timeout = 60_000) {
  let deliveries: WebhookDelivery[] = [];
  await vi.waitFor(
    async () => {
      deliveries = (await getCrawl(id)).crawl.webhook?.deliveries ?? [];
      expect(done(deliveries), JSON.stringify(deliveries)).toBe(true);
    },
    { timeout, interval: 200 },
  );
  return deliveries;
}

const delivered = (deliveries: WebhookDelivery[]) => deliveries.some((entry) => entry.status === 200);

/** An independent check of `Kumo-Signature`, with node:crypto only: t within 5 minutes, v1 = HMAC of "<t>.<body>". */
function expectSignedBy(request: ReceivedWebhook, secret: string) {
  const header = String(request.headers['kumo-signature']);
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  expect(match, header).not.toBeNull();
  const [, t, v1] = match!;
  expect(Math.abs(Date.now() / 1000 - Number(t))).toBeLessThan(300);
  expect(v1).toBe(createHmac('sha256', secret).update(`${t}.${request.body}`).digest('hex'));
}

describe('webhooks', () => {
  it('POSTs a signed crawl.finished that an independent receiver verifies; the crawl shows it, never the secret', async () => {
    const created = await postCrawl(system, {
      urls: [`${site.url}/index.html`],
      maxDepth: 1,
      analyze: false,
      webhook: { url: `${receiver.url}/ok`, secret: SECRET },
    });
    expect(created.status).toBe(202);
    const createdText = await created.text();
    expect(createdText).not.toContain(SECRET);
    const { id } = JSON.parse(createdText) as { id: string };

    const deliveries = await deliveriesWhen(id, delivered);
    expect(deliveries).toEqual([{ at: expect.any(String), status: 200, attempt: 1 }]);
    const [request, ...more] = receiver.deliveriesOf(`${id}-webhook`);
    expect(more).toEqual([]);
    expect(request!.method).toBe('POST');
    expect(request!.path).toBe('/ok');
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['kumo-event']).toBe('crawl.finished');
    expectSignedBy(request!, SECRET);
    const { text, crawl } = await getCrawl(id);
    expect(webhookPayloadSchema.parse(JSON.parse(request!.body))).toEqual({
      id,
      status: 'completed',
      counts: crawl.counts,
      truncated: false,
      links: {
        self: `/v1/crawls/${id}`,
        events: `/v1/crawls/${id}/events`,
        pages: `/v1/crawls/${id}/pages`,
        report: `/v1/crawls/${id}/report`,
      },
    });

    // GET /v1/crawls/:id: the URL and the attempts, the secret nowhere (neither in `webhook` nor in `request`).
    expect(crawl.webhook).toEqual({ url: `${receiver.url}/ok`, deliveries });
    expect(crawl.request.webhook).toEqual({ url: `${receiver.url}/ok` });
    expect(text).not.toContain(SECRET);
    for (const path of ['/v1/crawls', `/v1/crawls/${id}/events`, `/v1/crawls/${id}/pages`, `/v1/crawls/${id}/report`]) {
      const answer = await system.request(path);
      expect(answer.status, path).toBe(200);
      expect(await answer.text(), path).not.toContain(SECRET);
    }
    const listed = (await (await system.request('/v1/crawls')).json()) as { items: Crawl[] };
    expect(listed.items.find((item) => item.id === id)?.webhook).toEqual(crawl.webhook);
    // Nor in any log line of any process; the crawl-worker logged the delivery.
    await vi.waitFor(() =>
      expect(system.workers[0]!.lines.some((line) => line.msg === 'webhook delivered' && line.crawlId === id)).toBe(
        true,
      ),
    );
    for (const app of [system.api, ...system.workers]) expect(app.output).not.toContain(SECRET);
    // Nor in the job Bull Board shows: its data is the crawl id alone.
    const job = await client.queues.webhook.getJob(`${id}-webhook`);
    expect(job?.data).toEqual({ crawlId: id });
    expect(await job?.getState()).toBe('completed');
  });

  it('retries a delivery answered 500, with the same Kumo-Delivery, until a 2xx', async () => {
    const id = await crawlWithWebhook({ url: `${receiver.url}/flaky`, secret: SECRET });
    const deliveries = await deliveriesWhen(id, delivered);
    expect(deliveries).toEqual([
      { at: expect.any(String), status: 500, attempt: 1, error: 'KUMO_WEBHOOKS_HTTP_STATUS' },
      { at: expect.any(String), status: 200, attempt: 2 },
    ]);
    const requests = receiver.deliveriesOf(`${id}-webhook`);
    expect(requests).toHaveLength(2);
    // Each attempt is signed afresh over the same body.
    expect(requests[1]!.body).toBe(requests[0]!.body);
    for (const request of requests) expectSignedBy(request, SECRET);
  });

  it('sends no signature without a secret', async () => {
    const id = await crawlWithWebhook({ url: `${receiver.url}/ok` });
    await deliveriesWhen(id, delivered);
    const [request] = receiver.deliveriesOf(`${id}-webhook`);
    expect(request!.headers['kumo-signature']).toBeUndefined();
    expect(request!.headers['kumo-event']).toBe('crawl.finished');
  });

  it.each([
    ['a private address', 'http://10.20.30.40/hook'],
    ['the metadata address', 'http://169.254.169.254/latest'],
    ['loopback on a port CRAWL_ALLOW_HOSTS does not open', () => `http://127.0.0.1:${forbidden.port}/hook`],
  ])('refuses a webhook to %s when the crawl is created (400)', async (_name, target) => {
    const url = typeof target === 'function' ? target() : target;
    const response = await postCrawl(system, { urls: [`${site.url}/index.html`], webhook: { url } });
    expect(response.status).toBe(400);
    const problem = (await response.json()) as { code: string; errors: { path: string; message: string }[] };
    expect(problem.code).toBe('KUMO_API_VALIDATION');
    expect(problem.errors).toEqual([{ path: 'webhook.url', message: expect.stringContaining('public address') }]);
  });

  it('refuses at connect time a host name that resolves to a private address, once, without retrying', async () => {
    const id = await crawlWithWebhook({ url: `http://localhost:${forbidden.port}/hook`, secret: SECRET });
    const deliveries = await deliveriesWhen(id, (list) => list.length > 0);
    expect(deliveries).toEqual([
      { at: expect.any(String), status: 0, attempt: 1, error: 'KUMO_WEBHOOKS_BLOCKED_ADDRESS' },
    ]);
    const job = await client.queues.webhook.getJob(`${id}-webhook`);
    await vi.waitFor(async () => expect(await job?.getState()).toBe('failed'), { timeout: 10_000 });
    expect((await client.queues.webhook.getJob(`${id}-webhook`))?.attemptsMade).toBe(1);
    expect(forbidden.received).toEqual([]);
    expect((await getCrawl(id)).crawl.webhook?.deliveries).toEqual(deliveries);
  });

  it('delivers after the delivering process is SIGKILLed mid-delivery (the stalled job runs again)', async () => {
    const crawlWorker = system.workers[0]!;
    const id = await crawlWithWebhook({ url: `${receiver.url}/hang-first`, secret: SECRET });
    // The first attempt reaches the receiver, which holds it unanswered: the job is active in that process.
    await vi.waitFor(() => expect(receiver.deliveriesOf(`${id}-webhook`)).toHaveLength(1), {
      timeout: 60_000,
      interval: 100,
    });
    const [victim] = crawlWorker.childPids();
    expect(victim).toBeDefined();
    process.kill(victim!, 'SIGKILL');

    const deliveries = await deliveriesWhen(id, delivered, 90_000);
    // The killed attempt recorded nothing; the rerun counts as the job's second start.
    expect(deliveries).toEqual([{ at: expect.any(String), status: 200, attempt: 2 }]);
    const requests = receiver.deliveriesOf(`${id}-webhook`);
    expect(requests).toHaveLength(2);
    for (const request of requests) expectSignedBy(request, SECRET);
    expect(crawlWorker.childPids()).not.toContain(victim);
    expect(
      crawlWorker.lines.some(
        (line) => typeof line.msg === 'string' && line.msg.startsWith('job stalled') && line.queue === 'webhook',
      ),
    ).toBe(true);
  });
});
