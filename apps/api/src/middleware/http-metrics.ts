import type { RequestHandler } from 'express';
import type { Histogram } from '@kumo/observability';

/**
 * Observes every request's duration by route pattern (never the raw path: ids would explode the label set), method
 * and status, when the response finishes or the client goes away.
 */
export function httpMetrics(histogram: Histogram<'method' | 'route' | 'status'>): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    let done = false;
    const observe = () => {
      if (done) return;
      done = true;
      const routePath = (req.route as { path?: unknown } | undefined)?.path;
      const route =
        typeof routePath === 'string'
          ? `${req.baseUrl}${routePath}`
          : req.originalUrl.startsWith('/admin/queues')
            ? '/admin/queues'
            : req.originalUrl.startsWith('/docs')
              ? '/docs'
              : 'unmatched';
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      histogram.observe({ method: req.method, route, status: String(res.statusCode) }, seconds);
    };
    res.once('finish', observe);
    res.once('close', observe);
    next();
  };
}
