// One worker process of the `queue` benchmark: drains a pre-filled queue of no-op jobs and prints
// `{ jobs, ms, perSecond }`. Variant `kumo` is createKumoWorker with everything on (JSON logger, stage timer into the
// Prometheus histogram, job counter, event hook); variant `raw` is a bare BullMQ Worker. Both get their connection
// from kumo's connection factory (same ioredis settings) and the same concurrency; the clock runs from `run()` to
// the last `completed` event, start-up excluded, and stops after `durationMs` if the queue is not drained by then
// (a time box keeps the suite's duration bounded on a busy machine; the rate is the same).
import { createWriteStream } from 'node:fs';
import { Worker } from 'bullmq';
import { loadConfig } from '@kumo/config';
import { createLogger, createMetrics } from '@kumo/observability';
import { createKumoWorker, createRedisConnection } from '@kumo/queues';

const options = JSON.parse(process.argv[2]);
const config = loadConfig({ REDIS_URL: options.redisUrl, KUMO_PREFIX: options.prefix });
const connection = createRedisConnection(config, { role: 'worker', name: `bench:${options.variant}` });
const noop = async () => null;

let worker;
if (options.variant === 'kumo') {
  // Real writes of real log lines (to /dev/null): the wrapper logs errors and stalled jobs at info level and up.
  const logger = createLogger({
    name: 'queue-bench',
    level: 'info',
    format: 'json',
    destination: createWriteStream('/dev/null'),
  });
  const metrics = createMetrics({ app: 'queue-bench' });
  const events = metrics.counter('bench_worker_events_total', 'Worker events', ['type']);
  worker = createKumoWorker('crawl', noop, {
    connection,
    config,
    concurrency: options.concurrency,
    autorun: false,
    logger,
    stageTimer: {
      observe: (stage, ms, labels) =>
        metrics.stageDuration.observe({ stage, outcome: labels?.outcome ?? 'ok' }, ms / 1000),
    },
    onJobDone: (done) => metrics.jobs.inc({ queue: done.queue, outcome: done.outcome }),
    onEvent: (event) => events.inc({ type: event.type }),
  });
} else {
  worker = new Worker(options.queue, noop, {
    connection,
    prefix: options.rawPrefix,
    concurrency: options.concurrency,
    autorun: false,
  });
  worker.on('error', () => undefined);
}

await worker.waitUntilReady();
let completed = 0;
let started = 0;
let last = 0;
const done = new Promise((resolve) => {
  worker.on('completed', () => {
    completed += 1;
    last = performance.now();
    if (completed === options.jobs) resolve();
  });
  setTimeout(resolve, options.durationMs ?? 60_000).unref();
});
started = performance.now();
void worker.run();
await done;
const counted = completed;
const ms = last - started;
await worker.close();
await connection.quit();
process.stdout.write(`${JSON.stringify({ jobs: counted, ms, perSecond: (counted / ms) * 1000 })}\n`);
