import { Router } from 'express';
import { crawlStatusSchema, type CrawlStatus } from '@kumo/contract';
import { CrawlStateErrorCode, isScheduleId, LIST_LIMIT, type ListCrawlsOptions } from '@kumo/crawl-state';
import { ValidationError, type FieldError } from '../errors.js';
import type { RouteContext } from './context.js';

const STATUSES: readonly string[] = crawlStatusSchema.options;
const CURSOR_MESSAGE = 'must be a nextCursor returned by this endpoint';

/** `status=running,queued`: known statuses, at least one, each once. */
function parseStatuses(raw: unknown, errors: FieldError[]): CrawlStatus[] | undefined {
  const message = `must be a comma-separated list of ${STATUSES.join(', ')}`;
  if (typeof raw !== 'string') {
    errors.push({ path: 'status', message: `${message}, given once` });
    return undefined;
  }
  const statuses = raw.split(',').map((status) => status.trim());
  const unknown = statuses.filter((status) => !STATUSES.includes(status));
  if (unknown.length > 0) {
    errors.push({ path: 'status', message: `${message}; unknown: ${unknown.join(', ').slice(0, 100) || '(empty)'}` });
    return undefined;
  }
  return [...new Set(statuses as CrawlStatus[])];
}

/** The query of `GET /v1/crawls`; one `ValidationError` naming every bad parameter. */
export function parseListQuery(query: Record<string, unknown>): ListCrawlsOptions & { limit: number } {
  const errors: FieldError[] = [];
  const options: ListCrawlsOptions & { limit: number } = { limit: LIST_LIMIT.default };
  if (query.limit !== undefined) {
    const raw = query.limit;
    const value = typeof raw === 'string' && /^\d{1,6}$/.test(raw) ? Number(raw) : Number.NaN;
    if (value >= LIST_LIMIT.min && value <= LIST_LIMIT.max) options.limit = value;
    else errors.push({ path: 'limit', message: `must be an integer from ${LIST_LIMIT.min} to ${LIST_LIMIT.max}` });
  }
  if (query.cursor !== undefined) {
    const raw = query.cursor;
    if (typeof raw === 'string' && raw.length > 0 && raw.length <= 256) options.cursor = raw;
    else errors.push({ path: 'cursor', message: CURSOR_MESSAGE });
  }
  if (query.status !== undefined) {
    const statuses = parseStatuses(query.status, errors);
    if (statuses) options.statuses = statuses;
  }
  if (query.scheduleId !== undefined) {
    const raw = query.scheduleId;
    if (typeof raw === 'string' && isScheduleId(raw)) options.scheduleId = raw;
    else errors.push({ path: 'scheduleId', message: 'must be the id of a schedule (`s` + 20 characters), given once' });
  }
  if (errors.length > 0) throw new ValidationError('Invalid query parameters.', errors);
  return options;
}

/**
 * `GET /v1/crawls?status=&scheduleId=&cursor=&limit=`: the caller's crawls (those its API key created), newest first,
 * from the owner index of @kumo/crawl-state; `scheduleId` keeps a schedule's runs only (an addition to the contract).
 * A page may hold fewer than `limit` crawls and still have a `nextCursor` (a filter that few crawls match: each
 * request examines a bounded number of entries); `nextCursor: null` is the end.
 */
export function crawlListRoutes(ctx: RouteContext): Router {
  const router = Router();
  router.get('/v1/crawls', async (req, res) => {
    const options = parseListQuery(req.query as Record<string, unknown>);
    try {
      res.json(await ctx.crawls.listing.listCrawls(req.owner, options));
    } catch (error) {
      if ((error as { code?: unknown }).code === CrawlStateErrorCode.INVALID_CURSOR) {
        throw new ValidationError('Invalid query parameters.', [{ path: 'cursor', message: CURSOR_MESSAGE }]);
      }
      throw error;
    }
  });
  return router;
}
