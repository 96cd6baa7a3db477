import type { Config } from '@kumo/config';
import type { LocalCredentials } from './credentials.js';
import type { PortSetting } from './ports.js';

/** The hosts the demo needs to fetch: the sample site listens on 127.0.0.1. */
export const LOCAL_CRAWL_HOSTS = ['127.0.0.1'] as const;

export interface ChildEnvInput {
  /** The launcher's own environment, passed on (PATH, HOME, every kumo variable the operator set). */
  env: Record<string, string | undefined>;
  config: Config;
  credentials: LocalCredentials;
  /** The Redis the launcher provisioned; undefined on a cluster (REDIS_CLUSTER_NODES is passed on as it is). */
  redisUrl: string | undefined;
  /** Allow crawling the sample site on 127.0.0.1. */
  allowLocalCrawl: boolean;
  /** The apps' ports for this start (`choosePorts`). */
  ports: Record<PortSetting, number>;
}

/**
 * The environment of every app the launcher spawns: the launcher's own, plus the Redis it found, the credentials it
 * generated, the ports it chose, 127.0.0.1 in CRAWL_ALLOW_HOSTS for the demo, and JSON logs (the launcher reads them to see `ready` and
 * renders them itself). Each app validates it again with loadConfig.
 */
export function buildChildEnv(input: ChildEnvInput): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.env)) if (value !== undefined) env[name] = value;
  const allowHosts = new Set(input.config.CRAWL_ALLOW_HOSTS);
  if (input.allowLocalCrawl) for (const host of LOCAL_CRAWL_HOSTS) allowHosts.add(host);
  Object.assign(env, {
    API_KEYS: input.credentials.apiKeys.join(','),
    BOARD_USER: input.credentials.boardUser,
    BOARD_PASSWORD: input.credentials.boardPassword,
    CRAWL_ALLOW_HOSTS: [...allowHosts].join(','),
    LOG_FORMAT: 'json',
  });
  for (const [setting, port] of Object.entries(input.ports)) env[setting] = String(port);
  if (input.redisUrl !== undefined) env.REDIS_URL = input.redisUrl;
  return env;
}
