import { crawlRequestSchema } from '@kumo/contract';
import { describe, expect, it } from 'vitest';
import { crawlLimitErrors } from './crawl-limits.js';

const settings = { CRAWL_HOST_DELAY_MS: 100, CRAWL_HOST_CONCURRENCY: 4, CRAWL_ALLOWED_HEADERS: ['accept-language'] };

function errorsOf(body: Record<string, unknown>, overrides: Partial<typeof settings> = {}) {
  const request = crawlRequestSchema.parse({ urls: ['https://example.com/'], ...body });
  return crawlLimitErrors(request, { ...settings, ...overrides });
}

describe('crawlLimitErrors', () => {
  it('accepts a request without the fields, and values as strict as the deployment or stricter', () => {
    expect(errorsOf({})).toEqual([]);
    expect(errorsOf({ politeness: { delayMs: 100, concurrency: 4 } })).toEqual([]);
    expect(errorsOf({ politeness: { delayMs: 5000, concurrency: 1 } })).toEqual([]);
    expect(errorsOf({ headers: { 'Accept-Language': 'ja' } })).toEqual([]);
  });

  it('refuses a looser politeness, naming the path and the deployment limit', () => {
    expect(errorsOf({ politeness: { delayMs: 99, concurrency: 5 } })).toEqual([
      { path: 'politeness.delayMs', message: expect.stringContaining('100 ms') },
      { path: 'politeness.concurrency', message: expect.stringContaining('4') },
    ]);
  });

  it('refuses headers outside the allow-list, naming each', () => {
    expect(errorsOf({ headers: { 'accept-language': 'ja', 'X-Api-Key': 'k', Referer: 'x' } })).toEqual([
      { path: 'headers.X-Api-Key', message: expect.stringContaining('X-Api-Key') },
      { path: 'headers.Referer', message: expect.stringContaining('Referer') },
    ]);
    expect(errorsOf({ headers: { 'accept-language': 'ja' } }, { CRAWL_ALLOWED_HEADERS: [] })).toEqual([
      { path: 'headers.accept-language', message: expect.stringContaining('allowed: none') },
    ]);
  });
});
