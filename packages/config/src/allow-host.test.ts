import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './index.js';

// CRAWL_ALLOW_HOSTS is checked once, at start-up: a bad entry is a config error naming the variable and the entry
// (before, `host:port` passed here and crashed every crawl worker at start, over and over).

function issuesOf(value: string): string[] {
  try {
    loadConfig({ CRAWL_ALLOW_HOSTS: value });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues.map((issue) => `${issue.variable}: ${issue.message}`);
  }
  throw new Error(`CRAWL_ALLOW_HOSTS=${value} was accepted`);
}

describe('CRAWL_ALLOW_HOSTS', () => {
  it.each([
    ['127.0.0.1', ['127.0.0.1']],
    ['127.0.0.1:8080, [::1]:8080 ,LOCALHOST:3000', ['127.0.0.1:8080', '[::1]:8080', 'localhost:3000']],
    ['[::1],::1,fd00::/8,10.0.0.0/8', ['::1', '::1', 'fd00::/8', '10.0.0.0/8']],
    ['internal.test.,internal.test.:443', ['internal.test', 'internal.test:443']],
  ])('accepts %j as %j', (value, expected) => {
    expect(loadConfig({ CRAWL_ALLOW_HOSTS: value }).CRAWL_ALLOW_HOSTS).toEqual(expected);
  });

  it.each([
    ['127.0.0.1:99999', 'entry "127.0.0.1:99999" has an invalid port "99999" (expected 1-65535)'],
    ['127.0.0.1:0', 'entry "127.0.0.1:0" has an invalid port "0"'],
    ['localhost:http', 'entry "localhost:http" has an invalid port "http"'],
    ['10.0.0.0/8:80', 'entry "10.0.0.0/8:80" is a CIDR range with a port: ranges take no port'],
    ['10.0.0.0/33', 'entry "10.0.0.0/33" is not a valid CIDR range'],
    ['[127.0.0.1]:80', 'entry "[127.0.0.1]:80" is not a bracketed IPv6 address'],
    ['127.0.0.1:80:90', 'entry "127.0.0.1:80:90" is neither a host name, an IP address nor a CIDR range'],
    ['http://127.0.0.1:8080', 'entry "http://127.0.0.1:8080" is a URL: list the host and, optionally, its port'],
    ['127.1', 'entry "127.1" is neither a host name'],
  ])('rejects %j naming the variable and the entry', (value, message) => {
    const issues = issuesOf(value);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toContain(`CRAWL_ALLOW_HOSTS: ${message}`);
  });

  it('names every bad entry of the list', () => {
    expect(issuesOf('127.0.0.1:8080,bad host,10.0.0.0/8,[::1]:0')).toEqual([
      'CRAWL_ALLOW_HOSTS: entry "bad host" is neither a host name, an IP address nor a CIDR range (optionally with :port)',
      'CRAWL_ALLOW_HOSTS: entry "[::1]:0" has an invalid port "0" (expected 1-65535)',
    ]);
  });
});
