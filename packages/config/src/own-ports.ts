import type { Config } from './schema.js';

/** Redis's well-known port: always among kumo's own, whatever REDIS_URL says (a local Redis often listens there). */
const REDIS_DEFAULT_PORT = 6379;

export type OwnPortsConfig = Pick<
  Config,
  'REDIS_URL' | 'REDIS_CLUSTER_NODES' | 'API_PORT' | 'CRAWL_WORKER_METRICS_PORT' | 'ANALYSIS_WORKER_METRICS_PORT'
>;

function redisUrlPort(url: string | undefined): number | undefined {
  if (url === undefined) return undefined;
  try {
    const port = new URL(url).port;
    return port === '' ? REDIS_DEFAULT_PORT : Number(port);
  } catch {
    return undefined;
  }
}

/**
 * The TCP ports kumo itself depends on: its Redis (`REDIS_URL`, every `REDIS_CLUSTER_NODES` node, and 6379), the
 * API (`API_PORT`) and the worker supervisors' metrics (0 is off). An allow-list entry without a port never opens
 * them (the crawl-worker passes them to the crawler as `reservedPorts`); sorted, without repeats.
 */
export function ownPorts(config: OwnPortsConfig): number[] {
  const ports = new Set<number>([REDIS_DEFAULT_PORT, config.API_PORT]);
  const urlPort = redisUrlPort(config.REDIS_URL);
  if (urlPort !== undefined) ports.add(urlPort);
  for (const node of config.REDIS_CLUSTER_NODES ?? []) {
    const match = /:(\d{1,5})$/.exec(node.trim());
    if (match) ports.add(Number(match[1]));
  }
  ports.add(config.CRAWL_WORKER_METRICS_PORT);
  ports.add(config.ANALYSIS_WORKER_METRICS_PORT);
  return [...ports].filter((port) => port >= 1 && port <= 65535).sort((a, b) => a - b);
}
