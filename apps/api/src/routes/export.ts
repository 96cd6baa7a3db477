import { Router } from 'express';
import { ValidationError, type FieldError } from '../errors.js';
import { ChunkWriter } from '../export/chunk-writer.js';
import { EXPORT_FORMATS, exportEncoder, type ExportFormat } from '../export/export-format.js';
import { exportPages } from '../export/export-pages.js';
import { loadOwnedCrawl, type RouteContext } from './context.js';
import { parseInclude, storedContentsOf, type IncludeValue } from './include-param.js';

/**
 * What an export holds at once, each bounded in bytes whatever the crawl's size or its pages' texts: one cursor
 * read of results and analyses (`pagesPerRead`, a few KB a page), one run of stored contents (`contentBytes`, or
 * a single page's when larger: at most `CRAWL_MAX_TEXT_CHARS` characters of text and 1,000 links), and one chunk
 * of encoded text (`chunkChars`) beside the response's own buffer, which the export waits on to drain.
 */
export const EXPORT_LIMITS = { pagesPerRead: 50, contentBytes: 256 * 1024, chunkChars: 16 * 1024 } as const;

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

/**
 * `GET /v1/crawls/:id/export?format=ndjson|csv&include=analysis,text,links`: every page result of the crawl as a
 * file download, in production order. Streamed a page at a time: pages are read through the pages cursor and
 * written in chunks, and the next is read only once the client has taken what was written (`write` → `drain`), so
 * the memory an export holds is bounded in bytes (`EXPORT_LIMITS`) whatever the crawl's size, and a slow client
 * slows the reads down; a client that disconnects stops the reads. A crawl still running exports the pages recorded
 * when the walk reaches them (`Kumo-Crawl-Status` tells the status at the start). An error before the first byte is
 * a problem response; after it, the connection is cut (never a file that looks complete but is not).
 */
export function exportRoutes(ctx: RouteContext): Router {
  const router = Router();
  router.get('/v1/crawls/:id/export', async (req, res) => {
    const { format, include } = parseQuery(req.query as Record<string, unknown>);
    const { crawl } = await loadOwnedCrawl(ctx.crawls, req.params.id, req.owner);
    const contents = storedContentsOf(crawl, include);
    const encoder = exportEncoder(format, { analysis: include.has('analysis'), contents });
    const pages = exportPages(ctx.crawls, crawl.id, {
      pagesPerRead: EXPORT_LIMITS.pagesPerRead,
      contentBytes: EXPORT_LIMITS.contentBytes,
      analyses: encoder.needsAnalysis,
      contents,
    });

    res.status(200);
    res.setHeader('Content-Type', encoder.contentType);
    res.setHeader('Content-Disposition', `attachment; filename="kumo-${crawl.id}.${encoder.extension}"`);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Kumo-Crawl-Status', crawl.status);
    const out = new ChunkWriter(res, EXPORT_LIMITS.chunkChars);
    try {
      let open = await out.write(encoder.start());
      for await (const page of pages) {
        open = await out.write(encoder.encode(page));
        if (!open) break;
      }
      if (open && (await out.flush())) res.end();
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
