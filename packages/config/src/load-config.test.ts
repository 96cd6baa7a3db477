import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, renderConfigTable } from './index.js';

describe('loadConfig', () => {
  it('applies defaults for local use', () => {
    const config = loadConfig({});
    expect(config.API_PORT).toBe(3000);
    expect(config.KUMO_PREFIX).toBe('kumo');
    expect(config.CRAWL_ALLOW_HOSTS).toEqual([]);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('parses lists, numbers and booleans from strings', () => {
    const config = loadConfig({ API_KEYS: 'a, b,,c', API_PORT: '8080', KUMO_ALLOW_EVICTION: 'true' });
    expect(config.API_KEYS).toEqual(['a', 'b', 'c']);
    expect(config.API_PORT).toBe(8080);
    expect(config.KUMO_ALLOW_EVICTION).toBe(true);
  });

  it("parses API_NODE_FLAGS into the flags the API's workers get, `none` into none", () => {
    expect(loadConfig({}).API_NODE_FLAGS).toEqual(['--max-semi-space-size=2', '--heap-growing-percent=50']);
    expect(loadConfig({ API_NODE_FLAGS: ' --max-semi-space-size=8  --trace-gc ' }).API_NODE_FLAGS).toEqual([
      '--max-semi-space-size=8',
      '--trace-gc',
    ]);
    expect(loadConfig({ API_NODE_FLAGS: 'none' }).API_NODE_FLAGS).toEqual([]);
    for (const bad of ['--inspect; rm -rf /', 'max-semi-space-size=2', '--a none']) {
      expect(() => loadConfig({ API_NODE_FLAGS: bad })).toThrow(/API_NODE_FLAGS: expected space-separated --flags/);
    }
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ API_PORT: '' }).API_PORT).toBe(3000);
  });

  it('names every bad variable in one error', () => {
    let caught: unknown;
    try {
      loadConfig({ API_PORT: 'eighty', REDIS_URL: 'http://x', CRAWL_MAX_REDIRECTS: '99' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const error = caught as ConfigError;
    expect(error.code).toBe('KUMO_CONFIG_INVALID');
    expect(error.issues.map((issue) => issue.variable).sort()).toEqual([
      'API_PORT',
      'CRAWL_MAX_REDIRECTS',
      'REDIS_URL',
    ]);
    expect(error.message).toMatch(/API_PORT: expected an integer/);
    expect(error.message).toMatch(/REDIS_URL: expected a redis:\/\//);
  });

  it('requires credentials in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/API_KEYS: required/);
  });

  it('renders a table row for every variable', () => {
    const table = renderConfigTable();
    expect(table).toContain('| `REDIS_URL` |');
    expect(table).toContain('| `CRAWL_ALLOW_HOSTS` |');
  });
});

describe('CRAWL_ALLOWED_HEADERS', () => {
  it('defaults to accept-language', () => {
    expect(loadConfig({}).CRAWL_ALLOWED_HEADERS).toEqual(['accept-language']);
  });

  it('lower-cases the names', () => {
    expect(loadConfig({ CRAWL_ALLOWED_HEADERS: 'Accept-Language, X-Kumo-Test' }).CRAWL_ALLOWED_HEADERS).toEqual([
      'accept-language',
      'x-kumo-test',
    ]);
  });

  it.each(['Cookie', 'user-agent', 'Host', 'authorization', 'transfer-encoding', 'not a name'])(
    'refuses %s, naming it',
    (name) => {
      expect(() => loadConfig({ CRAWL_ALLOWED_HEADERS: `accept-language,${name}` })).toThrow(
        new RegExp(`CRAWL_ALLOWED_HEADERS: .*${name.toLowerCase()}`),
      );
    },
  );
});
