import { Router } from 'express';
import { CrawlStateErrorCode } from '@kumo/crawl-state';
import { ReportNotReadyError, ValidationError, type FieldError } from '../errors.js';
import { loadOwnedCrawl, type RouteContext } from './context.js';

/** Items per page: 1-500, default 100 (CONTRACT.md). */
export const PAGES_LIMIT = { min: 1, max: 500, default: 100 } as const;

function parseQuery(query: Record<string, unknown>): { cursor?: string; limit: number } {
  const errors: FieldError[] = [];
  let limit: number = PAGES_LIMIT.default;
  let cursor: string | undefined;
  const rawLimit = query.limit;
  if (rawLimit !== undefined) {
    const value = typeof rawLimit === 'string' && /^\d{1,6}$/.test(rawLimit) ? Number(rawLimit) : Number.NaN;
    if (!(value >= PAGES_LIMIT.min && value <= PAGES_LIMIT.max)) {
      errors.push({ path: 'limit', message: `must be an integer from ${PAGES_LIMIT.min} to ${PAGES_LIMIT.max}` });
    } else limit = value;
  }
  const rawCursor = query.cursor;
  if (rawCursor !== undefined) {
    if (typeof rawCursor !== 'string' || rawCursor.length === 0 || rawCursor.length > 256) {
      errors.push({ path: 'cursor', message: 'must be a nextCursor returned by this endpoint' });
    } else cursor = rawCursor;
  }
  if (errors.length > 0) throw new ValidationError('Invalid query parameters.', errors);
  return { ...(cursor === undefined ? {} : { cursor }), limit };
}

/**
 * A crawl's stored results: `GET /v1/crawls/:id/pages?cursor=&limit=` (page results in production order, with an
 * opaque cursor) and `GET /v1/crawls/:id/report` (the report once the crawl is `completed`, 409 naming the status
 * before). The live view of the same results is `events.ts`.
 */
export function resultsRoutes(ctx: RouteContext): Router {
  const router = Router();
  router.get('/v1/crawls/:id/pages', async (req, res) => {
    const query = parseQuery(req.query as Record<string, unknown>);
    const { crawl } = await loadOwnedCrawl(ctx.crawls, req.params.id, req.owner);
    try {
      res.json(await ctx.crawls.pages.readPages(crawl.id, query));
    } catch (error) {
      if ((error as { code?: unknown }).code === CrawlStateErrorCode.INVALID_CURSOR) {
        throw new ValidationError('Invalid query parameters.', [
          { path: 'cursor', message: 'must be a nextCursor returned by this endpoint' },
        ]);
      }
      throw error;
    }
  });
  router.get('/v1/crawls/:id/report', async (req, res) => {
    const { crawl } = await loadOwnedCrawl(ctx.crawls, req.params.id, req.owner);
    if (crawl.status !== 'completed') throw new ReportNotReadyError(crawl.id, crawl.status);
    const report = await ctx.crawls.reports.getReport(crawl.id);
    if (!report) throw new ReportNotReadyError(crawl.id, crawl.status);
    res.json(report);
  });
  return router;
}
