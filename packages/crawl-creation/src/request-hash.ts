import { createHash } from 'node:crypto';
import type { CrawlRequest } from '@kumo/contract';

/** A stable hash of the request with defaults applied, so `{urls}` and `{urls, maxDepth: 1}` count as the same body. */
export function requestHash(request: CrawlRequest): string {
  const canonical = JSON.stringify({
    urls: request.urls,
    maxDepth: request.maxDepth,
    maxPages: request.maxPages,
    scope: request.scope,
    analyze: request.analyze,
    // Only when given, so the hash of a request without them is what it was before they existed.
    ...(request.sources === undefined ? {} : { sources: request.sources }),
    ...(request.include === undefined ? {} : { include: request.include }),
    ...(request.exclude === undefined ? {} : { exclude: request.exclude }),
    ...(request.politeness === undefined ? {} : { politeness: request.politeness }),
    ...(request.headers === undefined ? {} : { headers: request.headers }),
    ...(request.webhook === undefined ? {} : { webhook: request.webhook }),
    ...(request.store === undefined ? {} : { store: request.store }),
    ...(request.glossary === undefined ? {} : { glossary: request.glossary }),
  });
  return createHash('sha256').update(canonical).digest('hex');
}
