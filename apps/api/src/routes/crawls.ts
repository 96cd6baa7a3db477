import { Router, type Request, type Response } from 'express';
import type { CrawlCreated } from '@kumo/contract';
import { ValidationError } from '../errors.js';
import { crawlLinks, loadOwnedCrawl, type RouteContext } from './context.js';

/** Visible ASCII, 1-255 characters: what we accept as an Idempotency-Key. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

function idempotencyKeyOf(req: Request): string | undefined {
  const key = req.get('idempotency-key');
  if (key === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw new ValidationError('The Idempotency-Key header is invalid.', [
      { path: 'Idempotency-Key', message: 'must be 1-255 visible ASCII characters' },
    ]);
  }
  return key;
}

function created(res: Response, status: 200 | 202, body: CrawlCreated): void {
  res.status(status).location(body.links.self).json(body);
}

/**
 * `POST /v1/crawls`, `GET /v1/crawls/:id`, `DELETE /v1/crawls/:id`. Creation itself is `CrawlCreator` of
 * `@kumo/crawl-creation` (schedule runs create crawls through it too); its errors are answered as the API's
 * (`apiErrorOfCreation`).
 */
export function crawlRoutes(ctx: RouteContext): Router {
  const router = Router();

  router.post('/v1/crawls', async (req, res) => {
    const request = ctx.creator.parse(req.body);
    const idempotencyKey = idempotencyKeyOf(req);
    const crawl = await ctx.creator.create({ owner: req.owner, request, idempotencyKey });
    if (crawl.replayed) {
      return created(res, 200, { id: crawl.id, status: crawl.status, links: crawlLinks(crawl.id) });
    }
    ctx.metrics.crawlsStarted.inc();
    ctx.logger.info({ crawlId: crawl.id, seeds: request.urls.length, maxPages: request.maxPages }, 'crawl created');
    created(res, 202, { id: crawl.id, status: 'queued', links: crawlLinks(crawl.id) });
  });

  router.get('/v1/crawls/:id', async (req, res) => {
    const { crawl } = await loadOwnedCrawl(ctx.crawls, req.params.id, req.owner);
    res.json(crawl);
  });

  router.delete('/v1/crawls/:id', async (req, res) => {
    const { crawl } = await loadOwnedCrawl(ctx.crawls, req.params.id, req.owner);
    const status = (await ctx.crawls.lifecycle.requestCancel(crawl.id)) ?? crawl.status;
    // Jobs planned for later (polite hosts) run now and record their pages cancelled: the crawl settles at once.
    const promoted = status === 'queued' || status === 'running' ? await ctx.queues.promoteCrawlJobs(crawl.id) : 0;
    ctx.logger.info({ crawlId: crawl.id, status, promoted }, 'crawl cancel requested');
    res.status(202).json({ id: crawl.id, status });
  });

  return router;
}
