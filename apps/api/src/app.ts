import express, { type Express } from 'express';
import { CrawlCreator } from '@kumo/crawl-creation';
import { Schedules } from '@kumo/schedules';
import { IdempotencyStore, type CrawlStore } from '@kumo/crawl-state';
import type { BlockingReader, KeyStore, RedisClient } from '@kumo/keyspace';
import type { Logger } from '@kumo/observability';
import type { KumoQueues } from '@kumo/queues';
import { ApiMetrics } from './metrics/api-metrics.js';
import type { MetricsText } from './metrics/cluster-metrics-bridge.js';
import { KeyAuditGauges } from './metrics/key-audit-gauges.js';
import { registerQueueGauges } from './metrics/queue-gauges.js';
import { ApiKeyring, bearerAuth } from './middleware/auth.js';
import { errorHandler, notFound } from './middleware/error-handler.js';
import { jsonBody } from './middleware/json-body.js';
import { rateLimit } from './middleware/rate-limit.js';
import { httpMetrics, requestId, requestSpan } from './middleware/request-telemetry.js';
import { securityHeaders } from './middleware/security-headers.js';
import { buildOpenApiDocument, type OpenApiDocument } from './openapi/document.js';
import { BOARD_PATH, boardHandlers, type BoardOptions } from './routes/board.js';
import { crawlIdSegment, type ApiSettings, type RouteContext } from './routes/context.js';
import { crawlListRoutes } from './routes/crawl-list.js';
import { crawlRoutes } from './routes/crawls.js';
import { docsAssets, docsRoutes } from './routes/docs.js';
import { eventsRoutes } from './routes/events.js';
import { exportRoutes } from './routes/export.js';
import { healthRoutes } from './routes/health.js';
import { metricsRoutes } from './routes/metrics.js';
import { resultsRoutes } from './routes/results.js';
import { scheduleRoutes } from './routes/schedules.js';
import { webRoutes } from './routes/web.js';
import { SseHub } from './sse/sse-hub.js';
import { StreamMultiplexer } from './sse/stream-multiplexer.js';

/** Everything the API needs from outside; `main.ts` builds it from the configuration, tests build their own. */
export interface AppDeps {
  settings: ApiSettings;
  logger: Logger;
  crawls: CrawlStore;
  /** Rate-limit counters and readiness PING. */
  store: KeyStore;
  queues: KumoQueues;
  /** Opens a dedicated blocking connection for one bucket's SSE reader. */
  openReader: () => Promise<BlockingReader> | BlockingReader;
  /** Valid API keys (configured, or generated in local mode). At least one. */
  apiKeys: readonly string[];
  /** Bull Board credentials; without them `/admin/queues` is not mounted (404). */
  board?: Pick<BoardOptions, 'user' | 'password' | 'viewer'> | undefined;
  /** This process's metrics. Default: a new `ApiMetrics`. */
  metrics?: ApiMetrics;
  /**
   * What `/metrics` serves. Default: this process's registry, with the queue gauges and (given `keyAudit`) the
   * key-audit gauges on it. A cluster worker passes the combined metrics instead; the primary owns those gauges.
   */
  metricsSource?: () => Promise<MetricsText>;
  /** Connection and prefix for the key-audit gauges when this process serves its own metrics. Default: none. */
  keyAudit?: { client: RedisClient; prefix: string } | undefined;
  /** XREAD BLOCK timeout of the SSE readers in ms. Default 5000. */
  readerBlockMs?: number;
  /** The built results page (`index.html` and `app/`). Default: `apps/web/dist` (`webDistDir()`). */
  webDir?: string;
}

/** The built application and the handles its owner needs for shutdown. */
export interface ApiApp {
  readonly app: Express;
  readonly hub: SseHub;
  readonly multiplexer: StreamMultiplexer;
  readonly metrics: ApiMetrics;
  readonly openapi: OpenApiDocument;
  /** Readiness fails from now on, new event streams get 503, open ones end with a `retry:` hint. */
  beginShutdown(retryMs?: number): void;
  /** Stops the SSE readers and the heartbeat (the Redis connections and queues belong to the caller). */
  close(): Promise<void>;
}

