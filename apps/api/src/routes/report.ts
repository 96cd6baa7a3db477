import { Router } from 'express';
import { ReportNotReadyError } from '../errors.js';
import { loadOwnedCrawl, type RouteContext } from './context.js';

/** `GET /v1/crawls/:id/report`: the report once the crawl is `completed`, 409 naming the status before. */
export function reportRoutes(ctx: RouteContext): Router {
  const router = Router();
  router.get('/v1/crawls/:id/report', async (req, res) => {
    const { crawl } = await loadOwnedCrawl(ctx.crawls, req.params.id, req.owner);
    if (crawl.status !== 'completed') throw new ReportNotReadyError(crawl.id, crawl.status);
    const report = await ctx.crawls.reports.getReport(crawl.id);
    if (!report) throw new ReportNotReadyError(crawl.id, crawl.status);
    res.json(report);
  });
  return router;
}
