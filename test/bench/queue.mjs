// `queue`: no-op jobs per second through kumo's queue package and worker wrapper (logging, timing, metrics on)
// against a raw BullMQ Worker: same Redis, same concurrency, same job options, each in its own worker process.
import path from 'node:path';
import { Queue } from 'bullmq';
import { loadConfig } from '@kumo/config';
import { createRedisConnection, defaultJobOptions, KumoQueues } from '@kumo/queues';
import { uniquePrefix } from './lib/helpers.mjs';
import { roundsChart } from './lib/charts.mjs';
import { interleave } from './lib/interleave.mjs';
import { benchDir } from './lib/results.mjs';
import { runNodeJson, startRedis } from './lib/system.mjs';

export const name = 'queue';
export const description =
  'No-op jobs/s through createKumoWorker (JSON logger, stage timer, job counter, event hook) vs a raw BullMQ Worker; ' +
  'same Redis, concurrency 50, same job options; a fresh pre-filled queue (30,000 jobs) per round, one worker ' +
  'process each, timed from run() to the last completion (drained, or after 4 s).';

const CONCURRENCY = 50;
const BATCH = 1000;

async function fill(queue, jobs) {
  for (let i = 0; i < jobs; i += BATCH) {
    const size = Math.min(BATCH, jobs - i);
    await queue.addBulk(Array.from({ length: size }, (_, k) => ({ name: 'noop', data: { i: i + k } })));
  }
}

/** @param {import('./lib/context.mjs').BenchContext} ctx */
export async function run(ctx) {
  const jobs = ctx.quick ? 3000 : 30_000;
  const durationMs = ctx.quick ? 1500 : 4000;
  const redis = await startRedis(ctx);
  const script = path.join(benchDir, 'workers/queue-worker.mjs');
  ctx.data.settings = { jobs, durationMs, concurrency: CONCURRENCY };

  const variants = [
    {
      name: 'kumo',
      async run() {
        const prefix = uniquePrefix('qk');
        const config = loadConfig({ REDIS_URL: redis.url, KUMO_PREFIX: prefix });
        const connection = createRedisConnection(config, { role: 'worker', name: 'bench:producer' });
        const queues = new KumoQueues(connection, config);
        try {
          await fill(queues.crawl, jobs);
        } finally {
          await queues.close();
          await connection.quit();
        }
        return runNodeJson(script, {
          variant: 'kumo',
          redisUrl: redis.url,
          prefix,
          jobs,
          durationMs,
          concurrency: CONCURRENCY,
        });
      },
    },
    {
      name: 'raw',
      async run() {
        const rawPrefix = uniquePrefix('qr');
        const config = loadConfig({ REDIS_URL: redis.url, KUMO_PREFIX: rawPrefix });
        const connection = createRedisConnection(config, { role: 'worker', name: 'bench:producer' });
        // The same retention as kumo's jobs, so both sides write and trim the same completed sets.
        const queue = new Queue('noop', {
          connection,
          prefix: rawPrefix,
          defaultJobOptions: defaultJobOptions(config),
        });
        try {
          await fill(queue, jobs);
        } finally {
          await queue.close();
          await connection.quit();
        }
        return runNodeJson(script, {
          variant: 'raw',
          redisUrl: redis.url,
          prefix: rawPrefix,
          rawPrefix,
          queue: 'noop',
          jobs,
          durationMs,
          concurrency: CONCURRENCY,
        });
      },
    },
  ];
  const out = await interleave(ctx, variants);
  const perSecond = (name) => out[name].values.map((v) => v.perSecond);
  ctx.metric({
    id: 'throughput',
    label: 'no-op jobs/s',
    unit: 'jobs/s',
    kumo: perSecond('kumo'),
    baseline: perSecond('raw'),
    baselineLabel: 'raw BullMQ Worker',
    target: { op: '>=', value: 0.85 },
  });
  ctx.chart(
    'rounds',
    'No-op jobs/s per round (interleaved)',
    roundsChart(out, (v) => v.perSecond, 'jobs/s'),
  );
}
