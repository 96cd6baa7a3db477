import type { ErrorKind } from './kumo-error.js';

/** One code's row: what a worker does with it, and what it means (the text docs/errors.md shows). */
export interface CatalogEntry {
  readonly kind: ErrorKind;
  readonly meaning: string;
  /** A retired code is never raised again, and never reused: it stays here so its meaning is still found. */
  readonly retired?: true;
}

const permanent = (meaning: string) => ({ kind: 'permanent', meaning }) as const;
const transient = (meaning: string) => ({ kind: 'transient', meaning }) as const;
const critical = (meaning: string) => ({ kind: 'critical', meaning }) as const;
/** Marks a code that is no longer raised: `KUMO_X_Y: retired(permanent('…'))`. */
export const retired = <E extends CatalogEntry>(entry: E) => ({ ...entry, retired: true }) as const;

/**
 * The codes of one workspace, which all start with its `prefix` (`KUMO_<AREA>_`); the prefix is what
 * `errorCodesOf` strips to name a package's code constants (`KeyspaceErrorCode.TTL`).
 */
function area<const P extends string, const C extends Record<string, CatalogEntry>>(
  prefix: P,
  codes: { [K in keyof C]: K extends `${P}${string}` ? C[K] : never },
) {
  return { prefix, codes: codes as C };
}

/**
 * Every kumo error code, by the workspace that raises it: its kind (what a worker does with it, see `ErrorKind`) and
 * its meaning (docs/errors.md's table is generated from here: `npm run docs:generate`). The one home of the codes,
 * like Node's lib/internal/errors.js: a package's `errors.ts` takes its code constants (`errorCodesOf`) and each
 * class its kind (`defineError`) from here, so a code that is not listed does not compile. Codes are never reused;
 * a code no longer raised stays, marked `retired(…)`.
 */
