import { describe, expect, it } from 'vitest';
import { loadConfig } from './load-config.js';
import { crawlUserAgent } from './user-agent.js';

describe('crawlUserAgent', () => {
  it('is plain kumo/0.1 by default: no link to a page that may not exist', () => {
    expect(crawlUserAgent(loadConfig({}))).toBe('kumo/0.1');
  });

  it("carries the operator's contact", () => {
    expect(crawlUserAgent(loadConfig({ CRAWL_CONTACT: 'https://example.org/bot' }))).toBe(
      'kumo/0.1 (+https://example.org/bot)',
    );
    expect(crawlUserAgent(loadConfig({ CRAWL_CONTACT: 'ops@example.org' }))).toBe('kumo/0.1 (+ops@example.org)');
  });

  it('is the operator’s own User-Agent when one is set, contact or not', () => {
    const config = loadConfig({
      CRAWL_USER_AGENT: 'kumo/0.1 (+https://a.example; me@a.example)',
      CRAWL_CONTACT: 'x@y',
    });
    expect(crawlUserAgent(config)).toBe('kumo/0.1 (+https://a.example; me@a.example)');
  });

  it.each(['two words', 'a(b)', ' '.repeat(3)])('refuses the contact %j', (contact) => {
    expect(() => loadConfig({ CRAWL_CONTACT: contact })).toThrow(/CRAWL_CONTACT/);
  });
});
