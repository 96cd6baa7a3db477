import { describe, expect, it } from 'vitest';
import { problemSchema } from '@kumo/contract';
import {
  CreationOverloadedError,
  IdempotencyConflictError as CreationConflictError,
  InvalidCrawlRequestError,
} from '@kumo/crawl-creation';
import { isRedisUnavailable, QueueUnavailableError } from '@kumo/queues';
import {
  CrawlNotFoundError,
  ForbiddenError,
  HeadersTooLargeError,
  IdempotencyConflictError,
  LoginThrottledError,
  MalformedHttpError,
  MalformedJsonError,
  OverloadedError,
  PayloadTooLargeError,
  RateLimitedError,
  RedisUnavailableError,
  ReportNotReadyError,
  RequestTimeoutError,
  ContentNotStoredError,
  RouteNotFoundError,
  ShuttingDownError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  ValidationError,
  ScheduleNotFoundError,
  type ApiError,
} from './errors.js';
import { API_ERROR_CODES, BACKEND_UNAVAILABLE_CODES, PROBLEM_TABLE, toProblemResponse } from './problems.js';

describe('toProblemResponse', () => {
  const cases: [ApiError, number, string][] = [
    [new ValidationError('bad', [{ path: 'maxDepth', message: 'too big' }]), 400, 'KUMO_API_VALIDATION'],
    [new MalformedJsonError(), 400, 'KUMO_API_MALFORMED_JSON'],
    [new MalformedHttpError(), 400, 'KUMO_API_MALFORMED_HTTP'],
    [new UnauthorizedError('no key', 'Bearer'), 401, 'KUMO_API_UNAUTHORIZED'],
    [new ForbiddenError('read-only'), 403, 'KUMO_API_FORBIDDEN'],
    [new CrawlNotFoundError('c1'), 404, 'KUMO_API_NOT_FOUND'],
    [new ScheduleNotFoundError('s1'), 404, 'KUMO_API_SCHEDULE_NOT_FOUND'],
    [new RouteNotFoundError('GET', '/x'), 404, 'KUMO_API_ROUTE_NOT_FOUND'],
    [new ReportNotReadyError('c1', 'running'), 409, 'KUMO_API_REPORT_NOT_READY'],
    [new ContentNotStoredError('c1', ['text']), 409, 'KUMO_API_CONTENT_NOT_STORED'],
    [new IdempotencyConflictError(), 409, 'KUMO_API_IDEMPOTENCY_CONFLICT'],
    [new RequestTimeoutError(), 408, 'KUMO_API_REQUEST_TIMEOUT'],
    [new PayloadTooLargeError(1024), 413, 'KUMO_API_PAYLOAD_TOO_LARGE'],
    [new UnsupportedMediaTypeError(), 415, 'KUMO_API_UNSUPPORTED_MEDIA_TYPE'],
    [new HeadersTooLargeError(), 431, 'KUMO_API_HEADERS_TOO_LARGE'],
    [new RateLimitedError(10, 30), 429, 'KUMO_API_RATE_LIMITED'],
    [new OverloadedError('busy', 30), 429, 'KUMO_API_OVERLOADED'],
    [new LoginThrottledError(42), 429, 'KUMO_API_LOGIN_THROTTLED'],
    [new RedisUnavailableError(), 503, 'KUMO_API_REDIS_UNAVAILABLE'],
    [new ShuttingDownError(), 503, 'KUMO_API_SHUTTING_DOWN'],
  ];

  it.each(cases)('%s answers %i with its code', (error, status, code) => {
    const response = toProblemResponse(error);
    expect(response.status).toBe(status);
    expect(response.body.code).toBe(code);
    expect(response.body.status).toBe(status);
    expect(problemSchema.parse(response.body)).toEqual(response.body);
  });

  it('covers every code of the table', () => {
    const covered = new Set(cases.map(([, , code]) => code));
    covered.add('KUMO_API_INTERNAL');
    expect([...covered].sort()).toEqual([...API_ERROR_CODES].sort());
  });

  it('passes field errors and headers through', () => {
    const validation = toProblemResponse(new ValidationError('bad', [{ path: 'urls.0', message: 'not a URL' }]));
    expect(validation.body.errors).toEqual([{ path: 'urls.0', message: 'not a URL' }]);
    expect(toProblemResponse(new OverloadedError('busy', 30)).headers['Retry-After']).toBe('30');
    expect(toProblemResponse(new UnauthorizedError('no', 'Basic realm="x"')).headers['WWW-Authenticate']).toBe(
      'Basic realm="x"',
    );
  });

  it("answers crawl creation's errors with the codes POST /v1/crawls always had", () => {
    const invalid = toProblemResponse(
      new InvalidCrawlRequestError('bad', [{ path: 'politeness.delayMs', message: 'too loose' }]),
    );
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({
      code: 'KUMO_API_VALIDATION',
      errors: [{ path: 'politeness.delayMs', message: 'too loose' }],
    });
    const overloaded = toProblemResponse(new CreationOverloadedError('Too many crawls in flight', 30));
    expect(overloaded).toMatchObject({ status: 429, headers: { 'Retry-After': '30' } });
    expect(overloaded.body.code).toBe('KUMO_API_OVERLOADED');
    const conflict = toProblemResponse(new CreationConflictError('reused'));
    expect(conflict.status).toBe(409);
    expect(conflict.body.code).toBe('KUMO_API_IDEMPOTENCY_CONFLICT');
  });

  it('names the current status in a report-not-ready problem', () => {
    expect(toProblemResponse(new ReportNotReadyError('c1', 'running')).body.detail).toContain('running');
  });

  it('reveals nothing of an unexpected error', () => {
    const error = new Error('secret internals at /srv/app.js:12');
    const response = toProblemResponse(error, 'req-1');
    expect(response.status).toBe(500);
    expect(response.body.code).toBe('KUMO_API_INTERNAL');
    expect(JSON.stringify(response.body)).not.toContain('secret');
    expect(response.body.detail).toContain('req-1');
  });

  it('maps a Redis outage from any layer to 503', () => {
    const closed = new Error('Connection is closed.');
    const wrapped = Object.assign(new Error('addCrawlFlow failed'), { code: 'KUMO_QUEUES_UNAVAILABLE', cause: closed });
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const offline = new Error("Stream isn't writeable and enableOfflineQueue options is false");
    for (const error of [closed, wrapped, refused, offline]) {
      expect(isRedisUnavailable(error), error.message).toBe(true);
      expect(toProblemResponse(error).status).toBe(503);
    }
    expect(isRedisUnavailable(new Error('WRONGTYPE Operation against a key'))).toBe(false);
  });

  /** An ioredis reply error (`ReplyError`): the message starts with Redis's error code. */
  const reply = (message: string) => Object.assign(new Error(message), { name: 'ReplyError' });
  /** What ioredis throws when Redis aborted a MULTI: EXECABORT, with the queued commands' errors attached. */
  const execAbort = (...previousErrors: Error[]) =>
    Object.assign(reply('EXECABORT Transaction discarded because of previous errors.'), { previousErrors });
  const scriptError = (cause: Error) =>
    Object.assign(new Error('script failed'), { name: 'KumoError', code: 'KUMO_KEYSPACE_SCRIPT', cause });

  const backendUnavailable: [string, unknown][] = [
    [
      'the queues gave up, whatever the last error',
      new QueueUnavailableError('addCrawlFlow failed', reply('TRYAGAIN')),
    ],
    ['the queues gave up, no cause', Object.assign(new Error('gave up'), { code: 'KUMO_QUEUES_UNAVAILABLE' })],
    ['no Redis could be provided', Object.assign(new Error('no redis'), { code: 'KUMO_REDIS_UNAVAILABLE' })],
    ['a read-only replica after a failover', reply("READONLY You can't write against a read only replica.")],
    [
      'a replica without its master',
      reply("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is 'no'."),
    ],
    ['out of memory (noeviction)', reply("OOM command not allowed when used memory > 'maxmemory'.")],
    ['still loading its data', reply('LOADING Redis is loading the dataset in memory')],
    ['busy in a script', reply('BUSY Redis is busy running a script.')],
    ['unable to persist', reply('MISCONF Redis is configured to save RDB snapshots, but it is unable to persist')],
    ['a cluster that is down', reply('CLUSTERDOWN The cluster is down')],
    ['a MULTI aborted because Redis is read-only', execAbort(reply("READONLY You can't write against a replica."))],
    ['a MULTI aborted because Redis is full', execAbort(reply("OOM command not allowed when used memory > 'x'."))],
    ['a script that met OOM', scriptError(reply('OOM command not allowed. script: abc, on @user_script:1.'))],
    ['one of many failures', new AggregateError([new Error('x'), reply('LOADING Redis is loading')], 'all failed')],
  ];

  it.each(backendUnavailable)('%s → 503 KUMO_API_REDIS_UNAVAILABLE with Retry-After', (_what, error) => {
    const response = toProblemResponse(error, 'req-1');
    expect(response.status).toBe(503);
    expect(response.body.code).toBe('KUMO_API_REDIS_UNAVAILABLE');
    expect(response.headers['Retry-After']).toMatch(/^[1-9][0-9]*$/);
  });

  it('does not take a crawled site or an ordinary error reply for our backend', () => {
    for (const error of [
      Object.assign(new Error('connection reset by the site'), { code: 'KUMO_CRAWLER_CONNECTION' }),
      Object.assign(new Error('robots.txt answered 503'), { code: 'KUMO_CRAWLER_ROBOTS_UNAVAILABLE' }),
      execAbort(reply('WRONGTYPE Operation against a key holding the wrong kind of value')),
      reply('ERR syntax error'),
    ]) {
      expect(isRedisUnavailable(error), error.message).toBe(false);
      expect(toProblemResponse(error).status).toBe(500);
    }
  });

  it('answers every 503 of the table with Retry-After', () => {
    const unavailable = Object.entries(PROBLEM_TABLE).filter(([, entry]) => entry.status === 503);
    expect(unavailable.map(([code]) => code).sort()).toEqual(['KUMO_API_REDIS_UNAVAILABLE', 'KUMO_API_SHUTTING_DOWN']);
    for (const error of [new RedisUnavailableError(), new ShuttingDownError()]) {
      expect(toProblemResponse(error).headers['Retry-After'], error.code).toMatch(/^[1-9][0-9]*$/);
    }
    expect(toProblemResponse(new ShuttingDownError()).headers.Connection).toBe('close');
    // Every backend-unavailable code of another package is answered as the API's 503 code.
    for (const code of BACKEND_UNAVAILABLE_CODES) {
      const response = toProblemResponse(Object.assign(new Error('down'), { code }));
      expect([response.status, response.body.code, response.headers['Retry-After']]).toEqual([
        503,
        'KUMO_API_REDIS_UNAVAILABLE',
        '5',
      ]);
    }
  });

  it('has one status per code in the table, all 4xx or 5xx', () => {
    for (const { status } of Object.values(PROBLEM_TABLE)) expect(status).toBeGreaterThanOrEqual(400);
  });
});
