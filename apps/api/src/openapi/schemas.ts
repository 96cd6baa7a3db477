import { z } from 'zod';
import {
  analysisEventSchema,
  analysisSchema,
  crawlCountsSchema,
  crawlCreatedSchema,
  crawlRequestSchema,
  crawlSchema,
  crawlStatusSchema,
  doneEventSchema,
  pageResultSchema,
  pagesPageSchema,
  crawlsPageSchema,
  problemSchema,
  reportSchema,
  scheduleRequestSchema,
  scheduleSchema,
  schedulesPageSchema,
} from '@kumo/contract';

/** `DELETE /v1/crawls/:id` answers the crawl's id and status (CONTRACT.md); the contract package has no schema. */
export const crawlCancelledSchema = z.object({ id: z.string(), status: crawlStatusSchema });

/** `GET /healthz`. */
export const healthSchema = z.object({ status: z.literal('ok') });

/** `GET /readyz` when Redis answers. */
export const readySchema = z.object({ status: z.literal('ready') });

/** JSON Schema (2020-12, OpenAPI 3.1's dialect) without the keys that only make sense at a document's root. */
type JsonSchema = Record<string, unknown>;

function stripRootKeys(schema: JsonSchema): JsonSchema {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
}

/**
 * Responses may gain optional fields (CONTRACT.md: the contract only grows), so response schemas must not forbid
 * unknown properties; zod's output mode adds `additionalProperties: false` to every object, which we drop here.
 */
function openObjects(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(openObjects);
  if (value && typeof value === 'object') {
    const result: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'additionalProperties' && inner === false) continue;
      result[key] = openObjects(inner);
    }
    return result;
  }
  return value;
}

/** Component schemas of the OpenAPI document, generated from the contract's zod schemas (one source of truth). */
export function componentSchemas(): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  const named: [z.ZodType, string][] = [
    [crawlSchema, 'Crawl'],
    [crawlRequestSchema, 'CrawlRequest'],
    [crawlStatusSchema, 'CrawlStatus'],
    [crawlCountsSchema, 'CrawlCounts'],
    [crawlCreatedSchema, 'CrawlCreated'],
    [crawlCancelledSchema, 'CrawlCancelled'],
    [pagesPageSchema, 'PagesPage'],
    [crawlsPageSchema, 'CrawlsPage'],
    [pageResultSchema, 'PageResult'],
    [analysisSchema, 'Analysis'],
    [analysisEventSchema, 'AnalysisEvent'],
    [doneEventSchema, 'DoneEvent'],
    [reportSchema, 'Report'],
    [scheduleSchema, 'Schedule'],
    [schedulesPageSchema, 'SchedulesPage'],
    [problemSchema, 'Problem'],
    [healthSchema, 'Health'],
    [readySchema, 'Ready'],
  ];
  for (const [schema, id] of named) registry.add(schema, { id });
  const output = z.toJSONSchema(registry, {
    io: 'output',
    target: 'draft-2020-12',
    uri: (id) => `#/components/schemas/${id}`,
  });
  const schemas: Record<string, JsonSchema> = {};
  for (const [id, schema] of Object.entries(output.schemas)) {
    schemas[id] = openObjects(stripRootKeys(schema as JsonSchema)) as JsonSchema;
  }
  // The request body as a client sends it: defaults make fields optional, unknown fields are rejected.
  const input = stripRootKeys(z.toJSONSchema(crawlRequestSchema, { io: 'input', target: 'draft-2020-12' }));
  schemas.CrawlRequestInput = {
    ...input,
    // The refinement zod cannot express in JSON Schema: urls or sources lists something (1-100 URLs in all).
    anyOf: [
      { required: ['urls'], properties: { urls: { minItems: 1 } } },
      { required: ['sources'], properties: { sources: { minItems: 1 } } },
    ],
    description:
      'The body of POST /v1/crawls. Unknown fields are rejected (400). urls: absolute http/https URLs. urls or ' +
      'sources must list at least one URL, and at most 100 in all.',
  };
  const scheduleInput = stripRootKeys(z.toJSONSchema(scheduleRequestSchema, { io: 'input', target: 'draft-2020-12' }));
  schemas.ScheduleRequestInput = {
    ...scheduleInput,
    description:
      'The body of POST /v1/schedules: `crawl` is a POST /v1/crawls body; exactly one of `cron` and `every`. ' +
      'Unknown fields are rejected (400).',
  };
  return schemas;
}
