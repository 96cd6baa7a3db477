import type http from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { counts, crawlBody, FakeApi, json, pageBody, problem, reportBody, sse } from './__fixtures__/fake-api.js';
import { freePortUnused } from './__fixtures__/free-port.js';
import { runAgainst } from './__fixtures__/run-cli.js';
import { CLI_VERSION } from './version.js';

let api: FakeApi;
afterEach(() => api?.close());

/** A fake API that accepts a crawl and streams a short, complete crawl for it. */
function crawlingApi(options: { status?: string; id?: string } = {}) {
  const id = options.id ?? 'c1';
  const status = options.status ?? 'completed';
  return new FakeApi()
    .route('POST /v1/crawls', (_req, res) =>
      json(res, 202, {
        id,
        status: 'queued',
        links: { self: `/v1/crawls/${id}`, events: '', pages: '', report: '' },
      }),
    )
    .route(`GET /v1/crawls/${id}/events`, (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(
        [
          sse('1-0', 'page', pageBody('http://127.0.0.1:1/')),
          sse('2-0', 'page', pageBody('http://127.0.0.1:1/private/', 'skipped')),
          sse('3-0', 'analysis', {
            url: 'http://127.0.0.1:1/',
            analysis: {
              tokens: 12,
              terms: [{ term: '東京', reading: 'トウキョウ', pos: '名詞', count: 3 }],
              phrases: [],
            },
          }),
          sse('4-0', 'progress', counts({ discovered: 2, fetched: 1, skipped: 1, analyzed: 1 })),
          sse('5-0', 'done', { status, counts: counts({ discovered: 2, fetched: 1, skipped: 1, analyzed: 1 }) }),
        ].join(''),
      );
    })
    .route(`GET /v1/crawls/${id}/report`, (_req, res) => json(res, 200, reportBody(id)))
    .route(`GET /v1/crawls/${id}`, (_req, res) => json(res, 200, crawlBody(id, status)));
}

const run = (args: string[], env: Record<string, string> = {}, tty = false) => runAgainst(api, args, env, tty);

