import type { Config } from './schema.js';

/** The product token and version every kumo User-Agent starts with: what robots.txt groups name (`kumo`). */
export const KUMO_PRODUCT = 'kumo/0.1';

export type UserAgentConfig = Pick<Config, 'CRAWL_USER_AGENT' | 'CRAWL_CONTACT'>;

/**
 * The User-Agent of this deployment's crawler: `CRAWL_USER_AGENT` when the operator wrote one; otherwise
 * `kumo/0.1 (+<CRAWL_CONTACT>)`, or plain `kumo/0.1` when no contact is configured (no link to a page that may not
 * exist: the operator's own page or address is the only contact that means something to a webmaster).
 */
export function crawlUserAgent(config: UserAgentConfig): string {
  if (config.CRAWL_USER_AGENT !== undefined) return config.CRAWL_USER_AGENT;
  return config.CRAWL_CONTACT === undefined ? KUMO_PRODUCT : `${KUMO_PRODUCT} (+${config.CRAWL_CONTACT})`;
}
