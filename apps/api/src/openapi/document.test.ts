import { compileErrors, validate } from '@readme/openapi-parser';
import { describe, expect, it } from 'vitest';
import { API_ERROR_CODES } from '../problems.js';
import { buildOpenApiDocument, toOpenApiPath } from './document.js';

describe('buildOpenApiDocument', () => {
  const document = buildOpenApiDocument();

  it('is a valid OpenAPI 3.1 document', async () => {
    // validate() dereferences in place: give it a copy.
    const result = await validate(structuredClone(document) as unknown as Parameters<typeof validate>[0]);
    expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true);
    expect(document.openapi).toMatch(/^3\.1\./);
  });

  it('describes the contract endpoints', () => {
    expect(Object.keys(document.paths).sort()).toEqual(
      [
        '/',
        '/admin/queues',
        '/docs',
        '/healthz',
        '/metrics',
        '/openapi.json',
        '/readyz',
        '/v1/crawls',
        '/v1/crawls/{id}',
        '/v1/crawls/{id}/events',
        '/v1/crawls/{id}/export',
        '/v1/crawls/{id}/pages',
        '/v1/crawls/{id}/report',
        '/v1/schedules',
        '/v1/schedules/{id}',
      ].sort(),
    );
    expect(Object.keys(document.paths['/v1/crawls/{id}']!).sort()).toEqual(['delete', 'get', 'parameters']);
    expect(Object.keys(document.paths['/v1/crawls']!).sort()).toEqual(['get', 'post']);
    expect(Object.keys(document.paths['/v1/schedules']!).sort()).toEqual(['get', 'post']);
    expect(Object.keys(document.paths['/v1/schedules/{id}']!).sort()).toEqual(['delete', 'get', 'parameters']);
  });

  it('generates the schemas from the contract (a required field of the zod schema is required here)', () => {
    const schemas = (document.components as { schemas: Record<string, { required?: string[] }> }).schemas;
    // `urls` or `sources` (CONTRACT "More in POST /v1/crawls"): each branch of anyOf requires one of them.
    expect((schemas.CrawlRequestInput as { anyOf?: { required: string[] }[] }).anyOf?.map((b) => b.required)).toEqual([
      ['urls'],
      ['sources'],
    ]);
    expect(schemas.Crawl?.required).toEqual(expect.arrayContaining(['id', 'status', 'request', 'createdAt', 'counts']));
    expect(schemas.Problem?.required).toEqual(expect.arrayContaining(['type', 'title', 'status', 'detail', 'code']));
  });

  it('lists every error code', () => {
    const description = (document.info as { description: string }).description;
    for (const code of API_ERROR_CODES) expect(description).toContain(code);
  });
});

describe('toOpenApiPath', () => {
  it.each([
    ['/v1/crawls/:id', '/v1/crawls/{id}'],
    ['/v1/crawls/:id/pages', '/v1/crawls/{id}/pages'],
    ['/healthz', '/healthz'],
  ])('%s → %s', (express, openapi) => {
    expect(toOpenApiPath(express)).toBe(openapi);
  });
});
