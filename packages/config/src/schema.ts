import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { envHeaderList } from './crawl-headers.js';
import { envAllowHosts } from './allow-host.js';
import { envBool, envInt, envList, envNodeFlags, envPort } from './env-types.js';

const cores = availableParallelism();

/**
 * Every setting of every kumo app, one field per environment variable.
 * The README's configuration table is generated from this schema (`npm run docs:generate`), and a test
 * fails when the two differ. Defaults suit local use; `npm start` fills in the rest.
 */
export const configSchema = z.object({
  // --- Runtime
  NODE_ENV: z
    .enum(['development', 'test', 'production'])
    .default('development')
    .describe('Runtime mode; `production` requires `API_KEYS` and board credentials'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('pino log level'),
  LOG_FORMAT: z
    .enum(['auto', 'json', 'pretty'])
    .default('auto')
    .describe('`json` (one object per line), `pretty` (for a terminal), or `auto`: pretty on a TTY outside production'),

  // --- Traces (OpenTelemetry)
  OTEL_EXPORTER_OTLP_ENDPOINT: z
    .string()
    .regex(/^https?:\/\/[^/]/, { error: 'expected an http:// or https:// URL' })
    .optional()
    .describe(
      'Base URL of an OTLP/HTTP collector (spans go to `<url>/v1/traces`); unset: tracing is off and its SDK never loads',
    ),

  // --- Redis
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, { error: 'expected a redis:// or rediss:// URL' })
    .optional()
    .describe('The Redis to use (`redis://` or `rediss://`, with password if any); unset: embedded local Redis'),
  REDIS_CLUSTER_NODES: envList()
    .optional()
    .describe('Comma-separated `host:port` seed nodes of a Redis Cluster; when set, kumo uses the cluster'),
  REDIS_RETRY_BUDGET_MS: envInt(1000, 600_000)
    .default(15_000)
    .describe(
      'How long adding jobs retries transient Redis errors (a cluster failover: `MOVED`, `CLUSTERDOWN`, closed connections); keep it above `cluster-node-timeout` + 5 s',
    ),
  KUMO_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/, { error: 'expected 1-32 letters, digits, _ or -' })
    .default('kumo')
    .describe('First segment of every Redis key kumo writes'),
  KUMO_ALLOW_EVICTION: envBool()
    .default(false)
    .describe('Start even when Redis `maxmemory-policy` is not `noeviction` (BullMQ can lose jobs)'),
  KUMO_DATA_DIR: z.string().default('.data').describe('Where `npm start` keeps the embedded Redis data'),

  // --- Retention (seconds)
  RESULT_TTL_S: envInt(60, 90 * 86400)
    .default(7 * 86400)
    .describe('How long crawl records, result streams and reports live'),
  TMP_TTL_S: envInt(10, 7 * 86400)
    .default(86400)
    .describe('How long intermediate data of a running crawl may live (page texts, seen-sets)'),
  CACHE_TTL_S: envInt(10, 30 * 86400)
    .default(86400)
    .describe('How long re-computable results live (analyses by content hash)'),
  ROBOTS_CACHE_TTL_S: envInt(10, 7 * 86400)
    .default(3600)
    .describe('How long a fetched robots.txt is cached'),
  QUEUE_KEEP_COMPLETED_S: envInt(0, 30 * 86400)
    .default(3600)
    .describe('Completed jobs are removed after this age'),
  QUEUE_KEEP_COMPLETED_COUNT: envInt(0, 1_000_000)
    .default(1000)
    .describe('…or beyond this many completed jobs per queue'),
  QUEUE_KEEP_FAILED_S: envInt(0, 90 * 86400)
    .default(7 * 86400)
    .describe('Failed jobs are removed after this age'),
  QUEUE_KEEP_FAILED_COUNT: envInt(0, 1_000_000).default(5000).describe('…or beyond this many failed jobs per queue'),
  QUEUE_SWEEP_INTERVAL_S: envInt(1, 86400)
    .default(60)
    .describe(
      'Shortest pause between two sweeps of jobs past their keep age by a crawl-worker process (BullMQ only trims while jobs finish); an idle one sweeps when the oldest kept job passes its age',
    ),
  QUEUE_EVENTS_MAX_LEN: envInt(0, 1_000_000)
    .default(1000)
    .describe("Entries kept in each queue's BullMQ event stream (`…:events`, read by `QueueEvents` listeners)"),

  // --- API
  API_HOST: z.string().default('127.0.0.1').describe('Interface the API listens on (`0.0.0.0` in containers)'),
  API_PORT: envPort().default(3000).describe("The API's TCP port"),
  API_PROCESSES: envInt(1, 256).default(cores).describe('API processes (one per core by default)'),
  API_NODE_FLAGS: z
    .string()
    .default('--max-semi-space-size=2 --heap-growing-percent=50')
    .pipe(envNodeFlags())
    .describe(
      "Node and V8 flags of the API's worker processes, space-separated (`none`: Node's defaults). The default keeps V8's heap headroom small, so an export of any size or a burst of requests raises a process's RSS by tens of MB, not by V8's default headroom (docs/deploy.md, \"Sizing\")",
    ),
  API_KEYS: envList().optional().describe('Comma-separated API keys; in local mode a generated key, printed at start'),
  API_BODY_LIMIT_BYTES: envInt(1024, 10 * 1024 * 1024)
    .default(100 * 1024)
    .describe('Largest accepted request body'),
  API_REQUEST_TIMEOUT_MS: envInt(1000, 3_600_000)
    .default(30_000)
    .describe(
      'A request (headers and body) that has not fully arrived after this long is answered 408 and its connection closed (slow bodies); responses such as event streams are not cut',
    ),
  API_HEADERS_TIMEOUT_MS: envInt(1000, 3_600_000)
    .default(10_000)
    .describe('…and one whose headers have not arrived after this long; at most `API_REQUEST_TIMEOUT_MS`'),
  API_RATE_LIMIT_PER_MINUTE: envInt(1, 1_000_000)
    .default(1200)
    .describe('Requests per API key per minute, shared by all API processes'),
  API_MAX_RUNNING_CRAWLS: envInt(1, 100_000)
    .default(100)
    .describe('Admission control: queued or running crawls above this answer 429'),
  API_MAX_QUEUE_BACKLOG: envInt(1, 10_000_000)
    .default(50_000)
    .describe('Admission control: waiting crawl jobs above this answer 429'),
  METRICS_TOKEN: z
    .string()
    .min(16)
    .optional()
    .describe('When set, `/metrics` requires `Authorization: Bearer <token>`'),
  BOARD_USER: z
    .string()
    .min(1)
    .optional()
    .describe('Basic-auth user for `/admin/queues`; in local mode generated, printed at start'),
  BOARD_PASSWORD: z
    .string()
    .min(8)
    .optional()
    .describe('Basic-auth password for `/admin/queues`; in local mode generated, printed at start'),
  BOARD_LOGIN_FAILURES_PER_MINUTE: envInt(1, 1_000_000)
    .default(10)
    .describe('Failed `/admin/queues` sign-ins one address may make per minute and API process before it waits (429)'),
  BOARD_VIEWER_USER: z
    .string()
    .min(1)
    .optional()
    .describe('Basic-auth user of a read-only `/admin/queues` login: sees every queue and job, changes nothing (403)'),
  BOARD_VIEWER_PASSWORD: z
    .string()
    .min(8)
    .optional()
    .describe('Password of the read-only `/admin/queues` login (set both viewer variables or neither)'),
  SSE_HEARTBEAT_MS: envInt(1000, 300_000).default(15_000).describe('Interval of SSE comment heartbeats'),

  // --- Workers
  WORKER_PROCESSES: envInt(1, 256).default(cores).describe('Processes per worker app'),
  WORKER_NODE_FLAGS: z
    .string()
    .default('--no-memory-reducer --expose-gc')
    .pipe(envNodeFlags())
    .describe(
      "Node and V8 flags of the crawl-worker's and analysis-worker's processes, space-separated (`none`: Node's defaults). The default replaces V8's timer-driven memory reducer by one collection 8 s after the work ends, so an idle worker uses ~0 % CPU (docs/decisions/0021-idle-collection.md)",
    ),
  CRAWL_CONCURRENCY: envInt(1, 1000).default(20).describe('Crawl jobs in flight per crawl-worker process'),
  ANALYZE_CONCURRENCY: envInt(1, 16)
    .default(2)
    .describe(
      'Analyze jobs per analysis-worker process: CPU-bound, but a second job computes while the first waits for Redis (docs/decisions/0025-two-analyze-jobs-per-process.md)',
    ),
  ANALYZER_USER_DICTIONARY: z
    .string()
    .min(1)
    .optional()
    .describe(
      'Path of a user dictionary of domain terms every analysis keeps whole: CSV lines `term,reading,pos` (reading in katakana and pos optional) or a JSON array of `{ term, reading?, pos? }` (a `.json` file); unset: none',
    ),
  ANALYSIS_WORKER_NICE: envInt(0, 19)
    .default(10)
    .describe('Scheduling niceness of analysis-worker processes: CPU-bound analysis yields cores to the API first'),
  WORKER_LOCK_DURATION_MS: envInt(1000, 600_000)
    .default(15_000)
    .describe('BullMQ job lock; a job of a dead process is retried after about this long'),
  WORKER_STALLED_INTERVAL_MS: envInt(500, 600_000).default(5000).describe('How often BullMQ checks for stalled jobs'),
  WORKER_LIVENESS_CHECK_MS: envInt(0, 3_600_000)
    .default(20_000)
    .describe(
      'How often a worker checks that it takes waiting jobs; wedged at two checks in a row, its process restarts (0: off)',
    ),
  SHUTDOWN_TIMEOUT_MS: envInt(100, 600_000)
    .default(20_000)
    .describe('Graceful shutdown: how long active jobs and requests may take to finish'),
  CRAWL_WORKER_METRICS_PORT: envPort()
    .default(9101)
    .describe("Port of the crawl-worker supervisor's aggregated `/metrics` (0: off)"),
  ANALYSIS_WORKER_METRICS_PORT: envPort()
    .default(9102)
    .describe("Port of the analysis-worker supervisor's aggregated `/metrics` (0: off)"),

  // --- Crawling
  CRAWL_ALLOW_HOSTS: envAllowHosts()
    .default([])
    .describe(
      "Hosts, IPs or CIDR ranges that may be fetched although not public (e.g. `127.0.0.1`). A host or IP may name one port (`127.0.0.1:8080`, `[::1]:8080`, `localhost:3000`): only that port is open then; without a port every port is open except kumo's own (Redis: `REDIS_URL`/`REDIS_CLUSTER_NODES` and 6379; `API_PORT`; the metrics ports). Ranges take no port",
    ),
  CRAWL_CONTACT: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .regex(/^[^\s()]+$/, 'one URL or e-mail address, without spaces or parentheses')
    .optional()
    .describe(
      'Where webmasters reach whoever runs this kumo (a page about your crawl, e.g. a copy of docs/crawler.md, or an e-mail address); the default User-Agent carries it: `kumo/0.1 (+<contact>)`',
    ),
  CRAWL_USER_AGENT: z
    .string()
    .trim()
    .min(1)
    .optional()
    .describe(
      'User-Agent sent with every request, replacing the default `kumo/0.1 (+<CRAWL_CONTACT>)` (`kumo/0.1` without a contact)',
    ),
  CRAWL_CONNECT_TIMEOUT_MS: envInt(100, 120_000).default(10_000).describe('Connect timeout per request'),
  CRAWL_HEADERS_TIMEOUT_MS: envInt(100, 300_000).default(15_000).describe('Time to receive response headers'),
  CRAWL_BODY_TIMEOUT_MS: envInt(100, 600_000).default(30_000).describe('Longest pause while receiving the body'),
  CRAWL_MAX_BODY_BYTES: envInt(1024, 256 * 1024 * 1024)
    .default(5 * 1024 * 1024)
    .describe('Largest body read; larger pages are cut off and skipped (`too-large`)'),
  CRAWL_SOURCE_MAX_BYTES: envInt(1024, 1024 * 1024 * 1024)
    .default(50 * 1024 * 1024)
    .describe('Largest sitemap or feed read (uncompressed; the sitemap protocol allows 50 MiB); larger ones fail'),
  CRAWL_SOURCE_MAX_ENTRIES: envInt(1, 1_000_000)
    .default(50_000)
    .describe('Most entries read from one sitemap or feed (the sitemap protocol allows 50,000); more fail it'),
  CRAWL_SOURCE_MAX_DEPTH: envInt(0, 10)
    .default(2)
    .describe('Sitemap index levels followed below a source (0: an index is read but its sitemaps are not fetched)'),
  CRAWL_SOURCE_MAX_SITEMAPS: envInt(1, 10_000)
    .default(100)
    .describe('Most sitemaps fetched for one sitemap source, index files and the sitemaps they list included'),
  CRAWL_MAX_REDIRECTS: envInt(0, 20).default(5).describe('Redirect hops followed per page'),
  CRAWL_MAX_TEXT_CHARS: envInt(1000, 100_000_000)
    .default(500_000)
    .describe('Longest visible text kept per page (what is analysed); longer text is cut at a line break'),
  CRAWL_ATTEMPTS: envInt(1, 20).default(3).describe('Attempts per page for transient errors (timeouts, 5xx, resets)'),
  CRAWL_RETRY_BACKOFF_MS: envInt(0, 600_000).default(1000).describe('First retry delay; doubles each attempt'),
  CRAWL_HOST_CONCURRENCY: envInt(1, 1000).default(4).describe('Requests in flight per host across all workers'),
  CRAWL_HOST_DELAY_MS: envInt(0, 600_000)
    .default(100)
    .describe('Minimum delay between request starts per host across all workers (robots `Crawl-delay` may raise it)'),
  CRAWL_ALLOWED_HEADERS: z
    .string()
    .default('accept-language')
    .pipe(envHeaderList())
    .describe(
      'Request headers a crawl may set in its `headers` (comma-separated, case-insensitive); `host`, `user-agent`, `accept`, `accept-encoding`, `cookie`, `authorization` and hop-by-hop headers never can',
    ),
  CRAWL_HOST_LEASE_MS: envInt(1000, 86_340_000)
    .default(60_000)
    .describe(
      'How long the per-host slots of a process that died mid-fetch stay taken; keep it above the longest fetch',
    ),

  // --- Webhooks (see README, "Webhooks": the retry schedule)
  WEBHOOK_ATTEMPTS: envInt(1, 1000)
    .default(31)
    .describe('Delivery attempts per webhook; with the default back-off the last one comes about 24 h after the first'),
  WEBHOOK_BACKOFF_BASE_MS: envInt(10, 86_400_000)
    .default(30_000)
    .describe('Delay before the first retry of a webhook delivery; doubles each retry up to `WEBHOOK_BACKOFF_MAX_MS`'),
  WEBHOOK_BACKOFF_MAX_MS: envInt(10, 86_400_000)
    .default(3_600_000)
    .describe('Longest delay between two webhook delivery attempts'),
  WEBHOOK_TIMEOUT_MS: envInt(100, 120_000)
    .default(10_000)
    .describe('Deadline of one webhook delivery attempt (connect, response headers and body); past it, retried'),
  WEBHOOK_CONCURRENCY: envInt(1, 1000).default(10).describe('Webhook deliveries in flight per crawl-worker process'),

  // --- Schedules (recurring crawls, POST /v1/schedules)
  SCHEDULE_MIN_INTERVAL_MS: envInt(100, 86_400_000)
    .default(60_000)
    .describe(
      'Shortest `every` a schedule may have (the contract says PT1M); tests lower it to run schedules in seconds',
    ),
  SCHEDULE_SWEEP_INTERVAL_S: envInt(1, 86_400)
    .default(3600)
    .describe(
      "How often a crawl worker renews every schedule's keys, adds again the next runs Redis refused to add, and " +
        'stops the job schedulers of schedules whose record is gone',
    ),

  // --- Local mode (npm start)
  SAMPLE_SITE_PORT: envPort()
    .default(0)
    .describe('Port of the bundled sample site served by `npm start` (0: any free port)'),
});

export type Config = Readonly<z.output<typeof configSchema>>;
export type ConfigInput = Partial<Record<keyof z.input<typeof configSchema>, string>>;
