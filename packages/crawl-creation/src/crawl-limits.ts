import type { CrawlRequest } from '@kumo/contract';
import type { Config } from '@kumo/config';
import type { FieldError } from './errors.js';

/** The deployment's settings a crawl request is checked against (beyond its own schema). */
export type CrawlLimitSettings = Pick<
  Config,
  'CRAWL_HOST_DELAY_MS' | 'CRAWL_HOST_CONCURRENCY' | 'CRAWL_ALLOWED_HEADERS'
>;

/**
 * What the request schema cannot know: `politeness` may only be stricter than the deployment's per-host limits,
 * and `headers` only names the operator allows (`CRAWL_ALLOWED_HEADERS`, compared case-insensitively; the config
 * already refuses connection, identity and credential headers). One error per offending field, naming the limit.
 */
export function crawlLimitErrors(request: CrawlRequest, settings: CrawlLimitSettings): FieldError[] {
  const errors: FieldError[] = [];
  const { politeness, headers } = request;
  if (politeness?.delayMs !== undefined && politeness.delayMs < settings.CRAWL_HOST_DELAY_MS) {
    errors.push({
      path: 'politeness.delayMs',
      message: `must be at least this deployment's per-host delay, ${settings.CRAWL_HOST_DELAY_MS} ms`,
    });
  }
  if (politeness?.concurrency !== undefined && politeness.concurrency > settings.CRAWL_HOST_CONCURRENCY) {
    errors.push({
      path: 'politeness.concurrency',
      message: `must be at most this deployment's per-host concurrency, ${settings.CRAWL_HOST_CONCURRENCY}`,
    });
  }
  const allowed = new Set(settings.CRAWL_ALLOWED_HEADERS.map((name) => name.toLowerCase()));
  for (const name of Object.keys(headers ?? {})) {
    if (!allowed.has(name.toLowerCase())) {
      const list = allowed.size === 0 ? 'none' : [...allowed].join(', ');
      errors.push({ path: `headers.${name}`, message: `header ${name} is not allowed here (allowed: ${list})` });
    }
  }
  return errors;
}
