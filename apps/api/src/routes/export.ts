import type { Response } from 'express';
import { Router } from 'express';
import { ValidationError, type FieldError } from '../errors.js';
import { EXPORT_FORMATS, exportEncoder, type ExportFormat } from '../export/export-format.js';
import { pageBatches } from '../export/page-batches.js';
import { loadOwnedCrawl, type RouteContext } from './context.js';
import { parseInclude, storedContentsOf, type IncludeValue } from './include-param.js';

/**
 * Pages per cursor read, and per batch written with their stored contents. A batch is the most the export holds at
 * once (the next is read once the client took the previous one): 100 pages of results and analyses are a few hundred
 * KB; with `text` (up to `CRAWL_MAX_TEXT_CHARS`, 500,000 characters by default, a page) 10 are written at a time.
 */
export const EXPORT_BATCH = { pages: 100, withText: 10 } as const;

function parseQuery(query: Record<string, unknown>): { format: ExportFormat; include: Set<IncludeValue> } {
  const errors: FieldError[] = [];
  const include = parseInclude(query.include, errors);
  let format: ExportFormat = 'ndjson';
  if (query.format !== undefined) {
    if (typeof query.format === 'string' && (EXPORT_FORMATS as readonly string[]).includes(query.format)) {
      format = query.format as ExportFormat;
    } else errors.push({ path: 'format', message: `must be one of ${EXPORT_FORMATS.join(', ')}` });
  }
  if (errors.length > 0) throw new ValidationError('Invalid query parameters.', errors);
  return { format, include };
}

/** Resolves true once `res` can take more, false when the client went away first. */
function drained(res: Response): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const settle = (writable: boolean) => () => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(writable);
    };
    const onDrain = settle(true);
    const onClose = settle(false);
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}

/**
 * `GET /v1/crawls/:id/export?format=ndjson|csv&include=analysis,text,links`: every page result of the crawl as a
 * file download, in production order. Streamed: pages are read in batches through the pages cursor and the next
 * batch is read only once the client has taken the previous one (`write` → `drain`), so memory stays flat whatever
 * the crawl's size and a slow client slows the reads down; a client that disconnects stops the reads. A crawl still
 * running exports the pages recorded when the walk reaches them (`Kumo-Crawl-Status` tells the status at the start).
 * An error before the first byte is a problem response; after it, the connection is cut (never a file that looks
 * complete but is not).
 */
export function exportRoutes(ctx: RouteContext): Router {
  const router = Router();
  router.get('/v1/crawls/:id/export', async (req, res) => {
    const { format, include } = parseQuery(req.query as Record<string, unknown>);
    const { crawl } = await loadOwnedCrawl(ctx.crawls, req.params.id, req.owner);
    const contents = storedContentsOf(crawl, include);
    const encoder = exportEncoder(format, { analysis: include.has('analysis'), contents });
    const batches = pageBatches(ctx.crawls, crawl.id, {
      batch: EXPORT_BATCH.pages,
      contentBatch: contents.includes('text') ? EXPORT_BATCH.withText : EXPORT_BATCH.pages,
      analyses: encoder.needsAnalysis,
      contents,
    });

    res.status(200);
    res.setHeader('Content-Type', encoder.contentType);
    res.setHeader('Content-Disposition', `attachment; filename="kumo-${crawl.id}.${encoder.extension}"`);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Kumo-Crawl-Status', crawl.status);
    let wrote = false;
    try {
      for await (const pages of batches) {
        if (res.destroyed) break;
        wrote = true;
        if (!res.write(encoder.encode(pages)) && !(await drained(res))) break;
      }
      if (!res.destroyed) res.end(wrote ? undefined : encoder.empty());
    } catch (error) {
      if (!res.headersSent) {
        // Nothing sent yet: the error handler answers a problem (e.g. 503 while Redis is away).
        res.removeHeader('Content-Disposition');
        res.removeHeader('Kumo-Crawl-Status');
        throw error;
      }
      ctx.logger.warn({ err: error, crawlId: crawl.id, reqId: req.id }, 'export cut short');
      res.destroy(error as Error);
    }
  });
  return router;
}
