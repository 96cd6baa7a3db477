import { describe, expect, it } from 'vitest';
import { crawlRequestSchema } from './crawl-request.js';

const urls = ['https://example.com/'];

function issuesOf(webhook: unknown): string[] {
  const parsed = crawlRequestSchema.safeParse({ urls, webhook });
  return parsed.success ? [] : parsed.error.issues.map((issue) => issue.path.join('.'));
}

describe('crawlRequestSchema: webhook', () => {
  it('is absent when not given, and kept as given otherwise', () => {
    expect(crawlRequestSchema.parse({ urls }).webhook).toBeUndefined();
    const webhook = { url: 'https://hooks.example.com/kumo?x=1', secret: 's'.repeat(16) };
    expect(crawlRequestSchema.parse({ urls, webhook }).webhook).toEqual(webhook);
    expect(crawlRequestSchema.parse({ urls, webhook: { url: 'http://hooks.example.com/' } }).webhook).toEqual({
      url: 'http://hooks.example.com/',
    });
  });

  const table: [string, unknown, string][] = [
    ['a relative URL', { url: '/hook' }, 'webhook.url'],
    ['an ftp URL', { url: 'ftp://example.com/hook' }, 'webhook.url'],
    ['a javascript: URL', { url: 'javascript:alert(1)' }, 'webhook.url'],
    ['a URL with credentials', { url: 'https://user:pw@example.com/hook' }, 'webhook.url'],
    ['a URL over 2048 characters', { url: `https://example.com/${'a'.repeat(2048)}` }, 'webhook.url'],
    ['no URL', { secret: 's'.repeat(16) }, 'webhook.url'],
    ['a secret under 16 characters', { url: 'https://example.com/', secret: 's'.repeat(15) }, 'webhook.secret'],
    ['a secret over 256 characters', { url: 'https://example.com/', secret: 's'.repeat(257) }, 'webhook.secret'],
    ['a secret with a space', { url: 'https://example.com/', secret: `${'s'.repeat(16)} x` }, 'webhook.secret'],
    ['a secret that is not a string', { url: 'https://example.com/', secret: 1234567890123456 }, 'webhook.secret'],
    ['an unknown field', { url: 'https://example.com/', events: ['crawl.finished'] }, 'webhook'],
    ['a string instead of an object', 'https://example.com/', 'webhook'],
  ];
  it.each(table)('refuses %s at %s', (_name, webhook, path) => {
    expect(issuesOf(webhook)).toContain(path);
  });
});
