import { Agent } from 'undici';
import { describe, expect, it } from 'vitest';
import { createCrawler } from './crawler.js';
import { CrawlerOptionsError } from './errors.js';
import { CRAWLER_DEFAULTS, resolveCrawlerOptions, type CrawlerOptions } from './options.js';

describe('createCrawler options', () => {
  it('applies the documented defaults', () => {
    expect(resolveCrawlerOptions({})).toMatchObject({
      connectTimeoutMs: 10_000,
      headersTimeoutMs: 15_000,
      bodyTimeoutMs: 30_000,
      maxBodyBytes: 5 * 1024 * 1024,
      maxRedirects: 5,
      maxTextChars: 500_000,
      allowHosts: [],
      connectionsPerOrigin: 8,
    });
    expect(resolveCrawlerOptions({ maxRedirects: undefined }).maxRedirects).toBe(CRAWLER_DEFAULTS.maxRedirects);
  });

  it.each([
    [{ connectTimeoutMs: 0 }, /connectTimeoutMs must be an integer of at least 1 \(got 0\)/],
    [{ headersTimeoutMs: -1 }, /headersTimeoutMs/],
    [{ bodyTimeoutMs: 1.5 }, /bodyTimeoutMs/],
    [{ maxBodyBytes: Number.NaN }, /maxBodyBytes/],
    [{ maxRedirects: -1 }, /maxRedirects must be a non-negative integer/],
    [{ connectionsPerOrigin: 0 }, /connectionsPerOrigin/],
    [{ maxTextChars: 0 }, /maxTextChars must be an integer of at least 1/],
    [{ userAgent: '' }, /userAgent must be a non-empty single-line string/],
    [{ userAgent: 'a\r\nX-Injected: 1' }, /userAgent/],
    [{ allowHosts: ['10.0.0.0/99'] }, /allowHosts entry "10.0.0.0\/99"/],
    [{ allowHosts: 'localhost' as unknown as string[] }, /allowHosts must be an array/],
    [{ lookup: 'dns' as unknown as CrawlerOptions['lookup'] }, /lookup must be a function/],
  ] as [CrawlerOptions, RegExp][])('rejects %o naming the option', (options, message) => {
    let caught: unknown;
    try {
      createCrawler(options);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CrawlerOptionsError);
    expect(caught).toMatchObject({ code: 'KUMO_CRAWLER_INVALID_OPTIONS', kind: 'critical' });
    expect((caught as Error).message).toMatch(message);
  });

  it('closes its own agent once, and leaves an injected dispatcher open', async () => {
    const own = createCrawler();
    await Promise.all([own.close(), own.close()]);
    expect((own.dispatcher as Agent).closed).toBe(true);

    const injected = new Agent();
    const borrowing = createCrawler({ dispatcher: injected });
    await borrowing.close();
    expect(injected.closed).toBe(false);
    await injected.close();
  });
});
