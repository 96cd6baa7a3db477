import { createHash } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { crawlRequestSchema, type CrawlCreated, type CrawlRequest } from '@kumo/contract';
import { CrawlStateErrorCode, newCrawlId } from '@kumo/crawl-state';
import { IdempotencyConflictError, InvalidSeedError, ValidationError } from '../errors.js';
import { fieldErrors } from '../validation.js';
import { AdmissionControl } from './admission.js';
import { crawlLimitErrors, type CrawlLimitSettings } from './crawl-limits.js';
import { crawlLinks, loadOwnedCrawl, type RouteContext } from './context.js';
import { webhookTargetErrors, webhookTargetPolicy } from './webhook-target.js';
import type { AddressPolicy } from '@kumo/crawler/address-policy';

/**
 * The canonical form of a seed URL, identical to `normalizeUrl` of @kumo/crawler (scheme and host lower-cased by
 * the WHATWG parser, default port and fragment dropped, a bare `?` dropped). Reimplemented in these few lines
 * because importing @kumo/crawler's entry point would load its whole fetch stack (undici, cheerio) into the API.
 * `crawls.test.ts` keeps the two in step on a table of cases.
 * @throws InvalidSeedError (`KUMO_API_INVALID_SEED`) when the URL is not an absolute http(s) URL (the request schema has already refused those).
 */
export function normalizeSeed(raw: string): string {
  const url = new URL(raw);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidSeedError(`not an http(s) URL: ${raw}`);
  url.hash = '';
  // `search` reads '' both for no query and for a bare `?`; assigning '' removes the bare `?`.
  if (url.search === '') url.search = '';
  return url.href;
}

/** Normalised seeds without duplicates, in first-seen order (`http://A/` and `http://a/#x` are one seed). */
export function normalizeSeeds(urls: readonly string[]): string[] {
  return [...new Set(urls.map(normalizeSeed))];
}

/** Visible ASCII, 1-255 characters: what we accept as an Idempotency-Key. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** A stable hash of the request with defaults applied, so `{urls}` and `{urls, maxDepth: 1}` count as the same body. */
export function requestHash(request: CrawlRequest): string {
  const canonical = JSON.stringify({
    urls: request.urls,
    maxDepth: request.maxDepth,
    maxPages: request.maxPages,
    scope: request.scope,
    analyze: request.analyze,
    // Only when given, so the hash of a request without them is what it was before they existed.
    ...(request.include === undefined ? {} : { include: request.include }),
    ...(request.exclude === undefined ? {} : { exclude: request.exclude }),
    ...(request.politeness === undefined ? {} : { politeness: request.politeness }),
    ...(request.headers === undefined ? {} : { headers: request.headers }),
    ...(request.webhook === undefined ? {} : { webhook: request.webhook }),
  });
  return createHash('sha256').update(canonical).digest('hex');
}

function parseBody(body: unknown, limits: CrawlLimitSettings, webhookPolicy: AddressPolicy): CrawlRequest {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ValidationError('The body must be a JSON object.', [{ path: '', message: 'expected a JSON object' }]);
  }
  const parsed = crawlRequestSchema.safeParse(body);
  if (!parsed.success) throw new ValidationError('The crawl request is invalid.', fieldErrors(parsed.error));
  const errors = [...crawlLimitErrors(parsed.data, limits), ...webhookTargetErrors(parsed.data, webhookPolicy)];
  if (errors.length > 0) throw new ValidationError('The crawl request exceeds what this deployment allows.', errors);
  return parsed.data;
}

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

/** `POST /v1/crawls`, `GET /v1/crawls/:id`, `DELETE /v1/crawls/:id`. */
export function crawlRoutes(ctx: RouteContext): Router {
  const router = Router();
  const webhookPolicy = webhookTargetPolicy(ctx.settings);

  const admission = new AdmissionControl({
    queues: ctx.queues,
    maxRunning: ctx.settings.API_MAX_RUNNING_CRAWLS,
    maxBacklog: ctx.settings.API_MAX_QUEUE_BACKLOG,
  });

  /** Starts the crawl (`CrawlLifecycle.startCrawl`: a crawl whose flow could not be added ends `failed` at once). */
  async function start(id: string, owner: string, request: CrawlRequest): Promise<void> {
    const seeds = normalizeSeeds(request.urls);
    await ctx.crawls.lifecycle.startCrawl({ id, owner, request, seeds, createdAt: new Date() }, ctx.queues, {
      onCompensationError: (error) => ctx.logger.warn({ err: error, crawlId: id }, 'could not mark crawl failed'),
    });
    ctx.metrics.crawlsStarted.inc();
    ctx.logger.info({ crawlId: id, seeds: request.urls.length, maxPages: request.maxPages }, 'crawl created');
  }

  router.post('/v1/crawls', async (req, res) => {
    const request = parseBody(req.body, ctx.settings, webhookPolicy);
    const idempotencyKey = idempotencyKeyOf(req);
    const bodyHash = requestHash(request);
    let id = newCrawlId();

    if (idempotencyKey !== undefined) {
      const remembered = await ctx.idempotency.rememberIdempotency(req.owner, idempotencyKey, bodyHash, id);
      if (!remembered.created) {
        if (remembered.bodyHash !== bodyHash) throw new IdempotencyConflictError();
        const existing = await ctx.crawls.records.getCrawl(remembered.crawlId);
        if (existing && existing.owner === req.owner) {
          const { crawl } = existing;
          return created(res, 200, { id: crawl.id, status: crawl.status, links: crawlLinks(crawl.id) });
        }
        // The first request stored the key but failed before creating the crawl: this retry finishes its work.
        id = remembered.crawlId;
      }
    }

    await admission.admit(request.urls.length);
    try {
      await start(id, req.owner, request);
    } catch (error) {
      // A concurrent retry with the same Idempotency-Key created it first: answer like a replay.
      if ((error as { code?: unknown }).code === CrawlStateErrorCode.CRAWL_EXISTS && idempotencyKey !== undefined) {
        const existing = await ctx.crawls.records.getCrawl(id);
        if (existing && existing.owner === req.owner) {
          return created(res, 200, { id, status: existing.crawl.status, links: crawlLinks(id) });
        }
      }
      throw error;
    }
    created(res, 202, { id, status: 'queued', links: crawlLinks(id) });
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
