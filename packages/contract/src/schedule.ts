import { z } from 'zod';
import { crawlRequestSchema } from './crawl-request.js';

/** Bounds of `POST /v1/schedules`' strings; what they must mean is checked by the API (`@kumo/schedules`). */
export const SCHEDULE_REQUEST_LIMITS = { maxCronLength: 200, maxEveryLength: 64, maxTimezoneLength: 64 } as const;

/**
 * `POST /v1/schedules`: a crawl request run on a 5-field `cron` pattern or `every` ISO 8601 duration (exactly one;
 * at least PT1M), in `timezone` (IANA, default UTC). Unknown fields are refused, as in `POST /v1/crawls`.
 */
export const scheduleRequestSchema = z.strictObject({
  crawl: crawlRequestSchema,
  cron: z
    .string()
    .max(SCHEDULE_REQUEST_LIMITS.maxCronLength)
    .optional()
    .describe('A 5-field cron pattern (minute hour day-of-month month day-of-week); exactly one of cron and every'),
  every: z
    .string()
    .max(SCHEDULE_REQUEST_LIMITS.maxEveryLength)
    .optional()
    .describe('An ISO 8601 duration of at least PT1M (PT30M, P1D); exactly one of cron and every'),
  timezone: z
    .string()
    .max(SCHEDULE_REQUEST_LIMITS.maxTimezoneLength)
    .optional()
    .describe('The IANA time zone the cron pattern is read in (Asia/Tokyo); default UTC'),
});
export type ScheduleRequest = z.infer<typeof scheduleRequestSchema>;
export type ScheduleRequestInput = z.input<typeof scheduleRequestSchema>;

/** A schedule: its crawl request (a webhook without its secret), when it runs, and its latest crawl. */
export const scheduleSchema = z.object({
  id: z.string(),
  crawl: crawlRequestSchema,
  cron: z.string().optional(),
  every: z.string().optional(),
  timezone: z.string(),
  createdAt: z.iso.datetime(),
  nextRunAt: z.iso.datetime().describe('When the next run creates its crawl'),
  lastCrawlId: z.string().optional().describe('The crawl of the latest run, once there was one'),
});
export type Schedule = z.infer<typeof scheduleSchema>;

/** `GET /v1/schedules`: one page of the caller's schedules, newest first. */
export const schedulesPageSchema = z.object({
  items: z.array(scheduleSchema),
  nextCursor: z.string().nullable(),
});
export type SchedulesPage = z.infer<typeof schedulesPageSchema>;
