import { Router } from 'express';
import { CrawlStateErrorCode } from '@kumo/crawl-state';
import { ReportNotReadyError, ValidationError, type FieldError } from '../errors.js';
import { loadOwnedCrawl, type RouteContext } from './context.js';
import { parseInclude, storedContentsOf, type IncludeValue } from './include-param.js';

/** Items per page: 1-500, default 100 (CONTRACT.md). */
export const PAGES_LIMIT = { min: 1, max: 500, default: 100 } as const;
/**
 * Most items per page with `include=text`, whatever `limit` says: a page's text may be up to 500,000 characters,
 * and a response is built whole. `nextCursor` continues as usual.
 */
export const PAGES_TEXT_LIMIT = 50;

function parseQuery(query: Record<string, unknown>): { cursor?: string; limit: number; include: Set<IncludeValue> } {
  const errors: FieldError[] = [];
  const include = parseInclude(query.include, errors);
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
  return { ...(cursor === undefined ? {} : { cursor }), limit, include };
}

/**
 * A crawl's stored results: `GET /v1/crawls/:id/pages?cursor=&limit=&include=` (page results in production order,
 * with an opaque cursor, and the stored text and links when asked) and `GET /v1/crawls/:id/report` (the report once
 * the crawl has ended, `partial` when it was cancelled; 409 naming the status while queued or running). The live
 * view of the same results is `events.ts`, the file download `export.ts`.
 */
export function resultsRoutes(ctx: RouteContext): Router {
  const router = Router();
  router.get('/v1/crawls/:id/pages', async (req, res) => {
    const { include, ...query } = parseQuery(req.query as Record<string, unknown>);
    const { crawl } = await loadOwnedCrawl(ctx.crawls, req.params.id, req.owner);
    // `analysis` is always attached here; `include=analysis` is accepted for symmetry with the export.
    const contents = storedContentsOf(crawl, include);
    const limit = contents.includes('text') ? Math.min(query.limit, PAGES_TEXT_LIMIT) : query.limit;
    try {
      const result = await ctx.crawls.pages.readPages(crawl.id, { ...query, limit });
      await ctx.crawls.contents.attachContents(crawl.id, result.items, contents);
      res.json(result);
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
    if (crawl.status === 'queued' || crawl.status === 'running') throw new ReportNotReadyError(crawl.id, crawl.status);
    const report = await ctx.crawls.reports.getReport(crawl.id);
    if (!report) throw new ReportNotReadyError(crawl.id, crawl.status);
    // The aggregate job marks a cancelled crawl's report itself; reports stored before it did are marked here.
    res.json(crawl.status === 'cancelled' ? { ...report, partial: true } : report);
  });
  return router;
}