describe('kumo crawl: arguments become the request', () => {
  beforeEach(async () => {
    api = await crawlingApi().start();
  });

  it.each([
    ['only URLs: the API applies its defaults', ['http://a.test/'], { urls: ['http://a.test/'] }],
    [
      'every option, long form',
      ['http://a.test/', 'http://b.test/x', '--depth', '2', '--max-pages', '50', '--scope', 'any'],
      { urls: ['http://a.test/', 'http://b.test/x'], maxDepth: 2, maxPages: 50, scope: 'any' },
    ],
    [
      'short forms',
      ['http://a.test/', '-d', '0', '-m', '1', '-s', 'same-site'],
      { urls: ['http://a.test/'], maxDepth: 0, maxPages: 1, scope: 'same-site' },
    ],
    ['--no-analyze', ['http://a.test/', '--no-analyze'], { urls: ['http://a.test/'], analyze: false }],
    ['--store', ['http://a.test/', '--store', 'text,links'], { urls: ['http://a.test/'], store: ['text', 'links'] }],
    ['options before the URL', ['--depth', '3', 'http://a.test/'], { urls: ['http://a.test/'], maxDepth: 3 }],
    [
      '--sitemap and --feed, repeatable, without URLs',
      ['--sitemap', 'http://a.test/', '--feed', 'http://a.test/rss', '--sitemap', 'http://b.test/s.xml.gz'],
      {
        sources: [
          { type: 'sitemap', url: 'http://a.test/' },
          { type: 'sitemap', url: 'http://b.test/s.xml.gz' },
          { type: 'feed', url: 'http://a.test/rss' },
        ],
      },
    ],
    [
      'URLs and a feed',
      ['http://a.test/', '--feed', 'http://a.test/atom.xml'],
      { urls: ['http://a.test/'], sources: [{ type: 'feed', url: 'http://a.test/atom.xml' }] },
    ],
  ])('%s', async (_label, args, body) => {
    const result = await run(['crawl', ...args]);
    expect(result.code, result.stderr).toBe(0);
    const post = api.requests.find((request) => request.method === 'POST');
    expect(JSON.parse(post?.body ?? '')).toEqual(body);
    expect(post?.headers['content-type']).toBe('application/json');
    expect(post?.headers.authorization).toBe('Bearer key-1');
    expect(post?.headers['idempotency-key']).toBeUndefined();
  });

  it('sends --idempotency-key as the Idempotency-Key header', async () => {
    const result = await run(['crawl', 'http://a.test/', '--idempotency-key', 'retry-7']);
    expect(result.code).toBe(0);
    expect(api.requests[0]?.headers['idempotency-key']).toBe('retry-7');
  });

  it.each([
    ['a depth above the contract', ['http://a.test/', '--depth', '11'], 'expected an integer from 0 to 10'],
    [
      'an unknown --store value',
      ['http://a.test/', '--store', 'html'],
      'expected a comma-separated list of text, links',
    ],
    ['a depth that is not a number', ['http://a.test/', '--depth', 'two'], 'expected an integer from 0 to 10'],
    ['max pages 0', ['http://a.test/', '--max-pages', '0'], 'expected an integer from 1 to 10000'],
    ['an unknown scope', ['http://a.test/', '--scope', 'world'], 'Allowed choices are same-host, same-site, any'],
    ['no URL', [], "missing required argument 'url'"],
    ['a URL that is not http', ['ftp://a.test/'], 'error KUMO_CLI_USAGE: not an absolute http(s) URL: ftp://a.test/'],
    ['a relative URL', ['/index.html'], 'error KUMO_CLI_USAGE: not an absolute http(s) URL'],
    ['an unknown option', ['http://a.test/', '--depht', '2'], "unknown option '--depht'"],
    ['a relative --feed', ['--feed', '/rss'], 'expected an absolute http:// or https:// URL'],
  ])('refuses %s with exit 1 and sends nothing', async (_label, args, message) => {
    const result = await run(['crawl', ...args]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(message);
    expect(api.requests).toEqual([]);
  });
});

describe('API URL and key', () => {
  beforeEach(async () => {
    api = await new FakeApi().route('GET /v1/crawls/c1', (_req, res) => json(res, 200, crawlBody('c1'))).start();
  });

  it('come from KUMO_API_URL and KUMO_API_KEY', async () => {
    const result = await run(['status', 'c1'], { KUMO_API_KEY: 'from-env' });
    expect(result.code).toBe(0);
    expect(api.requests[0]?.headers.authorization).toBe('Bearer from-env');
  });

  it('--api-url and --api-key win over the environment', async () => {
    const result = await run(['--api-url', api.url, '--api-key', 'from-flag', 'status', 'c1'], {
      KUMO_API_URL: 'http://127.0.0.1:1',
      KUMO_API_KEY: 'from-env',
    });
    expect(result.code).toBe(0);
    expect(api.requests[0]?.headers.authorization).toBe('Bearer from-flag');
  });

  it('a path prefix in the API URL is kept', async () => {
    api.route('GET /kumo/v1/crawls/c1', (_req, res) => json(res, 200, crawlBody('c1')));
    const result = await run(['status', 'c1'], { KUMO_API_URL: `${api.url}/kumo` });
    expect(result.code).toBe(0);
    expect(api.requests[0]?.path).toBe('/kumo/v1/crawls/c1');
  });

  it.each([
    ['KUMO_API_URL is not a URL', { KUMO_API_URL: 'localhost:3000' }, 'KUMO_API_URL'],
    ['KUMO_API_URL is not http', { KUMO_API_URL: 'ftp://127.0.0.1/' }, 'KUMO_API_URL'],
  ])('exit 1 when %s', async (_label, env, name) => {
    const result = await run(['status', 'c1'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^error KUMO_CLI_USAGE: .*${name}`));
  });
});

describe('errors: the problem code on one line, exit 1 for 4xx and 2 for 5xx or no answer', () => {
  const answer =
    (status: number, code: string, errors?: { path: string; message: string }[]) =>
    (_req: http.IncomingMessage, res: http.ServerResponse) =>
      problem(res, status, code, `detail of ${code}`, errors);

  it.each([
    [400, 'KUMO_API_VALIDATION', 1],
    [401, 'KUMO_API_UNAUTHORIZED', 1],
    [404, 'KUMO_API_NOT_FOUND', 1],
    [409, 'KUMO_API_REPORT_NOT_READY', 1],
    [429, 'KUMO_API_RATE_LIMITED', 1],
    [500, 'KUMO_API_INTERNAL', 2],
    [503, 'KUMO_API_REDIS_UNAVAILABLE', 2],
  ])('%i %s → exit %i', async (status, code, exit) => {
    api = await new FakeApi().route('GET /v1/crawls/c1/report', answer(status, code)).start();
    const result = await run(['report', 'c1']);
    expect(result.code).toBe(exit);
    expect(result.stderr).toBe(`error ${code}: detail of ${code}\n`);
    expect(result.stdout).toBe('');
  });

  it('lists the field errors of a validation problem', async () => {
    api = await new FakeApi()
      .route('POST /v1/crawls', answer(400, 'KUMO_API_VALIDATION', [{ path: 'maxPages', message: 'too big' }]))
      .start();
    const result = await run(['crawl', 'http://a.test/']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('error KUMO_API_VALIDATION: detail of KUMO_API_VALIDATION\n  maxPages: too big\n');
  });

  it('an answer that is not a problem (a proxy page) → KUMO_CLI_BAD_RESPONSE', async () => {
    api = await new FakeApi()
      .route('GET /v1/crawls/c1', (_req, res) =>
        res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad gateway</h1>'),
      )
      .start();
    const result = await run(['status', 'c1']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error KUMO_CLI_BAD_RESPONSE: GET \/v1\/crawls\/c1 answered 502/);
  });

  it('an answer outside the contract (a server fault) → KUMO_CLI_BAD_RESPONSE naming the field, exit 2', async () => {
    api = await new FakeApi().route('GET /v1/crawls/c1', (_req, res) => json(res, 200, { id: 'c1' })).start();
    const result = await run(['status', 'c1']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error KUMO_CLI_BAD_RESPONSE: .*status/);
  });

  it('no API listening → KUMO_CLI_API_UNREACHABLE, exit 2', async () => {
    api = await new FakeApi().start();
    const port = await freePortUnused();
    const result = await run(['status', 'c1'], { KUMO_API_URL: `http://127.0.0.1:${port}` });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `error KUMO_CLI_API_UNREACHABLE: cannot reach the kumo API at http://127.0.0.1:${port}: ECONNREFUSED\n`,
    );
  });
});

describe('kumo crawl: following and the result', () => {
  it('prints one line per event off a terminal, then the keyword table', async () => {
    api = await crawlingApi().start();
    const result = await run(['crawl', 'http://127.0.0.1:1/']);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe('crawl c1 queued');
    expect(lines).toContain('page      fetched  200     http://127.0.0.1:1/  くも便り');
    expect(lines).toContain('page      skipped  robots  http://127.0.0.1:1/private/');
    expect(lines).toContain('analysis  http://127.0.0.1:1/  tokens 12  東京');
    expect(lines).toContain('progress  discovered 2  fetched 1  failed 0  skipped 1  analyzed 1');
    expect(lines).toContain('crawl c1 completed: discovered 2  fetched 1  failed 0  skipped 1  analyzed 1');
    expect(result.stdout).toMatch(/^1 {2}東京 {2}トウキョウ {2}1\.500 {3}2$/m);
    expect(api.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'POST /v1/crawls',
      'GET /v1/crawls/c1/events',
      'GET /v1/crawls/c1/report',
    ]);
  });

  it('--json prints only the report on stdout; the rest goes to stderr', async () => {
    api = await crawlingApi().start();
    const result = await run(['crawl', 'http://127.0.0.1:1/', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(reportBody('c1'));
    expect(result.stderr).toContain('crawl c1 queued');
    expect(result.stderr).toContain('page      fetched');
  });

  it('--no-analyze reads no report', async () => {
    api = await crawlingApi().start();
    const result = await run(['crawl', 'http://127.0.0.1:1/', '--no-analyze']);
    expect(result.code, result.stderr).toBe(0);
    expect(api.requests.some((request) => request.path.endsWith('/report'))).toBe(false);
  });

  it.each(['failed', 'cancelled'])('a crawl that ends %s exits 1', async (status) => {
    api = await crawlingApi({ status }).start();
    const result = await run(['crawl', 'http://127.0.0.1:1/']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`error KUMO_CLI_CRAWL_NOT_COMPLETED: crawl c1 ended ${status}\n`);
  });

  it('draws a progress bar on a terminal', async () => {
    api = await crawlingApi().start();
    const result = await run(['crawl', 'http://127.0.0.1:1/'], {}, true);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('2/2 pages | fetched 1 failed 0 skipped 1 | analysed 1');
    expect(result.stdout).not.toContain('page      fetched');
  });
});

describe('status, report, cancel, pages', () => {
  beforeEach(async () => {
    const pages = [0, 1, 2, 3, 4].map((n) => pageBody(`http://127.0.0.1:1/${n}.html`));
    api = await crawlingApi()
      .route('DELETE /v1/crawls/c1', (_req, res) => json(res, 202, { id: 'c1', status: 'running' }))
      .route('GET /v1/crawls/c1/pages', (req, res) => {
        const url = new URL(req.url ?? '', 'http://x');
        const from = Number(url.searchParams.get('cursor') ?? 0);
        const limit = Number(url.searchParams.get('limit') ?? 100);
        const next = from + limit < pages.length ? String(from + limit) : null;
        json(res, 200, { items: pages.slice(from, from + limit), nextCursor: next });
      })
      .start();
  });

  it('status prints the crawl', async () => {
    const result = await run(['status', 'c1']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('status:   completed');
    expect(result.stdout).toContain('counts:   discovered 3  fetched 2  failed 0  skipped 1  analyzed 2');
  });

  it('status --json prints the crawl as JSON', async () => {
    const result = await run(['status', 'c1', '--json']);
    expect(JSON.parse(result.stdout)).toEqual(crawlBody('c1', 'completed'));
  });

  it('report prints the table; --top limits it', async () => {
    const result = await run(['report', 'c1', '--top', '1']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('東京');
    expect(result.stdout).not.toContain('天気');
  });

  it('cancel sends DELETE, then prints the status the crawl reached, not the one DELETE answered (#20)', async () => {
    const result = await run(['cancel', 'c1']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('crawl c1 completed\n');
    expect(api.requests[0]?.method).toBe('DELETE');
  });

  it('pages prints one page of results and the cursor to continue', async () => {
    const result = await run(['pages', 'c1', '--limit', '2']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n')).toHaveLength(2);
    expect(result.stderr).toBe('more: kumo pages c1 --cursor 2  (or --all)\n');
  });

  it('pages --all follows the cursor to the end', async () => {
    const result = await run(['pages', 'c1', '--all', '--limit', '2', '--json']);
    expect(result.code).toBe(0);
    const urls = result.stdout
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { url: string }).url);
    expect(urls).toEqual([0, 1, 2, 3, 4].map((n) => `http://127.0.0.1:1/${n}.html`));
    expect(api.requests.map((request) => request.path)).toEqual([
      '/v1/crawls/c1/pages?limit=2',
      '/v1/crawls/c1/pages?cursor=2&limit=2',
      '/v1/crawls/c1/pages?cursor=4&limit=2',
    ]);
  });

  it('ids are path-encoded', async () => {
    const result = await run(['status', 'a/b?c']);
    expect(result.code).toBe(1);
    expect(api.requests[0]?.path).toBe('/v1/crawls/a%2Fb%3Fc');
  });
});

describe('kumo cancel waits for the status the crawl reaches (#20)', () => {
  it('polls while the crawl is running and prints cancelled', async () => {
    let polls = 0;
    api = await new FakeApi()
      .route('DELETE /v1/crawls/c1', (_req, res) => json(res, 202, { id: 'c1', status: 'running' }))
      .route('GET /v1/crawls/c1', (_req, res) => json(res, 200, crawlBody('c1', ++polls < 3 ? 'running' : 'cancelled')))
      .start();
    const result = await run(['cancel', 'c1']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('crawl c1 cancelled\n');
    expect(polls).toBe(3);
  });

  it('says honestly that the crawl is still settling when the wait ends', async () => {
    api = await new FakeApi()
      .route('DELETE /v1/crawls/c1', (_req, res) => json(res, 202, { id: 'c1', status: 'running' }))
      .route('GET /v1/crawls/c1', (_req, res) => json(res, 200, crawlBody('c1', 'running')))
      .start();
    const result = await run(['cancel', 'c1', '--wait', '1']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^crawl c1 cancel requested, still running after 1 s \(.*kumo status c1/);
    expect(result.stdout).not.toMatch(/^crawl c1 running$/m);
    const asJson = await run(['cancel', 'c1', '--wait', '0', '--json']);
    expect(JSON.parse(asJson.stdout)).toEqual({ id: 'c1', status: 'running', settling: true });
  });
});

describe('kumo list (#20)', () => {
  const crawls = ['c3', 'c2', 'c1'].map((id, index) => ({
    ...crawlBody(id, ['running', 'completed', 'cancelled'][index]),
    createdAt: `2026-12-04T00:0${3 - index}:00.000Z`,
  }));
  beforeEach(async () => {
    api = await new FakeApi()
      .route('GET /v1/crawls', (req, res) => {
        const url = new URL(req.url ?? '', 'http://x');
        const from = Number(url.searchParams.get('cursor') ?? 0);
        const limit = Number(url.searchParams.get('limit') ?? 20);
        const next = from + limit < crawls.length ? String(from + limit) : null;
        json(res, 200, { items: crawls.slice(from, from + limit), nextCursor: next });
      })
      .start();
  });

  it('prints a table of the crawls, newest first, and the cursor to continue', async () => {
    const result = await run(['list', '--limit', '2']);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^id +status +created \(UTC\) +fetched +failed +urls$/);
    expect(lines.slice(2).map((line) => line.split(/ +/).slice(0, 4))).toEqual([
      ['c3', 'running', '2026-12-04', '00:03:00'],
      ['c2', 'completed', '2026-12-04', '00:02:00'],
    ]);
    expect(result.stderr).toBe('more: kumo list --cursor 2  (or --all)\n');
    expect(api.requests[0]?.path).toBe('/v1/crawls?limit=2');
  });

  it('--all --json pages through every crawl as NDJSON; --status is sent comma-separated', async () => {
    const result = await run(['list', '--all', '--limit', '2', '--json', '--status', 'running,cancelled']);
    expect(result.code, result.stderr).toBe(0);
    const ids = result.stdout
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { id: string }).id);
    expect(ids).toEqual(['c3', 'c2', 'c1']);
    expect(api.requests.map((request) => request.path)).toEqual([
      '/v1/crawls?status=running%2Ccancelled&limit=2',
      '/v1/crawls?status=running%2Ccancelled&cursor=2&limit=2',
    ]);
  });

  it("--schedule sends the schedule's id, and the hint to continue keeps every filter", async () => {
    const schedule = `s${'1'.repeat(20)}`;
    const result = await run(['list', '--limit', '2', '--status', 'running', '--schedule', schedule]);
    expect(result.code, result.stderr).toBe(0);
    expect(api.requests[0]?.path).toBe(`/v1/crawls?status=running&scheduleId=${schedule}&limit=2`);
    expect(result.stderr).toBe(`more: kumo list --cursor 2 --status running --schedule ${schedule}  (or --all)\n`);
  });

  it('refuses an unknown status before any request', async () => {
    const result = await run(['list', '--status', 'runing']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('unknown status runing');
    expect(api.requests).toEqual([]);
  });
});

describe('the small sharp edges of #20', () => {
  beforeEach(async () => {
    api = await new FakeApi().route('GET /v1/crawls/c1', (_req, res) => json(res, 200, crawlBody('c1'))).start();
  });

  it('kumo --version prints the package version', async () => {
    const result = await run(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${CLI_VERSION}\n`);
    expect(CLI_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('no key: a coded error naming --api-key and KUMO_API_KEY, and nothing sent', async () => {
    const result = await run(['status', 'c1'], { KUMO_API_KEY: '' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error KUMO_CLI_MISSING_API_KEY: .*--api-key.*KUMO_API_KEY/);
    expect(api.requests).toEqual([]);
  });
});
