import type { RequestHandler } from 'express';
import { decodeCrawlIdSegment } from '@kumo/crawl-state';
import { ValidationError } from '../errors.js';

const CRAWL_SEGMENT = /^\/crawls\/([^/]+)/;

/**
 * Checks the `:id` segment of `/v1/crawls/:id…` before Express decodes it: a malformed percent-encoding (`%ZZ`)
 * is a 400 `KUMO_API_VALIDATION` with `errors[].path: "id"`, not the URIError (500) the router's decoder throws.
 * Mounted on `/v1`, after authentication.
 */
export function crawlIdSegment(): RequestHandler {
  return (req, _res, next) => {
    const segment = CRAWL_SEGMENT.exec(req.path)?.[1];
    if (segment !== undefined && decodeCrawlIdSegment(segment) === undefined) {
      next(
        new ValidationError('Invalid crawl id.', [
          { path: 'id', message: 'must be a crawl id (malformed percent-encoding)' },
        ]),
      );
      return;
    }
    next();
  };
}
