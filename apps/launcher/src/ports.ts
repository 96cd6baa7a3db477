import net from 'node:net';
import type { Config } from '@kumo/config';
import { freePort } from '@kumo/local-redis';
import { PortInUseError } from './errors.js';

/** The listening ports of the apps `npm start` runs. The worker supervisors serve their metrics on 127.0.0.1. */
export const PORT_SETTINGS = ['API_PORT', 'CRAWL_WORKER_METRICS_PORT', 'ANALYSIS_WORKER_METRICS_PORT'] as const;
export type PortSetting = (typeof PORT_SETTINGS)[number];

/** Resolves when `host:port` can be listened on right now (and is free again), false when it is taken. */
export function portIsFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * The port of each app for this start. A setting the operator left unset keeps its default while that port is free
 * and otherwise gets a free one, so two kumos run side by side on one machine; a setting the operator chose is
 * kept, and one already in use stops the start with a line naming the variable (rather than an app dying of
 * EADDRINUSE). A metrics port of 0 stays off; an API port of 0 becomes a free port, so the banner can show it.
 */
export async function choosePorts(
  config: Pick<Config, PortSetting | 'API_HOST'>,
  env: Record<string, string | undefined>,
): Promise<Record<PortSetting, number>> {
  const chosen = {} as Record<PortSetting, number>;
  for (const setting of PORT_SETTINGS) {
    const host = setting === 'API_PORT' ? config.API_HOST : '127.0.0.1';
    const port = config[setting];
    const operatorSet = env[setting] !== undefined && env[setting] !== '';
    if (port === 0) {
      chosen[setting] = setting === 'API_PORT' ? await freePort(host) : 0;
    } else if (await portIsFree(host, port)) {
      chosen[setting] = port;
    } else if (operatorSet) {
      throw new PortInUseError(setting, host, port);
    } else {
      chosen[setting] = await freePort(host);
    }
  }
  return chosen;
}
