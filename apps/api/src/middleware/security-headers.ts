import type { RequestHandler } from 'express';
import helmet from 'helmet';
import { ApiOptionError } from '../errors.js';

/** Pages that render HTML with their own scripts and styles (from this origin only). */
const UI_PREFIXES = ['/docs', '/admin/queues'];
/** kumo's own results page (apps/web): `/` and its assets. */
const PAGE_PREFIX = '/app';

/**
 * helmet's headers everywhere; the Content-Security-Policy differs by what is served. JSON answers get
 * `default-src 'none'` (nothing to load). The interactive docs and Bull Board load scripts, styles and images from
 * this origin only (no CDN), with inline styles that both UIs set. `upgrade-insecure-requests` is left out: on a
 * plain-HTTP local API it would send the browser to https for the assets. kumo's own results page (`/`, `/app/…`)
 * is stricter than both: its own script and stylesheet files only, no inline script or style at all, and fetches
 * to this origin only.
 */
export function securityHeaders(): RequestHandler {
  const api = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] },
    },
  });
  const ui = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
  });
  const page = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
  });
  const apiHeaders = headersOf(api);
  const uiHeaders = headersOf(ui);
  const pageHeaders = headersOf(page);
  const under = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}/`);
  return (req, res, next) => {
    const headers =
      req.path === '/' || under(req.path, PAGE_PREFIX)
        ? pageHeaders
        : UI_PREFIXES.some((prefix) => under(req.path, prefix))
          ? uiHeaders
          : apiHeaders;
    for (const [name, value] of headers) res.setHeader(name, value);
    next();
  };
}

/**
 * The headers a helmet middleware sets, captured once: they do not depend on the request, and one loop per
 * response is much cheaper than helmet's dozen chained middlewares on every request.
 */
function headersOf(middleware: RequestHandler): [string, string][] {
  const headers: [string, string][] = [];
  const res = {
    setHeader: (name: string, value: unknown) => headers.push([name, String(value)]),
    removeHeader: () => undefined,
  };
  let synchronous = false;
  middleware(
    {} as Parameters<RequestHandler>[0],
    res as unknown as Parameters<RequestHandler>[1],
    (error?: unknown) => {
      if (error) throw new ApiOptionError(`helmet failed: ${String(error)}`, { cause: error });
      synchronous = true;
    },
  );
  if (!synchronous || headers.length === 0) throw new ApiOptionError('helmet did not set its headers synchronously');
  return headers;
}
