import { getPriority, setPriority } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Config } from '@kumo/config';
import {
  AnalysisCache,
  bridgeAnalyzerMetrics,
  createAggregateProcessor,
  createAnalyzeProcessor,
  loadUserDictionary,
} from '@kumo/analysis-jobs';
import { loadTokenizer, warmUp } from '@kumo/analyzer';
import { CrawlStore } from '@kumo/crawl-state';
import { checkRedisServer } from '@kumo/keyspace';
import { createMetrics, StageTimer, type Logger } from '@kumo/observability';
import { bridgeHoldMetrics, createKeyStore, createKumoWorker, createRedisConnection, KumoQueues } from '@kumo/queues';
import type { RunningWork } from '@kumo/supervisor';
import { AggregatorRegistry } from 'prom-client';

/**
 * Aggregate jobs in flight per process. Two, so that one large crawl's aggregation (I/O-bound paging through its
 * stream) does not hold back the `done` of a small crawl finishing at the same time; more buys nothing.
 */
export const AGGREGATE_CONCURRENCY = 2;

/**
 * One analysis-worker process: loads the kuromoji dictionary once and warms the analyzer up (`warmUp`), before taking
 * any job (~1 s, ~300 MB), then runs two BullMQ workers in this process: `analyze` (`ANALYZE_CONCURRENCY`, CPU-bound:
 * 2 by default, so that one job computes while the other waits for Redis; one process per core) and `aggregate`.
 * Processors run in-process, not sandboxed: tokenisation yields to the event loop between chunks, so lock renewal
 * keeps running, and a sandbox would need a second dictionary copy per process.
 */
export async function startAnalysisWorker(config: Config, logger: Logger): Promise<RunningWork> {
  lowerPriority(config.ANALYSIS_WORKER_NICE, logger);
  const { client, store } = createKeyStore(config, 'command', 'kumo:analysis-worker');
  const check = await checkRedisServer(client, { allowEviction: config.KUMO_ALLOW_EVICTION });
  for (const warning of check.warnings) logger.warn({ redisVersion: check.version }, warning);

  const metrics = createMetrics({ app: 'analysis-worker' });
  const stopBridge = bridgeAnalyzerMetrics(metrics);
  const stopHoldBridge = bridgeHoldMetrics(metrics, logger);
  // The supervisor's /metrics aggregates what each process hands prom-client's cluster IPC: our own registry.
  AggregatorRegistry.setRegistries([metrics.registry]);

  const started = performance.now();
  const tokenizer = await loadTokenizer();
  logger.info(
    {
      rssMb: Math.round(process.memoryUsage().rss / 2 ** 20),
      ms: Math.round(performance.now() - started),
    },
    'tokenizer loaded',
  );
  // Before the first job: a fresh process would analyse its first pages at half speed while V8 compiles.
  const warmedUp = await warmUp(tokenizer);
  logger.info({ chars: warmedUp.chars, ms: Math.round(warmedUp.ms) }, 'analyzer warmed up');

  const glossary = await loadUserDictionary(config.ANALYZER_USER_DICTIONARY, tokenizer);
  if (glossary) logger.info({ terms: glossary.size, file: config.ANALYZER_USER_DICTIONARY }, 'user dictionary loaded');

  const state = new CrawlStore(store, { resultTtlMs: config.RESULT_TTL_S * 1000, tmpTtlMs: config.TMP_TTL_S * 1000 });
  const timer = new StageTimer(metrics, logger);
  const analyze = createAnalyzeProcessor({
    tokenizer,
    glossary,
    state,
    cache: new AnalysisCache(store, { cacheTtlMs: config.CACHE_TTL_S * 1000 }),
    timer,
    logger,
    metrics,
  });
  const bullConnection = createRedisConnection(config, { role: 'worker', name: 'kumo:analysis-worker:bull' });
  // To add webhook deliveries of settled crawls (the crawl-worker delivers them), and to look up the crawl jobs of
  // pages lost without a result (their depth and failed reason).
  const queues = new KumoQueues(bullConnection, config);
  const aggregate = createAggregateProcessor({
    state,
    timer,
    logger,
    metrics,
    webhooks: queues,
    crawlJobs: queues.crawl,
  });

  const onJobDone = (done: { queue: string; outcome: string }) =>
    metrics.jobs.inc({ queue: done.queue, outcome: done.outcome });
  const workers = [
    createKumoWorker('analyze', analyze, {
      connection: bullConnection,
      config,
      concurrency: config.ANALYZE_CONCURRENCY,
      logger,
      onJobDone,
    }),
    createKumoWorker('aggregate', aggregate, {
      connection: bullConnection,
      config,
      concurrency: AGGREGATE_CONCURRENCY,
      logger,
      onJobDone,
    }),
  ];
  await Promise.all(workers.map((worker) => worker.waitUntilReady()));
  logger.info(
    {
      analyzeConcurrency: config.ANALYZE_CONCURRENCY,
      aggregateConcurrency: AGGREGATE_CONCURRENCY,
      redis: check.version,
    },
    'ready',
  );

  return {
    async close() {
      // Active jobs finish first (their analyses and reports get recorded), then the connections go.
      await Promise.all(workers.map((worker) => worker.close()));
      stopBridge();
      await queues.close();
      stopHoldBridge();
      await bullConnection.quit();
      await store.close();
    },
  };
}

/**
 * Tokenising keeps a core busy for as long as there are pages; on a host shared with the API and the crawl workers,
 * a higher niceness lets the scheduler serve their short bursts (requests, fetches) first, so the API's latency holds
 * while analysis saturates the cores, and analysis still gets every cycle nobody else wants. Raising one's own
 * niceness needs no privilege; a process already nicer than asked is left alone.
 */
function lowerPriority(nice: number, logger: Logger): void {
  try {
    if (getPriority(0) < nice) setPriority(0, nice);
  } catch (error) {
    logger.warn({ err: error, nice }, 'could not set the process niceness; analysis runs at normal priority');
  }
}
