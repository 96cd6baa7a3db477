import { API_ERROR_CODES, PROBLEM_TABLE, type ProblemCode } from '../problems.js';
import { componentSchemas } from './schemas.js';

/** The subset of OpenAPI 3.1 this module writes. */
export type OpenApiDocument = Record<string, unknown> & { openapi: string; paths: Record<string, PathItem> };
type PathItem = Record<string, Record<string, unknown>>;

export interface OpenApiOptions {
  /** `info.version`. Default `0.1.0`. */
  version?: string;
  /** Servers to list (e.g. the URL the API is reached at). Default: none (relative to the document). */
  servers?: { url: string; description?: string }[];
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: unknown) => ({ 'application/json': { schema } });

const idParameter = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'The crawl id returned by POST /v1/crawls.',
  schema: { type: 'string', minLength: 1, maxLength: 128 },
};

/** The `cursor` and `limit` query parameters of a cursor-paged list. */
function cursorParameters(limitDescription: string, limit: { maximum: number; default: number }): unknown[] {
  return [
    {
      name: 'cursor',
      in: 'query',
      required: false,
      description: 'The `nextCursor` of the previous page; omit for the first page.',
      schema: { type: 'string', maxLength: 256 },
    },
    {
      name: 'limit',
      in: 'query',
      required: false,
      description: limitDescription,
      schema: { type: 'integer', minimum: 1, ...limit },
    },
  ];
}

