import { describe, expect, it } from 'vitest';
import { problemSchema } from '@kumo/contract';
import {
  CrawlNotFoundError,
  IdempotencyConflictError,
  MalformedJsonError,
  OverloadedError,
  PayloadTooLargeError,
  RateLimitedError,
  RedisUnavailableError,
  ReportNotReadyError,
  RouteNotFoundError,
  ShuttingDownError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  ValidationError,
  type ApiError,
} from './errors.js';
import { API_ERROR_CODES, PROBLEM_TABLE, isRedisUnavailable, toProblemResponse } from './problems.js';

describe('toProblemResponse', () => {
  const cases: [ApiError, number, string][] = [
    [new ValidationError('bad', [{ path: 'maxDepth', message: 'too big' }]), 400, 'KUMO_API_VALIDATION'],
    [new MalformedJsonError(), 400, 'KUMO_API_MALFORMED_JSON'],
    [new UnauthorizedError('no key', 'Bearer'), 401, 'KUMO_API_UNAUTHORIZED'],
    [new CrawlNotFoundError('c1'), 404, 'KUMO_API_NOT_FOUND'],
    [new RouteNotFoundError('GET', '/x'), 404, 'KUMO_API_ROUTE_NOT_FOUND'],
    [new ReportNotReadyError('c1', 'running'), 409, 'KUMO_API_REPORT_NOT_READY'],
    [new IdempotencyConflictError(), 409, 'KUMO_API_IDEMPOTENCY_CONFLICT'],
    [new PayloadTooLargeError(1024), 413, 'KUMO_API_PAYLOAD_TOO_LARGE'],
    [new UnsupportedMediaTypeError(), 415, 'KUMO_API_UNSUPPORTED_MEDIA_TYPE'],
    [new RateLimitedError(10, 30), 429, 'KUMO_API_RATE_LIMITED'],
    [new OverloadedError('busy', 30), 429, 'KUMO_API_OVERLOADED'],
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

  it('has one status per code in the table, all 4xx or 5xx', () => {
    for (const { status } of Object.values(PROBLEM_TABLE)) expect(status).toBeGreaterThanOrEqual(400);
  });
});
