import { Router } from 'express';
import type { MetricsText } from '../metrics/cluster-metrics-bridge.js';
import { tokenAuth } from '../middleware/auth.js';

/** `GET /metrics`: Prometheus text; behind `METRICS_TOKEN` when it is set. */
export function metricsRoutes(options: { token: string | undefined; source: () => Promise<MetricsText> }): Router {
  const router = Router();
  router.get('/metrics', tokenAuth(options.token, 'metrics'), async (_req, res) => {
    const { contentType, text } = await options.source();
    res.setHeader('Content-Type', contentType);
    res.setHeader('Cache-Control', 'no-store');
    res.send(text);
  });
  return router;
}
