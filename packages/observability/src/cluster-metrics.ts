import { AggregatorRegistry } from 'prom-client';

/** Prometheus text and its content type, as `@kumo/supervisor`'s metrics endpoint serves it. */
export interface ClusterMetricsText {
  contentType: string;
  body: string;
}

/**
 * In a node:cluster primary: the metrics of every worker process combined (prom-client's AggregatorRegistry asks
 * each worker over IPC; workers only need their registry set with `AggregatorRegistry.setRegistries`). Pass it to
 * the supervisor as `onMetricsRequest`.
 */
export function clusterMetrics(): () => Promise<ClusterMetricsText> {
  const aggregator = new AggregatorRegistry();
  return async () => ({ contentType: aggregator.contentType, body: await aggregator.clusterMetrics() });
}
