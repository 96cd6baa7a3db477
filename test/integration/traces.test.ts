import { execFileSync } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { aggregateJobId, analyzeJobId, crawlJobId } from '@kumo/queues';
import { sampleSite, startSiteServer, type SiteServer } from '@kumo/sample-site';
import { afterAll, describe, expect, inject, it, vi } from 'vitest';
import { crawlToCompletion, startSystem, type RunningSystem } from '../helpers/api-processes.js';
import { uniquePrefix } from '../helpers/env.js';

// OpenTelemetry traces (issue 19): with OTEL_EXPORTER_OTLP_ENDPOINT set, a crawl is one trace from the API request
// through every crawl, analyze and aggregate job, exported over OTLP/HTTP (JSON) to an in-process receiver; unset,
// the SDK is never loaded and BullMQ gets no telemetry.
const root = path.resolve(import.meta.dirname, '../..');

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: { key: string; value: { stringValue?: string; intValue?: string | number } }[];
}

interface Receiver {
  url: string;
  spans: OtlpSpan[];
  services: Set<string>;
  close(): Promise<void>;
}

/** An OTLP/HTTP receiver: POST /v1/traces with a JSON `ExportTraceServiceRequest`, every span kept. */
async function startReceiver(): Promise<Receiver> {
  const spans: OtlpSpan[] = [];
  const services = new Set<string>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces' || !req.headers['content-type']?.includes('json')) {
        res.writeHead(415).end();
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        resourceSpans?: {
          resource?: { attributes?: { key: string; value: { stringValue?: string } }[] };
          scopeSpans?: { spans?: OtlpSpan[] }[];
        }[];
      };
      for (const resourceSpans of body.resourceSpans ?? []) {
        const service = resourceSpans.resource?.attributes?.find((a) => a.key === 'service.name')?.value.stringValue;
        if (service) services.add(service);
        for (const scope of resourceSpans.scopeSpans ?? []) spans.push(...(scope.spans ?? []));
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    services,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const attribute = (span: OtlpSpan, key: string) => span.attributes?.find((a) => a.key === key)?.value.stringValue;

describe('traces of a crawl', () => {
  const redisUrl = inject('redisUrl');
  let system: RunningSystem | undefined;
  let site: SiteServer | undefined;
  let receiver: Receiver | undefined;
  afterAll(async () => {
    await system?.stop();
    await site?.close();
    await receiver?.close();
  });

  it('reach an in-process OTLP receiver with every job as a span of one trace', async () => {
    receiver = await startReceiver();
    system = await startSystem({
      redisUrl,
      prefix: uniquePrefix('otel'),
      // A short batch delay (an OpenTelemetry SDK variable) so spans arrive while the test waits.
      overrides: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '200' },
    });
    site = await startSiteServer({ site: sampleSite() });
    const id = await crawlToCompletion(system, [`${site.url}/index.html`], 2);
    const pages = (await (await system.request(`/v1/crawls/${id}/pages?limit=100`)).json()) as {
      items: { url: string; analysis?: unknown }[];
      nextCursor: string | null;
    };
    expect(pages.nextCursor).toBeNull();
    const crawlJobs = pages.items.map((page) => crawlJobId(id, page.url));
    const analyzeJobs = pages.items.filter((page) => page.analysis !== undefined).map((p) => analyzeJobId(id, p.url));
    expect(crawlJobs.length).toBeGreaterThan(1);
    expect(analyzeJobs.length).toBeGreaterThan(0);

    const processed = (queue: string) =>
      new Set(receiver!.spans.filter((s) => s.name === `process ${queue}`).map((s) => attribute(s, 'bullmq.job.id')));
    await vi.waitFor(
      () => {
        expect(processed('aggregate')).toContain(aggregateJobId(id));
        for (const job of crawlJobs) expect(processed('crawl')).toContain(job);
        for (const job of analyzeJobs) expect(processed('analyze')).toContain(job);
      },
      { timeout: 30_000, interval: 200 },
    );

    const requestSpan = receiver.spans.find((s) => s.name === 'POST /v1/crawls');
    expect(requestSpan, 'the API request span').toBeDefined();
    expect(requestSpan!.parentSpanId ?? '').toBe('');
    const jobSpans = receiver.spans.filter((s) => s.name.startsWith('process '));
    expect(new Set(jobSpans.map((s) => s.traceId)), 'every job span in the request trace').toEqual(
      new Set([requestSpan!.traceId]),
    );
    // One tree: every span of the trace but the request has its parent in the trace.
    const trace = receiver.spans.filter((s) => s.traceId === requestSpan!.traceId);
    const ids = new Set(trace.map((s) => s.spanId));
    for (const span of trace) if (span !== requestSpan) expect(ids, span.name).toContain(span.parentSpanId);
    expect(receiver.services).toEqual(new Set(['kumo-api', 'kumo-crawl-worker', 'kumo-analysis-worker']));
  });
});

