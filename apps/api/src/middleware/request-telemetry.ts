import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { activeTracing, beginWork, type Histogram } from '@kumo/observability';

// What the API records about every request, first thing: an id that ties its log lines and problems to the
// caller's report, and its duration for the metrics.

const ACCEPTED = /^[A-Za-z0-9._:-]{1,128}$/;

declare module 'express-serve-static-core' {
  interface Request {
    /** This request's id: the caller's `X-Request-Id` when it looks sane, else a new UUID. */
    id: string;
  }
}

/**
 * Gives every request an id, echoed in `X-Request-Id` and put on log lines and 500 problems, so a user's report
 * can be matched with our logs. A proxy's id is kept when it is short and plain; anything else is replaced.
 */
export function requestId(): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get('x-request-id');
    req.id = incoming && ACCEPTED.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', req.id);
    next();
  };
}

/**
 * Observes every request's duration by route pattern (never the raw path: ids would explode the label set), method
 * and status, when the response finishes or the client goes away. A request in flight is work: the process samples
 * its event-loop delay meanwhile (`beginWork`).
 */
export function httpMetrics(histogram: Histogram<'method' | 'route' | 'status'>): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const endWork = beginWork();
    let done = false;
    const observe = () => {
      if (done) return;
      done = true;
      endWork();
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      histogram.observe({ method: req.method, route: routeOf(req), status: String(res.statusCode) }, seconds);
    };
    res.once('finish', observe);
    res.once('close', observe);
    next();
  };
}

/**
 * With tracing on (`OTEL_EXPORTER_OTLP_ENDPOINT`), makes each request a SERVER span named by method and route
 * pattern (`POST /v1/crawls`); what the handler adds to the queues joins its trace, so a crawl's jobs form one trace
 * with the request that started it. Mount it after the body parser: a stream's callbacks would lose the span's
 * context. Off, it passes requests through.
 */
export function requestSpan(): RequestHandler {
  const tracing = activeTracing();
  if (!tracing) return (_req, _res, next) => next();
  return (req, res, next) => {
    tracing.serverSpan(req.method, req.headers, (span) => {
      span.setAttributes({ 'http.request.method': req.method, 'kumo.request_id': req.id });
      let done = false;
      const end = () => {
        if (done) return;
        done = true;
        const route = routeOf(req);
        span.updateName(`${req.method} ${route}`);
        span.setAttributes({ 'http.route': route, 'http.response.status_code': res.statusCode });
        if (res.statusCode >= 500) span.fail(`HTTP ${res.statusCode}`);
        span.end();
      };
      res.once('finish', end);
      res.once('close', end);
      next();
    });
  };
}

/** The route pattern a request matched (never the raw path: ids would explode label sets and span names). */
function routeOf(req: Request): string {
  const routePath = (req.route as { path?: unknown } | undefined)?.path;
  return typeof routePath === 'string'
    ? `${req.baseUrl}${routePath}`
    : req.originalUrl.startsWith('/admin/queues')
      ? '/admin/queues'
      : req.originalUrl.startsWith('/docs')
        ? '/docs'
        : 'unmatched';
}
