import { afterEach, describe, expect, it } from 'vitest';
import { FakeApi, problem } from '../__fixtures__/fake-api.js';
import { runAgainst } from '../__fixtures__/run-cli.js';

let api: FakeApi;
afterEach(() => api?.close());

const run = (args: string[]) => runAgainst(api, args);

describe('kumo export', () => {
  it('copies the body to stdout as it arrives, asking for the format and include given', async () => {
    api = await new FakeApi()
      .route('GET /v1/crawls/c1/export', (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/csv', 'kumo-crawl-status': 'running' });
        res.write('url,title\r\n');
        setTimeout(() => res.end('http://a.test/,雲\r\n'), 20);
      })
      .start();
    const { code, stdout, stderr } = await run(['export', 'c1', '--format', 'csv', '--include', 'text,links']);
    expect(code).toBe(0);
    expect(stdout).toBe('url,title\r\nhttp://a.test/,雲\r\n');
    expect(api.requests[0]?.path).toBe('/v1/crawls/c1/export?format=csv&include=text%2Clinks');
    expect(api.requests[0]?.headers.authorization).toBe('Bearer key-1');
    expect(stderr).toContain('running');
  });

  it('fails with exit 2 when the connection is cut mid-way: the file is partial', async () => {
    api = await new FakeApi()
      .route('GET /v1/crawls/c1/export', (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/x-ndjson' });
        res.write('{"url":"http://a.test/"}\n');
        setTimeout(() => res.destroy(), 20);
      })
      .start();
    const { code, stdout, stderr } = await run(['export', 'c1']);
    expect(code).toBe(2);
    expect(stdout).toBe('{"url":"http://a.test/"}\n');
    expect(stderr).toContain('KUMO_CLI_EXPORT_CUT');
    expect(api.requests[0]?.path).toBe('/v1/crawls/c1/export?format=ndjson');
  });

  it('reports a problem with its code (409 when the crawl stored no text) and writes nothing', async () => {
    api = await new FakeApi()
      .route('GET /v1/crawls/c1/export', (_req, res) =>
        problem(res, 409, 'KUMO_API_CONTENT_NOT_STORED', 'Crawl c1 did not store text'),
      )
      .start();
    const { code, stdout, stderr } = await run(['export', 'c1', '--include', 'text']);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('KUMO_API_CONTENT_NOT_STORED');
  });

  it.each([
    ['an unknown format', ['--format', 'xlsx']],
    ['an unknown include', ['--include', 'html']],
    ['a repeated include', ['--include', 'text,text']],
  ])('refuses %s before any request', async (_name, args) => {
    api = await new FakeApi().start();
    const { code } = await run(['export', 'c1', ...args]);
    expect(code).not.toBe(0);
    expect(api.requests).toHaveLength(0);
  });
});