/** Runs a script in a fresh Node process (against the built packages) and returns what it prints as JSON. */
function runNode(script: string): unknown {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
  return JSON.parse(out);
}

/**
 * Starts tracing (or not), builds KumoQueues and a worker, and reports which OpenTelemetry modules the process holds
 * (they are CommonJS, so `require.cache` lists them however they were imported) and whether BullMQ got telemetry.
 */
const probe = (endpoint: string | undefined, redisUrl: string) => `
  import { createRequire } from 'node:module';
  import { Redis } from 'ioredis';
  import { startTracing } from '@kumo/observability';
  import { createKumoWorker, KumoQueues } from '@kumo/queues';
  const tracing = await startTracing({ endpoint: ${JSON.stringify(endpoint)}, serviceName: 'probe' });
  const connection = new Redis(${JSON.stringify(redisUrl)}, { maxRetriesPerRequest: null });
  const config = { KUMO_PREFIX: 'probe', QUEUE_EVENTS_MAX_LEN: 100, QUEUE_SWEEP_INTERVAL_S: 60, CRAWL_ATTEMPTS: 3,
    CRAWL_RETRY_BACKOFF_MS: 100, WORKER_LOCK_DURATION_MS: 1000, WORKER_STALLED_INTERVAL_MS: 1000,
    WORKER_LIVENESS_CHECK_MS: 0 };
  const queues = new KumoQueues(connection, config);
  const worker = createKumoWorker('crawl', async () => ({}), { connection, config, concurrency: 1, autorun: false });
  const loaded = Object.keys(createRequire(import.meta.url).cache)
    .filter((file) => /node_modules[\\\\/](@opentelemetry|bullmq-otel)[\\\\/]/.test(file))
    .map((file) => file.split(/node_modules[\\\\/]/).pop().split(/[\\\\/]/))
    .map((parts) => parts.slice(0, parts[0].startsWith('@') ? 2 : 1).join('/'));
  process.stdout.write(JSON.stringify({
    started: tracing !== undefined,
    loaded: [...new Set(loaded)].sort(),
    telemetry: [queues.crawl.opts.telemetry, queues.flowProducer.opts.telemetry, worker.opts.telemetry]
      .map((t) => t !== undefined),
  }));
  await worker.close();
  await queues.close();
  await tracing?.shutdown();
  connection.disconnect();
  process.exit(0);
`;

describe('tracing off', () => {
  const redisUrl = inject('redisUrl');
  it('loads no OpenTelemetry SDK and gives BullMQ no telemetry when no endpoint is set', () => {
    // @opentelemetry/api alone is prom-client's (its CPU metric reads the active span for exemplars): a no-op facade.
    expect(runNode(probe(undefined, redisUrl))).toEqual({
      started: false,
      loaded: ['@opentelemetry/api'],
      telemetry: [false, false, false],
    });
  });

  it('(the probe sees the SDK when an endpoint is set)', () => {
    const on = runNode(probe('http://127.0.0.1:9', redisUrl)) as {
      started: boolean;
      loaded: string[];
      telemetry: boolean[];
    };
    expect(on.started).toBe(true);
    expect(on.loaded).toEqual(expect.arrayContaining(['@opentelemetry/sdk-trace-node', 'bullmq-otel']));
    expect(on.telemetry).toEqual([true, true, true]);
  });
});
