import { z } from 'zod';
import { crawlRequestSchema } from './crawl-request.js';
import { pageResultSchema } from './page-result.js';
import { analysisSchema } from './analysis.js';
import { crawlWebhookSchema } from './webhook.js';

export const crawlStatusSchema = z.enum(['queued', 'running', 'completed', 'failed', 'cancelled']);
export type CrawlStatus = z.infer<typeof crawlStatusSchema>;
export const TERMINAL_CRAWL_STATUSES: readonly CrawlStatus[] = ['completed', 'failed', 'cancelled'];

export const crawlCountsSchema = z.object({
  discovered: z.int(),
  fetched: z.int(),
  failed: z.int(),
  skipped: z.int(),
  analyzed: z.int(),
  // Always sent by this version; optional because older servers' answers lack it (read it as 0).
  dropped: z
    .int()
    .optional()
    .describe('Distinct links not admitted because maxPages was reached (seeds included; none after a cancel)'),
  notModified: z
    .int()
    .optional()
    .describe(
      "Pages the server answered 304 Not Modified (counted in fetched too; their analysis is the previous run's). " +
        'Present on crawls with a previousId',
    ),
});
export type CrawlCounts = z.infer<typeof crawlCountsSchema>;

/** `Crawl.truncated` and `DoneEvent.truncated`: always sent by this version, absent from older servers' answers. */
const TRUNCATED = z
  .boolean()
  .optional()
  .describe('True when maxPages stopped links from being admitted (counts.dropped > 0)');

export const crawlSchema = z.object({
  id: z.string(),
  status: crawlStatusSchema,
  request: crawlRequestSchema,
  createdAt: z.iso.datetime(),
  startedAt: z.iso.datetime().optional(),
  finishedAt: z.iso.datetime().optional(),
  counts: crawlCountsSchema,
  /** True when `maxPages` stopped links from being admitted (`counts.dropped` > 0). Absent only from older servers. */
  truncated: TRUNCATED,
  /** Present when the request has a `webhook`: its URL (never the secret) and the delivery attempts. */
  webhook: crawlWebhookSchema.optional(),
  /** Set on a crawl a schedule's run created: that schedule's id. */
  scheduleId: z.string().optional().describe('The schedule whose run created this crawl (absent otherwise)'),
  /** Set on a schedule's run after its first: the crawl of the schedule's previous run. */
  previousId: z
    .string()
    .optional()
    .describe("The crawl of the same schedule's previous run (absent on a schedule's first run and on other crawls)"),
});
export type Crawl = z.infer<typeof crawlSchema>;

export const crawlCreatedSchema = z.object({
  id: z.string(),
  status: crawlStatusSchema,
  links: z.object({ self: z.string(), events: z.string(), pages: z.string(), report: z.string() }),
});
export type CrawlCreated = z.infer<typeof crawlCreatedSchema>;

export const pagesPageSchema = z.object({
  items: z.array(pageResultSchema),
  nextCursor: z.string().nullable(),
});
export type PagesPage = z.infer<typeof pagesPageSchema>;

/** `GET /v1/crawls`: one page of the caller's crawls, newest first. */
export const crawlsPageSchema = z.object({
  items: z.array(crawlSchema),
  nextCursor: z.string().nullable(),
});
export type CrawlsPage = z.infer<typeof crawlsPageSchema>;

/** Data of the `analysis` server-sent event. */
export const analysisEventSchema = z.object({ url: z.string(), analysis: analysisSchema });
export type AnalysisEvent = z.infer<typeof analysisEventSchema>;

/** Data of the `done` server-sent event: the final status and counts, and whether `maxPages` cut the crawl short. */
export const doneEventSchema = z.object({
  status: crawlStatusSchema,
  counts: crawlCountsSchema,
  truncated: TRUNCATED,
});
export type DoneEvent = z.infer<typeof doneEventSchema>;

/** The kinds of event a crawl's result stream holds, in the order of the contract. */
export const CRAWL_EVENT_TYPES = ['page', 'analysis', 'progress', 'done'] as const;
export type CrawlEventType = (typeof CRAWL_EVENT_TYPES)[number];
