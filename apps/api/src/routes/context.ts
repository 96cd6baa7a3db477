import type { RequestHandler } from 'express';
import type { Config } from '@kumo/config';
import type { CrawlCreator } from '@kumo/crawl-creation';
import type { CrawlState, CrawlStore } from '@kumo/crawl-state';
import type { Schedules } from '@kumo/schedules';
import { decodeCrawlIdSegment, isCrawlId } from '@kumo/crawl-state';
import type { KeyStore } from '@kumo/keyspace';
import type { Logger } from '@kumo/observability';
import type { KumoQueues } from '@kumo/queues';
import { CrawlNotFoundError, ValidationError } from '../errors.js';
import type { SseHub } from '../sse/sse-hub.js';
import type { StreamMultiplexer } from '../sse/stream-multiplexer.js';
import type { ApiMetrics } from '../metrics/api-metrics.js';

/** The settings the routes read. */
export type ApiSettings = Pick<
  Config,
  | 'NODE_ENV'
  | 'API_BODY_LIMIT_BYTES'
  | 'API_RATE_LIMIT_PER_MINUTE'
  | 'BOARD_LOGIN_FAILURES_PER_MINUTE'
  | 'API_MAX_RUNNING_CRAWLS'
  | 'API_MAX_QUEUE_BACKLOG'
  | 'METRICS_TOKEN'
  | 'SSE_HEARTBEAT_MS'
  | 'CRAWL_HOST_DELAY_MS'
  | 'CRAWL_HOST_CONCURRENCY'
  | 'CRAWL_ALLOWED_HEADERS'
  | 'CRAWL_ALLOW_HOSTS'
  | 'REDIS_URL'
  | 'REDIS_CLUSTER_NODES'
  | 'API_PORT'
  | 'CRAWL_WORKER_METRICS_PORT'
  | 'ANALYSIS_WORKER_METRICS_PORT'
  | 'RESULT_TTL_S'
  | 'SCHEDULE_MIN_INTERVAL_MS'
  | 'SCHEDULE_SWEEP_INTERVAL_S'
>;

/** What every route module receives from `createApp`. */
export interface RouteContext {
  settings: ApiSettings;
  logger: Logger;
  crawls: CrawlStore;
  /** Creates crawls as `POST /v1/crawls` does (validation, limits, idempotency, admission), one per process. */
  creator: CrawlCreator;
  /** Recurring crawls (`/v1/schedules`). */
  schedules: Schedules;
  store: KeyStore;
  queues: KumoQueues;
  multiplexer: StreamMultiplexer;
  hub: SseHub;
  /** Flips to true when shutdown begins: readiness fails and new event streams are refused. */
  lifecycle: { shuttingDown: boolean };
  /** This process's metrics (`kumo_crawls_started_total` is counted by the crawl routes). */
  metrics: Pick<ApiMetrics, 'crawlsStarted'>;
}

/** Public links of a crawl (relative to the API's base URL): the contract's, shared with the webhook body. */
export { crawlLinks } from '@kumo/contract';

const ID_SEGMENT = /^\/(crawls|schedules)\/([^/]+)/;

/**
 * Checks the `:id` segment of `/v1/crawls/:id…` and `/v1/schedules/:id` before Express decodes it: a malformed percent-encoding (`%ZZ`)
 * is a 400 `KUMO_API_VALIDATION` with `errors[].path: "id"`, not the URIError (500) the router's decoder throws.
 * Mounted on `/v1`, after authentication; `loadOwnedCrawl` then answers 404 for a well-formed id that names no
 * crawl of the caller.
 */
export function crawlIdSegment(): RequestHandler {
  return (req, _res, next) => {
    const [, resource, segment] = ID_SEGMENT.exec(req.path) ?? [];
    if (segment !== undefined && decodeCrawlIdSegment(segment) === undefined) {
      const what = resource === 'schedules' ? 'schedule' : 'crawl';
      next(
        new ValidationError(`Invalid ${what} id.`, [
          { path: 'id', message: `must be a ${what} id (malformed percent-encoding)` },
        ]),
      );
      return;
    }
    next();
  };
}

/**
 * The crawl if it exists and belongs to `owner`; otherwise `CrawlNotFoundError` (404) whether it is unknown, expired,
 * malformed or someone else's, so ids cannot be probed.
 */
export async function loadOwnedCrawl(
  crawls: Pick<CrawlStore, 'records'>,
  id: string | undefined,
  owner: string,
): Promise<CrawlState> {
  if (typeof id !== 'string' || !isCrawlId(id)) throw new CrawlNotFoundError(String(id ?? ''));
  const state = await crawls.records.getCrawl(id);
  if (!state || state.owner !== owner) throw new CrawlNotFoundError(id);
  return state;
}