/** Builds the Express application: one per process, in-process in tests, a cluster worker in production. */
export function createApp(deps: AppDeps): ApiApp {
  const metrics = deps.metrics ?? new ApiMetrics();
  const hub = new SseHub({ heartbeatMs: deps.settings.SSE_HEARTBEAT_MS });
  const multiplexer = new StreamMultiplexer({
    store: deps.crawls,
    openReader: deps.openReader,
    ...(deps.readerBlockMs === undefined ? {} : { blockMs: deps.readerBlockMs }),
    onReaderError: (error, bucket) => deps.logger.warn({ err: error, bucket }, 'event stream reader failed; retrying'),
  });
  metrics.trackSse({ clients: () => hub.size, readers: () => multiplexer.activeReaders });
  const lifecycle = { shuttingDown: false };
  const creator = new CrawlCreator({
    settings: deps.settings,
    crawls: deps.crawls,
    idempotency: new IdempotencyStore(deps.store),
    queues: deps.queues,
    onCompensationError: (error, crawlId) => deps.logger.warn({ err: error, crawlId }, 'could not mark crawl failed'),
  });
  const ctx: RouteContext = {
    settings: deps.settings,
    logger: deps.logger,
    crawls: deps.crawls,
    creator,
    schedules: new Schedules({
      store: deps.crawls.schedules,
      queues: deps.queues,
      creator,
      minIntervalMs: deps.settings.SCHEDULE_MIN_INTERVAL_MS,
      resultTtlMs: deps.settings.RESULT_TTL_S * 1000,
      sweepIntervalMs: deps.settings.SCHEDULE_SWEEP_INTERVAL_S * 1000,
    }),
    store: deps.store,
    queues: deps.queues,
    multiplexer,
    hub,
    lifecycle,
    metrics,
  };
  const openapi = buildOpenApiDocument();
  let keyAudit: KeyAuditGauges | undefined;
  let metricsSource = deps.metricsSource;
  if (!metricsSource) {
    registerQueueGauges(metrics.registry, deps.queues);
    if (deps.keyAudit) {
      keyAudit = new KeyAuditGauges(metrics.registry, {
        ...deps.keyAudit,
        onError: (error) => deps.logger.warn({ err: error }, 'key audit failed'),
      });
    }
    metricsSource = async () => ({ contentType: metrics.registry.contentType, text: await metrics.registry.metrics() });
  }

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requestId());
  app.use(httpMetrics(metrics.httpDuration));
  app.use(securityHeaders());

  // Public: no API key. The results page signs in with a key of its own (sent as Bearer by the page's script).
  app.use(
    webRoutes({
      ...(deps.webDir === undefined ? {} : { dir: deps.webDir }),
      onMissing: (dir) => deps.logger.warn({ dir }, 'the results page is not built (npm run build): GET / answers 404'),
    }),
  );
  app.use(healthRoutes({ store: deps.store, lifecycle }));
  app.use(docsRoutes(openapi));
  app.use('/docs/assets', docsAssets());
  app.use(metricsRoutes({ token: deps.settings.METRICS_TOKEN, source: metricsSource }));
  if (deps.board)
    app.use(
      BOARD_PATH,
      ...boardHandlers({
        queues: deps.queues,
        ...deps.board,
        maxFailedLogins: deps.settings.BOARD_LOGIN_FAILURES_PER_MINUTE,
      }),
    );

  // The API: key, rate limit, JSON only.
  app.use(
    '/v1',
    bearerAuth(new ApiKeyring(deps.apiKeys)),
    rateLimit({
      store: deps.store,
      limit: deps.settings.API_RATE_LIMIT_PER_MINUTE,
      onFailOpen: () => metrics.rateLimitFailOpen.inc(),
    }),
    ...jsonBody({ limit: deps.settings.API_BODY_LIMIT_BYTES }),
    crawlIdSegment(),
    requestSpan(),
  );
  app.use(crawlRoutes(ctx));
  app.use(crawlListRoutes(ctx));
  app.use(resultsRoutes(ctx));
  app.use(eventsRoutes(ctx));
  app.use(exportRoutes(ctx));
  app.use(scheduleRoutes(ctx));

  app.use(notFound());
  app.use(errorHandler({ logger: deps.logger }));

  return {
    app,
    hub,
    multiplexer,
    metrics,
    openapi,
    beginShutdown(retryMs = 1000) {
      lifecycle.shuttingDown = true;
      hub.closeAll(retryMs);
    },
    async close() {
      lifecycle.shuttingDown = true;
      hub.closeAll(1000);
      hub.stop();
      await Promise.all([multiplexer.close(), keyAudit?.close()]);
    },
  };
}