/** A problem response for each status the operation can answer with, with the codes behind it. */
function problems(...codes: ProblemCode[]): Record<string, unknown> {
  const byStatus = new Map<number, ProblemCode[]>();
  for (const code of codes) {
    const status = PROBLEM_TABLE[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<string, unknown> = {};
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    const headers: Record<string, unknown> = {};
    if (
      list.some(
        (code) => code === 'KUMO_API_RATE_LIMITED' || code === 'KUMO_API_OVERLOADED' || code.endsWith('UNAVAILABLE'),
      )
    ) {
      headers['Retry-After'] = { description: 'Seconds to wait before retrying.', schema: { type: 'integer' } };
    }
    if (list.includes('KUMO_API_UNAUTHORIZED')) {
      headers['WWW-Authenticate'] = { description: 'The authentication scheme expected.', schema: { type: 'string' } };
    }
    responses[String(status)] = {
      description: `${list.map((code) => PROBLEM_TABLE[code].title).join(' / ')} (${list.join(', ')})`,
      ...(Object.keys(headers).length > 0 ? { headers } : {}),
      content: { 'application/problem+json': { schema: ref('Problem') } },
    };
  }
  return responses;
}

/** Codes any authenticated /v1 operation may answer with. */
const V1_COMMON: ProblemCode[] = [
  'KUMO_API_UNAUTHORIZED',
  'KUMO_API_RATE_LIMITED',
  'KUMO_API_INTERNAL',
  'KUMO_API_REDIS_UNAVAILABLE',
];

const PUBLIC = { security: [] };

/** What both answers of `POST /v1/crawls` carry: the crawl's URL and its id, status and links. */
const CRAWL_CREATED = {
  headers: { Location: { description: 'URL of the crawl.', schema: { type: 'string' } } },
  content: json(ref('CrawlCreated')),
};

/**
 * An authenticated `/v1` operation (tag `crawls`): `head` names it, `body` gives its parameters, request body and
 * success responses; its problem responses are `codes` and those of every /v1 operation.
 */
function v1Operation(
  head: { operationId: string; summary: string; description?: string },
  body: { parameters?: unknown[]; requestBody?: unknown; responses: Record<string, unknown> },
  codes: ProblemCode[],
): Record<string, unknown> {
  return { ...head, tags: ['crawls'], ...body, responses: { ...body.responses, ...problems(...codes, ...V1_COMMON) } };
}

/** The `include` query parameter of the pages and export endpoints. */
function includeParameter(description: string) {
  return {
    name: 'include',
    in: 'query',
    required: false,
    description: `Comma-separated, each at most once: analysis, text, links. ${description}`,
    schema: { type: 'string', example: 'analysis,text,links' },
  };
}

const scheduleIdParameter = {
  ...idParameter,
  description: 'The schedule id returned by POST /v1/schedules.',
};

/** An operation on schedules: a `v1Operation` tagged `schedules`. */
function scheduleOperation(...args: Parameters<typeof v1Operation>): Record<string, unknown> {
  return { ...v1Operation(...args), tags: ['schedules'] };
}

/** The paths of `/v1/schedules` (recurring crawls). */
function schedulePaths(): Record<string, PathItem> {
  return {
    '/v1/schedules': {
      post: scheduleOperation(
        {
          operationId: 'createSchedule',
          summary: 'Create a schedule: a crawl request run on a cron pattern or an ISO 8601 interval',
          description:
            'Exactly one of `cron` (5 fields, read in `timezone`) and `every` (an ISO 8601 duration of at least ' +
            'PT1M; the first run is at once). `crawl` is validated exactly as the body of POST /v1/crawls (its ' +
            'field errors have paths `crawl.…`). Each run creates an ordinary crawl with `scheduleId` and ' +
            '`previousId`, owned by the same key.',
        },
        {
          requestBody: { required: true, content: json(ref('ScheduleRequestInput')) },
          responses: {
            '201': {
              description: 'The schedule.',
              headers: { Location: { description: 'URL of the schedule.', schema: { type: 'string' } } },
              content: json(ref('Schedule')),
            },
          },
        },
        [
          'KUMO_API_VALIDATION',
          'KUMO_API_MALFORMED_JSON',
          'KUMO_API_PAYLOAD_TOO_LARGE',
          'KUMO_API_UNSUPPORTED_MEDIA_TYPE',
        ],
      ),
      get: scheduleOperation(
        {
          operationId: 'listSchedules',
          summary: "The caller's schedules, newest first, with a cursor",
          description: 'Only the schedules the calling API key created; paged like GET /v1/crawls.',
        },
        {
          parameters: cursorParameters('Schedules per page.', { maximum: 100, default: 20 }),
          responses: {
            '200': {
              description: 'One page of schedules; `nextCursor` is null at the end.',
              content: json(ref('SchedulesPage')),
            },
          },
        },
        ['KUMO_API_VALIDATION'],
      ),
    },
    '/v1/schedules/{id}': {
      parameters: [scheduleIdParameter] as unknown as Record<string, unknown>,
      get: scheduleOperation(
        { operationId: 'getSchedule', summary: 'A schedule: its crawl request, when it runs, its latest crawl' },
        { responses: { '200': { description: 'The schedule.', content: json(ref('Schedule')) } } },
        ['KUMO_API_VALIDATION', 'KUMO_API_SCHEDULE_NOT_FOUND'],
      ),
      delete: scheduleOperation(
        {
          operationId: 'deleteSchedule',
          summary: 'Delete a schedule: no run starts from now on (crawls already created stay)',
        },
        { responses: { '204': { description: 'Deleted.' } } },
        ['KUMO_API_VALIDATION', 'KUMO_API_SCHEDULE_NOT_FOUND'],
      ),
    },
  };
}

/** A path under `/v1/crawls/{id}`: the crawl id parameter, then its operations. */
function crawlPath(operations: PathItem): PathItem {
  return { parameters: [idParameter] as unknown as Record<string, unknown>, ...operations };
}

/**
 * The OpenAPI 3.1 document of the whole HTTP surface, schemas generated from @kumo/contract's zod schemas with
 * `z.toJSONSchema`. A test checks that every Express route appears here and that the document validates.
 */
export function buildOpenApiDocument(options: OpenApiOptions = {}): OpenApiDocument {
  const paths: Record<string, PathItem> = {
    ...schedulePaths(),
    '/v1/crawls': {
      post: v1Operation(
        { operationId: 'createCrawl', summary: 'Start a crawl' },
        {
          parameters: [
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: false,
              description:
                'Makes a retry safe: the same key with the same body within 24 h answers 200 with the existing crawl; with a different body, 409.',
              schema: { type: 'string', minLength: 1, maxLength: 255 },
            },
          ],
          requestBody: { required: true, content: json(ref('CrawlRequestInput')) },
          responses: {
            '202': { description: 'The crawl is queued.', ...CRAWL_CREATED },
            '200': {
              description: 'Replay of an earlier request with the same Idempotency-Key and body: the existing crawl.',
              ...CRAWL_CREATED,
            },
          },
        },
        [
          'KUMO_API_VALIDATION',
          'KUMO_API_MALFORMED_JSON',
          'KUMO_API_IDEMPOTENCY_CONFLICT',
          'KUMO_API_PAYLOAD_TOO_LARGE',
          'KUMO_API_UNSUPPORTED_MEDIA_TYPE',
          'KUMO_API_OVERLOADED',
        ],
      ),
      get: v1Operation(
        {
          operationId: 'listCrawls',
          summary: "The caller's crawls, newest first, filtered by status or schedule, with a cursor",
          description:
            'Only the crawls the calling API key created. The cursor is stable: crawls created while a client pages ' +
            'through do not shift or repeat what it reads. A page may hold fewer than `limit` crawls and still have ' +
            'a `nextCursor` (each request examines a bounded number of crawls); `nextCursor: null` is the end.',
        },
        {
          parameters: [
            {
              name: 'status',
              in: 'query',
              required: false,
              description: 'Only crawls in one of these statuses, comma-separated (`running,queued`).',
              schema: {
                type: 'string',
                pattern: '^(queued|running|completed|failed|cancelled)(,(queued|running|completed|failed|cancelled))*$',
              },
            },
            {
              name: 'scheduleId',
              in: 'query',
              required: false,
              description:
                'Only the runs of this schedule (crawls whose `scheduleId` it is), newest first. A kumo addition to ' +
                'the contract.',
              schema: { type: 'string', pattern: '^s[0-9a-z]{20}$' },
            },
            ...cursorParameters('Crawls per page.', { maximum: 100, default: 20 }),
          ],
          responses: {
            '200': {
              description: 'One page of crawls; `nextCursor` is null at the end.',
              content: json(ref('CrawlsPage')),
            },
          },
        },
        ['KUMO_API_VALIDATION'],
      ),
    },
    '/v1/crawls/{id}': crawlPath({
      get: v1Operation(
        { operationId: 'getCrawl', summary: 'A crawl: status, request, times and counts' },
        { responses: { '200': { description: 'The crawl.', content: json(ref('Crawl')) } } },
        ['KUMO_API_NOT_FOUND'],
      ),
      delete: v1Operation(
        { operationId: 'cancelCrawl', summary: 'Cancel a crawl: no new fetch starts; it ends `cancelled`' },
        { responses: { '202': { description: 'Cancellation requested.', content: json(ref('CrawlCancelled')) } } },
        ['KUMO_API_NOT_FOUND'],
      ),
    }),
    '/v1/crawls/{id}/pages': crawlPath({
      get: v1Operation(
        { operationId: 'listPages', summary: 'Page results in the order they were produced, with a cursor' },
        {
          parameters: [
            ...cursorParameters('Items per page (at most 50 with `include=text`).', { maximum: 500, default: 100 }),
            includeParameter(
              '`text` and `links` add `text` and `outLinks` to each fetched page of a crawl that stored them (`store`), ' +
                'otherwise 409; `analysis` is always attached here.',
            ),
          ],
          responses: {
            '200': {
              description: 'One page of results; `nextCursor` is null at the end.',
              content: json(ref('PagesPage')),
            },
          },
        },
        ['KUMO_API_VALIDATION', 'KUMO_API_NOT_FOUND', 'KUMO_API_CONTENT_NOT_STORED'],
      ),
    }),
    '/v1/crawls/{id}/export': crawlPath({
      get: v1Operation(
        {
          operationId: 'exportPages',
          summary: 'Every page result as a file download (NDJSON or CSV), streamed in production order',
          description:
            'NDJSON: one PageResult per line (`analysis`, `text`, `outLinks` only when included). CSV (RFC 4180, CRLF): a header ' +
            'row, then one row per page with `url, finalUrl, depth, status, httpStatus, charset, title, textLength, terms` ' +
            '(`terms`: the top 10 terms joined by spaces), then `text` and `outLinks` (joined by spaces) when included; cells ' +
            "starting with = + - @ get a leading '. A crawl still queued or running exports the pages recorded so far " +
            '(`Kumo-Crawl-Status` says the status). An error after the first byte cuts the connection.',
        },
        {
          parameters: [
            {
              name: 'format',
              in: 'query',
              required: false,
              description: 'The file format.',
              schema: { type: 'string', enum: ['ndjson', 'csv'], default: 'ndjson' },
            },
            includeParameter(
              "`analysis` adds each page's analysis to NDJSON lines (CSV always has `terms`); `text` and `links` need a " +
                'crawl that stored them (`store`), otherwise 409.',
            ),
          ],
          responses: {
            '200': {
              description: 'The file (`Content-Disposition: attachment; filename="kumo-<id>.<format>"`).',
              headers: {
                'Content-Disposition': { description: 'attachment; filename=…', schema: { type: 'string' } },
                'Kumo-Crawl-Status': {
                  description: 'The crawl status when the export started.',
                  schema: ref('CrawlStatus'),
                },
              },
              content: {
                'application/x-ndjson': { schema: { type: 'string' }, 'x-line-schema': ref('PageResult') },
                'text/csv': { schema: { type: 'string' } },
              },
            },
          },
        },
        ['KUMO_API_VALIDATION', 'KUMO_API_NOT_FOUND', 'KUMO_API_CONTENT_NOT_STORED'],
      ),
    }),
    '/v1/crawls/{id}/events': crawlPath({
      get: v1Operation(
        {
          operationId: 'streamEvents',
          summary: 'Server-sent events: everything from the start (or after Last-Event-ID), then live, until `done`',
          description:
            'Events `page` (PageResult without analysis), `analysis` (AnalysisEvent), `progress` (CrawlCounts) and `done` (DoneEvent). ' +
            'Every event has an `id:`; reconnecting with `Last-Event-ID` resumes right after it. Comment lines (`: ping`) keep the connection alive. ' +
            'The stream ends after `done`; a reconnect with the `done` id (or any later id) answers 204 No Content, which makes an EventSource stop. ' +
            'A `Last-Event-ID` that is not a stream id within 64 bits (or is the largest one) is a 400.',
        },
        {
          parameters: [
            {
              name: 'Last-Event-ID',
              in: 'header',
              required: false,
              description:
                'Resume right after this event id (`<ms>-<seq>`, each an unsigned 64-bit integer in canonical decimal).',
              schema: { type: 'string', pattern: '^(0|[1-9]\\d{0,19})-(0|[1-9]\\d{0,19})$' },
            },
          ],
          responses: {
            '204': {
              description:
                'The crawl is over and `Last-Event-ID` is its `done` event or later: nothing more will ever come.',
            },
            '200': {
              description: 'The event stream.',
              content: {
                'text/event-stream': {
                  schema: { type: 'string' },
                  // OpenAPI 3.1 has no way to type SSE payloads (3.2's itemSchema); an extension names them per event.
                  'x-event-data': {
                    page: ref('PageResult'),
                    analysis: ref('AnalysisEvent'),
                    progress: ref('CrawlCounts'),
                    done: ref('DoneEvent'),
                  },
                },
              },
            },
          },
        },
        ['KUMO_API_VALIDATION', 'KUMO_API_NOT_FOUND', 'KUMO_API_SHUTTING_DOWN'],
      ),
    }),
    '/v1/crawls/{id}/report': crawlPath({
      get: v1Operation(
        {
          operationId: 'getReport',
          summary: 'The report, once the crawl has ended (`partial: true` when it was cancelled)',
          description:
            'A cancelled crawl gets the report of the pages analysed before the cancel, with `partial: true`. A ' +
            "crawl with a `previousId` whose report is still readable gets `diff`: the top-100 keywords' changes " +
            'since that run (`added`, `removed`, `rising`, `falling`); absent otherwise.',
        },
        { responses: { '200': { description: 'The report.', content: json(ref('Report')) } } },
        ['KUMO_API_NOT_FOUND', 'KUMO_API_REPORT_NOT_READY'],
      ),
    }),
    '/healthz': {
      get: {
        operationId: 'health',
        summary: 'Liveness: 200 while the process runs',
        tags: ['operations'],
        ...PUBLIC,
        responses: { '200': { description: 'The process runs.', content: json(ref('Health')) } },
      },
    },
    '/readyz': {
      get: {
        operationId: 'ready',
        summary: 'Readiness: 200 when Redis answers',
        tags: ['operations'],
        ...PUBLIC,
        responses: {
          '200': { description: 'Redis answers.', content: json(ref('Ready')) },
          ...problems('KUMO_API_REDIS_UNAVAILABLE', 'KUMO_API_SHUTTING_DOWN'),
        },
      },
    },
    '/metrics': {
      get: {
        operationId: 'metrics',
        summary: 'Prometheus metrics of this process',
        tags: ['operations'],
        security: [{}, { metricsToken: [] }],
        responses: {
          '200': {
            description: 'Prometheus text exposition format.',
            content: { 'text/plain': { schema: { type: 'string' } } },
          },
          ...problems('KUMO_API_UNAUTHORIZED', 'KUMO_API_INTERNAL'),
        },
      },
    },
    '/openapi.json': {
      get: {
        operationId: 'openapi',
        summary: 'This document',
        tags: ['operations'],
        ...PUBLIC,
        responses: { '200': { description: 'The OpenAPI 3.1 document.', content: json({ type: 'object' }) } },
      },
    },
    '/': {
      get: {
        operationId: 'resultsPage',
        summary: 'The results page: sign in with an API key, start and watch crawls, read their reports',
        tags: ['operations'],
        ...PUBLIC,
        responses: {
          '200': { description: 'An HTML page (apps/web).', content: { 'text/html': { schema: { type: 'string' } } } },
          ...problems('KUMO_API_NOT_FOUND'),
        },
      },
    },
    '/docs': {
      get: {
        operationId: 'docs',
        summary: 'Interactive documentation rendering this document',
        tags: ['operations'],
        ...PUBLIC,
        responses: {
          '200': { description: 'An HTML page.', content: { 'text/html': { schema: { type: 'string' } } } },
        },
      },
    },
    '/admin/queues': {
      get: {
        operationId: 'board',
        summary: 'Bull Board: the crawl, analyze and aggregate queues',
        tags: ['operations'],
        security: [{ boardBasic: [] }],
        responses: {
          '200': { description: 'The board (HTML).', content: { 'text/html': { schema: { type: 'string' } } } },
          ...problems('KUMO_API_UNAUTHORIZED'),
        },
      },
    },
  };

  return {
    openapi: '3.1.1',
    info: {
      title: 'kumo API',
      version: options.version ?? '0.1.0',
      description:
        'Crawl and analyse Japanese web sources. Errors are RFC 9457 problem details with a stable `code`: ' +
        API_ERROR_CODES.join(', ') +
        '.',
    },
    ...(options.servers && options.servers.length > 0 ? { servers: options.servers } : {}),
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    security: [{ apiKey: [] }],
    tags: [
      { name: 'crawls', description: 'Crawls, their results, live events and reports' },
      { name: 'schedules', description: 'Recurring crawls: each run creates an ordinary crawl' },
      { name: 'operations', description: 'Health, metrics, documentation and the queue board' },
    ],
    paths,
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'An API key from API_KEYS.' },
        metricsToken: { type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN, when configured.' },
        boardBasic: { type: 'http', scheme: 'basic', description: 'BOARD_USER and BOARD_PASSWORD.' },
      },
      schemas: componentSchemas(),
    },
  };
}

/** Express's `/v1/crawls/:id` written as OpenAPI's `/v1/crawls/{id}`. */
export function toOpenApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}