export const ERROR_CATALOG = {
  'apps/api': area('KUMO_API_', {
    KUMO_API_CONTENT_NOT_STORED: permanent(
      '`include=text` or `include=links` (pages, export) on a crawl that did not store them (409); the message names ' +
        'what was not stored. Only a crawl created with `store: ["text"]` / `["links"]` keeps them.',
    ),
    KUMO_API_FORBIDDEN: permanent(
      'The board refuses a change (403): the login is the read-only one (`BOARD_VIEWER_USER`), or a browser sent it ' +
        "from another site (`Origin` / `Sec-Fetch-Site` not the board's own: cross-site request forgery).",
    ),
    KUMO_API_HEADERS_TOO_LARGE: permanent(
      "The request's headers are larger than Node's HTTP parser accepts (16 KiB by default) (431).",
    ),
    KUMO_API_IDEMPOTENCY_CONFLICT: permanent('The Idempotency-Key was used before with a different body (409).'),
    KUMO_API_INTERNAL: permanent(
      'An unexpected error (500); the response reveals nothing but a reference to the log line.',
    ),
    KUMO_API_INVALID_OPTION: critical(
      'An option of an API component (API keys, rate limit, SSE hub, stream multiplexer, security headers) is ' +
        'invalid: the app is misconfigured and does not start. Critical; never answered to a client.',
    ),
    KUMO_API_INVALID_SEED: retired(
      permanent(
        'A seed URL reached normalisation without being an absolute http(s) URL (the request schema refuses those ' +
          'first): a bug. Retired: raised as `KUMO_CREATION_INVALID_SEED` since crawl creation moved to @kumo/crawl-creation.',
      ),
    ),
    KUMO_API_LOGIN_THROTTLED: transient(
      'Too many failed board sign-ins from one address within a minute (429 + Retry-After); a correct sign-in ' +
        'waits as well until the minute is over.',
    ),
    KUMO_API_MALFORMED_JSON: permanent('The body is not well-formed JSON (400).'),
    KUMO_API_MALFORMED_HTTP: permanent('The request is not valid HTTP/1.1 (400); the connection is closed.'),
    KUMO_API_SCHEDULE_NOT_FOUND: permanent(
      'The schedule does not exist, was deleted, has expired, or belongs to another key: all look the same (404).',
    ),
    KUMO_API_NOT_FOUND: permanent(
      'The crawl does not exist, has expired, or belongs to another key: all look the same (404).',
    ),
    KUMO_API_OVERLOADED: transient(
      'Admission control: too many crawls running or too many jobs waiting (429 + Retry-After).',
    ),
    KUMO_API_PAYLOAD_TOO_LARGE: permanent('The body is larger than `API_BODY_LIMIT_BYTES` (413).'),
    KUMO_API_RATE_LIMITED: transient(
      'The API key sent more requests than `API_RATE_LIMIT_PER_MINUTE` in this minute (429 + Retry-After).',
    ),
    KUMO_API_REDIS_UNAVAILABLE: transient(
      'Redis did not answer or cannot serve for now — down, loading, a failover in progress or a read-only ' +
        'replica, out of memory under `noeviction` — or the queues on it gave up (`KUMO_QUEUES_UNAVAILABLE`) (503 + ' +
        'Retry-After). The process itself is fine; clients may retry.',
    ),
    KUMO_API_REPORT_NOT_READY: permanent(
      'The report of a crawl that is still `queued` or `running` (409); the message names the current status. A ' +
        'finished crawl whose report is gone (expired) answers it too.',
    ),
    KUMO_API_REQUEST_TIMEOUT: transient(
      'The request (headers and body) did not arrive within `API_REQUEST_TIMEOUT_MS`, or its headers within ' +
        '`API_HEADERS_TIMEOUT_MS` (408); the connection is closed. A slow client may try again.',
    ),
    KUMO_API_ROUTE_NOT_FOUND: permanent('No route matches the method and path (404).'),
    KUMO_API_SHUTTING_DOWN: transient(
      'The process is shutting down and takes no new long-lived work (503 + Retry-After).',
    ),
    KUMO_API_STREAM_CLOSED: permanent(
      'An event was written to an event stream that has ended (the client left, was too slow and was ' +
        "disconnected, or the multiplexer closed at shutdown). Internal: the stream's writer stops; never answered " +
        'to a client.',
    ),
    KUMO_API_UNAUTHORIZED: permanent('No bearer key, or one that is not configured (401).'),
    KUMO_API_UNSUPPORTED_MEDIA_TYPE: permanent('The body is not `application/json` (UTF-8) (415).'),
    KUMO_API_VALIDATION: permanent(
      'The body, a path or query parameter, or a header does not satisfy the contract (400, with ' +
        '`errors[].path`); also a body that cannot be read, e.g. one that does not decompress per its ' +
        '`Content-Encoding` (`errors[].path` `Content-Encoding`).',
    ),
  }),
  'apps/cli': area('KUMO_CLI_', {
    KUMO_CLI_API_UNREACHABLE: transient(
      'The API could not be reached at all (connection refused, DNS, reset before an answer).',
    ),
    KUMO_CLI_BAD_RESPONSE: permanent(
      "The API answered something that is neither the documented shape nor a problem (e.g. a proxy's HTML page).",
    ),
    KUMO_CLI_CRAWL_NOT_COMPLETED: permanent(
      'The crawl ended, but not `completed` (failed or cancelled): there is no report to show.',
    ),
    KUMO_CLI_EXPORT_CUT: transient(
      '`kumo export`: the connection broke before the file was complete (the API cut it after an error, or the ' +
        'network did); what reached stdout is a partial file. Exit 2.',
    ),
    KUMO_CLI_MISSING_API_KEY: permanent(
      'A command that calls the API was run without a key: the message names `--api-key` and `KUMO_API_KEY`.',
    ),
    KUMO_CLI_KEYS_AUDIT_FAILED: permanent(
      '`kumo keys audit` found kumo keys without a TTL or with an unknown purpose (exit 1, for CI).',
    ),
    KUMO_CLI_REDIS_UNREACHABLE: transient('`kumo keys audit` could not reach Redis.'),
    KUMO_CLI_STREAM_LOST: transient('The event stream dropped and did not come back within the reconnection budget.'),
    KUMO_CLI_USAGE: permanent('A command-line argument or CLI environment variable is invalid.'),
  }),
  'apps/launcher': area('KUMO_LAUNCHER_', {
    KUMO_LAUNCHER_ALREADY_RUNNING: permanent(
      'A second `npm start` in the same checkout (same `KUMO_DATA_DIR`): the lock file `launcher.lock` names a ' +
        'launcher that still runs, with its pid and API URL. Exit 1; a lock of a dead pid is taken over.',
    ),
    KUMO_LAUNCHER_APP_EXITED: critical(
      'An app exited before it logged `ready`, or while kumo was running: its supervisor gave up.',
    ),
    KUMO_LAUNCHER_APP_NOT_BUILT: critical(
      "An app's entry point is missing: the monorepo was not built (`npm start` builds it first).",
    ),
    KUMO_LAUNCHER_CREDENTIALS_UNREADABLE: permanent(
      'The local credentials file (`<data dir>/credentials.json`, where local mode keeps its generated API key and ' +
        'board password) cannot be read or is not what kumo wrote. Exit 1 rather than new credentials, which would ' +
        "cut the user off from the old key's crawls: fix the file, or delete it to generate new ones.",
    ),
    KUMO_LAUNCHER_PORT_IN_USE: permanent(
      'A port the operator set (`API_PORT`, `CRAWL_WORKER_METRICS_PORT`, `ANALYSIS_WORKER_METRICS_PORT`) is taken ' +
        'by another program: `npm start` stops before starting anything and names the variable. Ports left unset ' +
        'move to free ones instead.',
    ),
    KUMO_LAUNCHER_START_TIMEOUT: critical('An app did not log `ready` in time.'),
  }),
  'packages/analysis-jobs': area('KUMO_ANALYSIS_JOBS_', {
    KUMO_ANALYSIS_JOBS_CACHE_ENTRY: transient(
      'A cached analysis (`cache:analysis:<sha256>`) is not a valid `Analysis`; the entry is dropped and the page ' +
        'analysed again. Transient, never reaches BullMQ.',
    ),
    KUMO_ANALYSIS_JOBS_CRAWL_GONE: permanent(
      "The aggregate job's crawl record is gone (expired or never created): nothing to finish. Permanent: the " +
        "worker fails the root job at once (BullMQ's `UnrecoverableError`).",
    ),
    KUMO_ANALYSIS_JOBS_INVALID_JOB: permanent(
      'An `analyze` or `aggregate` job has malformed data (a bug or an incompatible version). Permanent: failed ' +
        "at once (BullMQ's `UnrecoverableError`), never retried.",
    ),
    KUMO_ANALYSIS_JOBS_INVALID_OPTIONS: critical(
      'An option of the analyze or aggregate processor is invalid: the app is misconfigured. Critical.',
    ),
    KUMO_ANALYSIS_JOBS_PAGE_LOST: permanent(
      'The `error.code` of a page result the aggregate job recorded `failed` for an admitted URL whose crawl job ended ' +
        'without recording one (failed for good on an infrastructure error, stalled too often, or never added); the ' +
        "message is the job's failed reason. Such a crawl ends `failed`, so a crawl with pages lost never ends a silent " +
        '`completed`, and `discovered = fetched + failed + skipped` still holds.',
    ),
  }),
  'packages/analyzer': area('KUMO_ANALYZER_', {
    KUMO_ANALYZER_DICTIONARY: critical(
      'The kuromoji dictionary shipped with the package could not be read or decoded. Without it no page can be ' +
        'analysed, so the process is unusable: `critical` (the worker stops and the supervisor acts).',
    ),
    KUMO_ANALYZER_DICTIONARY_LAYOUT: critical(
      'A kuromoji dictionary file has another size or header than the kuromoji 0.1.2 layout the engine reads ' +
        '(another kuromoji version, a truncated or corrupted file). Critical, like a missing dictionary: no page ' +
        'can be analysed.',
    ),
    KUMO_ANALYZER_INVALID_OPTION: permanent(
      'An option passed to the analyzer is out of range. A programming error: `permanent`, never retried.',
    ),
    KUMO_ANALYZER_REPORT_PHASE: permanent(
      'A `ReportBuilder` method was called in the wrong phase (e.g. `addPage` after `selectKeywords`). A ' +
        'programming error in the aggregate job: `permanent`.',
    ),
  }),
  'packages/config': area('KUMO_CONFIG_', {
    KUMO_CONFIG_INVALID: critical(
      'The environment does not hold a valid configuration. The message lists every bad variable.',
    ),
  }),
  'packages/crawl-jobs': area('KUMO_CRAWL_JOBS_', {
    KUMO_CRAWL_JOBS_INVALID_JOB: permanent(
      "A `crawl` job has malformed data. Permanent: failed at once (BullMQ's `UnrecoverableError`), never " +
        'retried.',
    ),
    KUMO_CRAWL_JOBS_INVALID_OPTIONS: critical(
      'An option of the host limiter or the crawl processor is invalid: the app is misconfigured. Critical.',
    ),
    KUMO_CRAWL_JOBS_RETRY: transient(
      'A page failed transiently with attempts left: thrown so BullMQ retries the job with backoff; carries the ' +
        "crawler's code.",
    ),
  }),
  'packages/crawl-creation': area('KUMO_CREATION_', {
    KUMO_CREATION_IDEMPOTENCY_CONFLICT: permanent(
      'An Idempotency-Key (or a schedule run) already created a crawl from a different request body; the API ' +
        'answers `KUMO_API_IDEMPOTENCY_CONFLICT` (409).',
    ),
    KUMO_CREATION_INVALID_REQUEST: permanent(
      "A crawl request fails the `POST /v1/crawls` schema or the deployment's limits (politeness, headers, webhook " +
        'address); carries the field errors. The API answers `KUMO_API_VALIDATION` (400); a schedule run fails ' +
        'without retry.',
    ),
    KUMO_CREATION_INVALID_SEED: permanent(
      'A seed URL reached normalisation without being an absolute http(s) URL (the request schema refuses those ' +
        'first): a bug, answered as `KUMO_API_INTERNAL` if it ever happens.',
    ),
    KUMO_CREATION_OVERLOADED: transient(
      'Admission control: too many crawls running or too many crawl jobs waiting. The API answers ' +
        '`KUMO_API_OVERLOADED` (429 + Retry-After); a schedule run is retried later.',
    ),
  }),
  'packages/crawl-state': area('KUMO_STATE_', {
    KUMO_STATE_CRAWL_EXISTS: permanent('`createCrawl` was called with an id that is already taken.'),
    KUMO_STATE_CRAWL_NOT_FOUND: permanent(
      'The crawl record does not exist (never created, or expired). Writes refuse to run so that nothing of an ' +
        'expired crawl is re-created without its record. Permanent: retrying cannot bring the record back.',
    ),
    KUMO_STATE_INVALID_CURSOR: permanent('A pages or list cursor that kumo did not produce (the API answers 400).'),
    KUMO_STATE_INVALID_OPTION: permanent('A `CrawlStore` option is out of range; the message names the option.'),
  }),
  'packages/crawler': area('KUMO_CRAWLER_', {
    KUMO_CRAWLER_ABORTED: permanent(
      "The caller's signal fired (e.g. the crawl was cancelled). Permanent: retrying would be wrong.",
    ),
    KUMO_CRAWLER_BAD_REDIRECT: permanent('A 3xx answer without a usable `Location`. Permanent.'),
    KUMO_CRAWLER_BAD_URL: permanent('The URL cannot be parsed. Permanent.'),
    KUMO_CRAWLER_BLOCKED_ADDRESS: permanent(
      'The host is, or resolves to, an address the policy refuses (loopback, private, link-local, unique-local, ' +
        'multicast, metadata…), or one allow-listed but not on that port (`CRAWL_ALLOW_HOSTS`), checked at ' +
        'connect time on every hop. Permanent.',
    ),
    KUMO_CRAWLER_CONNECTION: transient(
      'The connection was refused, reset or closed early, or the server answered something that is not HTTP. ' +
        'Transient.',
    ),
    KUMO_CRAWLER_DECODE: permanent('The Content-Encoding is unknown or the compressed body is corrupt. Permanent.'),
    KUMO_CRAWLER_DNS: permanent(
      'Name resolution failed: permanent for "no such host", transient for resolver failures.',
    ),
    KUMO_CRAWLER_HEADERS_TOO_LARGE: permanent(
      "The server's response headers are larger than the HTTP parser accepts (Node's `--max-http-header-size`, " +
        '16 KiB by default); nothing of the page is read. Permanent: the same server sends the same headers.',
    ),
    KUMO_CRAWLER_HTTP_4XX: permanent('The server answered 4xx (other than 429). Permanent: the page is `failed`.'),
    KUMO_CRAWLER_HTTP_5XX: transient('The server answered 5xx (503 with `Retry-After` backs the host off). Transient.'),
    KUMO_CRAWLER_INVALID_OPTIONS: critical(
      'A crawler option is invalid (thrown by the factory, never for a page). Critical.',
    ),
    KUMO_CRAWLER_RATE_LIMITED: transient('The server answered 429; `Retry-After` backs the host off. Transient.'),
    KUMO_CRAWLER_REDIRECT_LOOP: permanent('A redirect points back to a URL already visited in this fetch. Permanent.'),
    KUMO_CRAWLER_ROBOTS_UNAVAILABLE: transient(
      'robots.txt answered 429/5xx (or redirected to a server that could not be reached): the page is skipped ' +
        "(`robots`) for now. Transient. When the page's origin itself cannot be reached, the page fails with that " +
        'error instead (`KUMO_CRAWLER_CONNECTION`, `KUMO_CRAWLER_TIMEOUT`, `KUMO_CRAWLER_BLOCKED_ADDRESS`…).',
    ),
    KUMO_CRAWLER_SOURCE_MALFORMED: permanent(
      'A `sources` entry (sitemap or feed) is not well-formed XML, or not a sitemap (`urlset`, `sitemapindex`), RSS ' +
        'or Atom document. That source fails (its page result `failed`); entries handed on before the error stay, ' +
        'and the crawl goes on. Permanent.',
    ),
    KUMO_CRAWLER_SOURCE_TOO_LARGE: permanent(
      'A `sources` entry is larger than `CRAWL_SOURCE_MAX_BYTES` (uncompressed) or lists more than ' +
        '`CRAWL_SOURCE_MAX_ENTRIES` entries. Reading stops there: that source fails, the entries handed on before ' +
        'stay, and the crawl goes on. Permanent.',
    ),
    KUMO_CRAWLER_TIMEOUT: transient('The connect, headers, body or whole-request deadline passed. Transient.'),
    KUMO_CRAWLER_TLS: permanent('TLS handshake or certificate failure. Permanent.'),
    KUMO_CRAWLER_TOO_LARGE: permanent(
      'The body (on the wire or decoded) crossed `CRAWL_MAX_BODY_BYTES`; the request was aborted while streaming ' +
        'and the page is `skipped` (`too-large`). Permanent.',
    ),
    KUMO_CRAWLER_TOO_MANY_REDIRECTS: permanent('More redirect hops than `CRAWL_MAX_REDIRECTS`. Permanent.'),
    KUMO_CRAWLER_UNEXPECTED: transient(
      'An error the crawler could not classify. Transient, so it is retried a bounded number of times.',
    ),
    KUMO_CRAWLER_UNSUPPORTED_SCHEME: permanent(
      'Only `http:` and `https:` are fetched, also for redirect hops. Permanent.',
    ),
  }),
  'packages/keyspace': area('KUMO_KEYSPACE_', {
    KUMO_KEYSPACE_COMMAND_FILE: permanent(
      "A package's Lua command files are malformed: a file not named `<name>-<numKeys>.lua`, a header block that " +
        'does not list every KEY, the ARGV and `Returns:`, an unknown or cyclic include (`--- @include`), a command ' +
        'file missing or never loaded. Thrown when the package loads its commands, before anything reaches Redis: a ' +
        'programming error, never retried.',
    ),
    KUMO_KEYSPACE_CROSS_SLOT: permanent(
      'The keys of one multi-key operation (script, blocking read, multi-key DEL) do not share one hash tag, so a ' +
        'Redis Cluster would refuse it (`CROSSSLOT`). Thrown before sending, on a single node too, so tests catch ' +
        'it.',
    ),
    KUMO_KEYSPACE_EVICTION_POLICY: critical(
      "Redis's `maxmemory-policy` is not `noeviction`: Redis may silently drop BullMQ's keys (lost jobs) and " +
        "kumo's results. The process must not start unless the operator allowed it (`KUMO_ALLOW_EVICTION`).",
    ),
    KUMO_KEYSPACE_INVALID_ARGUMENT: permanent(
      'A `KeyStore` method was called with an argument it cannot send (a count or length that is not a safe ' +
        'integer, an `xAdd` without fields). A programming error, caught before anything is sent: permanent.',
    ),
    KUMO_KEYSPACE_INVALID_KEY: permanent(
      'A key segment or the prefix is invalid (empty, contains `{`/`}`, too long, or the prefix is malformed).',
    ),
    KUMO_KEYSPACE_SCRIPT: transient(
      'A kumo Lua script returned an error reply; `cause` holds the Redis error. Usually a bug, sometimes OOM.',
    ),
    KUMO_KEYSPACE_TRANSACTION_DISCARDED: transient(
      'Redis discarded a MULTI/EXEC of the key store (a watched key changed, or the connection dropped ' +
        'mid-transaction). Transient: the operation may be tried again.',
    ),
    KUMO_KEYSPACE_TTL: permanent(
      'A write was asked for with a missing, zero, negative, non-integer or over-maximum TTL. Thrown before ' +
        'anything is sent to Redis: a key without a TTL is a memory leak we refuse to create. A programming error: ' +
        'never retried.',
    ),
    KUMO_KEYSPACE_UNKNOWN_PURPOSE: permanent('A key name uses a purpose that is not in the registry (`PURPOSES`).'),
  }),
  'packages/local-redis': area('KUMO_REDIS_', {
    KUMO_REDIS_INVALID_OPTION: permanent(
      'An option of `startRedisCluster` (masters, replicas, node timeout) or a node port asked of a running ' +
        'cluster is out of range; the message names it.',
    ),
    KUMO_REDIS_NO_PORT: transient(
      '`freePort` listened on port 0 but the operating system assigned no port. Transient: callers try again.',
    ),
    KUMO_REDIS_START_FAILED: critical('A redis-server was started but never answered PING, or exited during start-up.'),
    KUMO_REDIS_UNAVAILABLE: critical(
      'No Redis could be provided: no REDIS_URL, no redis-server on PATH, no Docker engine.',
    ),
  }),
  'packages/queues': area('KUMO_QUEUES_', {
    KUMO_QUEUES_INVALID_OPTION: critical(
      "An option of a queues component (the retention sweeper's ages and interval) is out of range; the message " +
        'names it. Critical: the app is misconfigured.',
    ),
    KUMO_QUEUES_REDIS_CONFIG: critical(
      'Neither `REDIS_URL` nor `REDIS_CLUSTER_NODES` is usable (missing, or a node is not `host:port`).',
    ),
    KUMO_QUEUES_UNAVAILABLE: transient(
      'Adding jobs failed on transient Redis errors (`MOVED`, `CLUSTERDOWN`, `TRYAGAIN`, closed connections) ' +
        'after every retry; `cause` holds the last one. Transient: the job that tried may be retried as a whole ' +
        '(ids are deterministic).',
    ),
    KUMO_QUEUES_WORKER_STUCK: critical(
      "A worker's liveness check (`WORKER_LIVENESS_CHECK_MS`) found its fetch loop wedged: jobs waited and it had " +
        'a free slot at two checks in a row, yet it started none (e.g. a blocking connection that never came back ' +
        'after a failover); the message names what the loop was awaiting, for how long, and the blocking ' +
        "connection's status. Critical: the worker is closed and its process stops gracefully, so the supervisor " +
        'starts a fresh one.',
    ),
  }),
  'packages/sample-site': area('KUMO_SAMPLE_SITE_', {
    KUMO_SAMPLE_SITE_CLI_USAGE: permanent('The command line could not be understood; the message says how to call it.'),
    KUMO_SAMPLE_SITE_DIR_NOT_FOUND: permanent('The directory to serve does not exist or is not a directory.'),
    KUMO_SAMPLE_SITE_ENCODING: permanent(
      'Generated text could not be encoded losslessly (a character outside JIS X 0208 slipped into the ' +
        'vocabulary).',
    ),
    KUMO_SAMPLE_SITE_GENERATOR_BUG: permanent(
      'The site generator broke one of its own invariants (a planned link that resolves to another page, a pick ' +
        'from an empty list): a bug in the sample site, never a bad option.',
    ),
    KUMO_SAMPLE_SITE_INVALID_OPTION: permanent(
      'An option of generateSite, startSiteServer or the CLI is out of range or missing. The message names it.',
    ),
    KUMO_SAMPLE_SITE_LISTEN_FAILED: transient('The static server could not listen (port taken, bad host).'),
  }),
  'packages/webhooks': area('KUMO_WEBHOOKS_', {
    KUMO_WEBHOOKS_BLOCKED_ADDRESS: permanent(
      "The webhook's host is, or resolves to, an address the crawler's policy refuses (loopback, private, " +
        'link-local, metadata…; `CRAWL_ALLOW_HOSTS` opens some), checked at connect time. Permanent: the delivery ' +
        'fails at once and is not retried (the attempt is recorded with status 0 and this code).',
    ),
    KUMO_WEBHOOKS_CONNECTION: transient(
      'The webhook receiver could not be reached: name resolution, connection refused or reset, TLS failure. ' +
        'Transient: retried on the back-off schedule.',
    ),
    KUMO_WEBHOOKS_CRAWL_GONE: permanent(
      'The crawl of a webhook delivery no longer exists (its record expired): there is nothing to deliver. ' +
        'Permanent.',
    ),
    KUMO_WEBHOOKS_HTTP_STATUS: transient(
      'The webhook receiver answered with a status other than 2xx (redirects are not followed). Transient: ' +
        'retried on the back-off schedule for about 24 h.',
    ),
    KUMO_WEBHOOKS_INVALID_JOB: permanent(
      'A `webhook` job has malformed data. Permanent: failed at once, never retried.',
    ),
    KUMO_WEBHOOKS_INVALID_OPTIONS: critical(
      'An option of the webhook processor or its back-off is out of range: the app is misconfigured. Critical.',
    ),
    KUMO_WEBHOOKS_TIMEOUT: transient(
      'The webhook receiver did not answer within `WEBHOOK_TIMEOUT_MS`. Transient: retried on the back-off schedule.',
    ),
  }),
  'packages/schedules': area('KUMO_SCHEDULES_', {
    KUMO_SCHEDULES_INVALID_OPTION: critical(
      'An option of the schedule sweep is out of range: the app is misconfigured. Critical; the message names it.',
    ),
    KUMO_SCHEDULES_INVALID_REQUEST: permanent(
      'A schedule request fails `POST /v1/schedules`: its crawl body (the `POST /v1/crawls` schema and the ' +
        "deployment's limits), not exactly one of `cron` and `every`, a cron pattern that is not 5 valid fields, " +
        'an `every` that is not an ISO 8601 duration of at least PT1M, or an unknown time zone. Carries the field ' +
        'errors; the API answers `KUMO_API_VALIDATION` (400).',
    ),
  }),
  'packages/supervisor': area('KUMO_SUPERVISOR_', {
    KUMO_SUPERVISOR_INVALID_OPTION: critical(
      'An option of runSupervisor or runWorkerProcess is missing or out of range. The message names it.',
    ),
    KUMO_SUPERVISOR_METRICS_LISTEN_FAILED: critical(
      'The primary could not listen for metrics requests (port taken, bad host).',
    ),
    KUMO_SUPERVISOR_NOT_PRIMARY: critical('runSupervisor was called in a cluster worker: only the primary supervises.'),
    KUMO_SUPERVISOR_NOT_READY: transient(
      "The `code` of a worker supervisor's 503 `/readyz` problem: shutting down, a worker slot waiting to be " +
        "restarted, or the app's readiness check (Redis PING) failed; the `detail` says which.",
    ),
    KUMO_SUPERVISOR_RESTART_STORM: critical(
      'Workers died more often than `maxRestartsInWindow` allows: the supervisor stops restarting them, shuts the ' +
        'rest down and exits non-zero, so the process manager above it (systemd, Kubernetes) sees the failure.',
    ),
    KUMO_SUPERVISOR_SHUTDOWN_TIMEOUT: transient(
      "A worker's close() did not finish within `shutdownTimeoutMs`; the worker exits 1 without waiting longer.",
    ),
    KUMO_SUPERVISOR_WORKER_CRASHED: critical(
      "A worker's start() failed, or it hit an uncaught exception or unhandled rejection; it exits 1 and is " +
        'restarted.',
    ),
  }),
};
