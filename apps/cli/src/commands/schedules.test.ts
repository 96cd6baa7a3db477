import type { Schedule } from '@kumo/contract';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeApi, json, problem } from '../__fixtures__/fake-api.js';
import { runAgainst } from '../__fixtures__/run-cli.js';
import { formatCadence, formatSchedule, formatScheduleTable } from './schedules.js';

let api: FakeApi;
afterEach(() => api?.close());

const run = (args: string[]) => runAgainst(api, args);

const REQUEST: Schedule['crawl'] = {
  urls: ['http://a.test/'],
  maxDepth: 1,
  maxPages: 100,
  scope: 'same-host',
  analyze: true,
};

/** A schedule as the API answers it. */
function scheduleBody(id: string, fields: Partial<Schedule> = {}): Schedule {
  return {
    id,
    crawl: { ...REQUEST, urls: [...REQUEST.urls] },
    every: 'PT1H',
    timezone: 'UTC',
    createdAt: '2026-12-04T01:00:00.000Z',
    nextRunAt: '2026-12-04T02:00:00.000Z',
    ...fields,
  };
}

describe('formatting schedules', () => {
  it('the cadence is the cron pattern or the interval', () => {
    expect(formatCadence({ cron: '0 9 * * 1' })).toBe('cron 0 9 * * 1');
    expect(formatCadence({ every: 'PT30M' })).toBe('every PT30M');
  });

  it('the table has id, cadence, time zone, next run, last crawl, created and seeds; no last crawl before a run', () => {
    const lines = formatScheduleTable([
      scheduleBody('s2', {
        cron: '0 9 * * 1',
        every: undefined,
        timezone: 'Asia/Tokyo',
        nextRunAt: '2026-12-07T00:00:00.000Z',
        lastCrawlId: 'c9',
        crawl: { ...REQUEST, urls: [], sources: [{ type: 'sitemap', url: 'http://a.test/sitemap.xml' }] },
      }),
      scheduleBody('s1', { crawl: { ...REQUEST, urls: ['http://a.test/', 'http://b.test/'] } }),
    ]);
    expect(lines[0]).toMatch(/^id +runs +timezone +next run \(UTC\) +last crawl +created \(UTC\) +urls$/);
    expect(lines.slice(2).map((line) => line.split(/ {2,}/))).toEqual([
      [
        's2',
        'cron 0 9 * * 1',
        'Asia/Tokyo',
        '2026-12-07 00:00:00',
        'c9',
        '2026-12-04 01:00:00',
        'http://a.test/sitemap.xml',
      ],
      ['s1', 'every PT1H', 'UTC', '2026-12-04 02:00:00', '-', '2026-12-04 01:00:00', 'http://a.test/ (+1)'],
    ]);
  });

  it('says so when there are none', () => {
    expect(formatScheduleTable([])).toEqual(['(no schedules)']);
  });

  it('one schedule as lines names its sources by type', () => {
    const lines = formatSchedule(
      scheduleBody('s1', { crawl: { ...REQUEST, sources: [{ type: 'feed', url: 'http://a.test/rss' }] } }),
    );
    expect(lines).toContain('runs:       every PT1H  (UTC)');
    expect(lines).toContain('next run:   2026-12-04 02:00:00 UTC');
    expect(lines).toContain('last crawl: -');
    expect(lines).toContain('urls:       http://a.test/ feed:http://a.test/rss');
    expect(lines).toContain('request:    maxDepth 1  maxPages 100  scope same-host  analyze true');
  });
});

describe('kumo schedules create: arguments become the request', () => {
  beforeEach(async () => {
    api = await new FakeApi()
      .route('POST /v1/schedules', (_req, res, body) => {
        const { crawl, cron, every, timezone } = JSON.parse(body) as Record<string, unknown>;
        json(res, 201, {
          ...scheduleBody('s1'),
          crawl: { ...REQUEST, ...(crawl as object) },
          cron,
          every,
          timezone: timezone ?? 'UTC',
        });
      })
      .start();
  });

  it.each([
    [
      'an interval: the crawl request holds only what was given',
      ['http://a.test/', '--every', 'PT6H'],
      { crawl: { urls: ['http://a.test/'] }, every: 'PT6H' },
    ],
    [
      'a cron pattern in a time zone, with the crawl options of kumo crawl',
      [
        'http://a.test/',
        '--cron',
        '0 6 * * *',
        '--timezone',
        'Asia/Tokyo',
        '-d',
        '2',
        '--max-pages',
        '50',
        '--scope',
        'same-site',
        '--no-analyze',
        '--store',
        'text',
      ],
      {
        crawl: {
          urls: ['http://a.test/'],
          maxDepth: 2,
          maxPages: 50,
          scope: 'same-site',
          analyze: false,
          store: ['text'],
        },
        cron: '0 6 * * *',
        timezone: 'Asia/Tokyo',
      },
    ],
    [
      'sources without URLs',
      ['--sitemap', 'http://a.test/', '--feed', 'http://a.test/rss', '--every', 'P1D'],
      {
        crawl: {
          sources: [
            { type: 'sitemap', url: 'http://a.test/' },
            { type: 'feed', url: 'http://a.test/rss' },
          ],
        },
        every: 'P1D',
      },
    ],
  ])('%s', async (_label, args, body) => {
    const result = await run(['schedules', 'create', ...args]);
    expect(result.code, result.stderr).toBe(0);
    expect(api.requests).toHaveLength(1);
    const post = api.requests[0];
    expect(`${post?.method} ${post?.path}`).toBe('POST /v1/schedules');
    expect(JSON.parse(post?.body ?? '')).toEqual(body);
    expect(post?.headers['content-type']).toBe('application/json');
    expect(post?.headers.authorization).toBe('Bearer key-1');
    expect(result.stdout.split('\n')[0]).toBe('schedule s1 created');
  });

  it('--json prints the schedule the API answered', async () => {
    const result = await run(['schedules', 'create', 'http://a.test/', '--every', 'PT1H', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ ...scheduleBody('s1'), crawl: REQUEST });
  });

  it.each([
    ['neither --cron nor --every', ['http://a.test/'], 'error KUMO_CLI_USAGE: give when it runs: --cron'],
    ['both --cron and --every', ['http://a.test/', '--cron', '* * * * *', '--every', 'PT1H'], 'cannot be used with'],
    ['no URL and no source', ['--every', 'PT1H'], "missing required argument 'url'"],
    ['a bad crawl option, as kumo crawl refuses it', ['http://a.test/', '--every', 'PT1H', '-d', '11'], 'from 0 to 10'],
    ['a relative URL', ['/x', '--every', 'PT1H'], 'error KUMO_CLI_USAGE: not an absolute http(s) URL: /x'],
  ])('refuses %s with exit 1 and sends nothing', async (_label, args, message) => {
    const result = await run(['schedules', 'create', ...args]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(message);
    expect(api.requests).toEqual([]);
  });

  it("shows the API's field errors: what --every must be is the deployment's to say", async () => {
    api.route('POST /v1/schedules', (_req, res) =>
      problem(res, 400, 'KUMO_API_VALIDATION', 'The schedule request is invalid.', [
        { path: 'every', message: 'must be at least PT1M' },
      ]),
    );
    const result = await run(['schedules', 'create', 'http://a.test/', '--every', 'PT10S']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'error KUMO_API_VALIDATION: The schedule request is invalid.\n  every: must be at least PT1M\n',
    );
    expect(result.stdout).toBe('');
  });
});

describe('kumo schedules (list)', () => {
  const schedules = ['s3', 's2', 's1'].map((id, index) =>
    scheduleBody(id, { createdAt: `2026-12-04T00:0${3 - index}:00.000Z` }),
  );
  beforeEach(async () => {
    api = await new FakeApi()
      .route('GET /v1/schedules', (req, res) => {
        const url = new URL(req.url ?? '', 'http://x');
        const from = Number(url.searchParams.get('cursor') ?? 0);
        const limit = Number(url.searchParams.get('limit') ?? 20);
        const next = from + limit < schedules.length ? String(from + limit) : null;
        json(res, 200, { items: schedules.slice(from, from + limit), nextCursor: next });
      })
      .start();
  });

  it.each([[['schedules']], [['schedules', 'list']]])(
    '%j prints one page as a table and the cursor to continue',
    async (args) => {
      const result = await run([...args, '--limit', '2']);
      expect(result.code, result.stderr).toBe(0);
      const lines = result.stdout.trimEnd().split('\n');
      expect(lines.slice(2).map((line) => line.split(/ +/)[0])).toEqual(['s3', 's2']);
      expect(result.stderr).toBe('more: kumo schedules --cursor 2  (or --all)\n');
      expect(api.requests.map((request) => request.path)).toEqual(['/v1/schedules?limit=2']);
    },
  );

  it('--all --json pages through every schedule as NDJSON', async () => {
    const result = await run(['schedules', '--all', '--limit', '2', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const ids = result.stdout
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { id: string }).id);
    expect(ids).toEqual(['s3', 's2', 's1']);
    expect(api.requests.map((request) => request.path)).toEqual([
      '/v1/schedules?limit=2',
      '/v1/schedules?cursor=2&limit=2',
    ]);
    expect(result.stderr).toBe('');
  });

  it('--cursor continues where an earlier call stopped', async () => {
    const result = await run(['schedules', '--cursor', '2']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trimEnd().split('\n').slice(2)).toHaveLength(1);
    expect(api.requests[0]?.path).toBe('/v1/schedules?cursor=2&limit=20');
  });

  it('an answer outside the contract is KUMO_CLI_BAD_RESPONSE, exit 2', async () => {
    api.route('GET /v1/schedules', (_req, res) => json(res, 200, { items: [{ id: 's1' }], nextCursor: null }));
    const result = await run(['schedules']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error KUMO_CLI_BAD_RESPONSE: GET \/v1\/schedules answered a shape outside/);
  });
});

describe('kumo schedules show', () => {
  beforeEach(async () => {
    api = await new FakeApi()
      .route('GET /v1/schedules/s1', (_req, res) =>
        json(res, 200, scheduleBody('s1', { lastCrawlId: 'c9', cron: '0 6 * * *', every: undefined })),
      )
      .route('GET /v1/schedules/gone', (_req, res) =>
        problem(res, 404, 'KUMO_API_SCHEDULE_NOT_FOUND', 'Schedule gone not found.'),
      )
      .start();
  });

  it('prints the schedule as lines: cadence, next run, latest crawl, seeds', async () => {
    const result = await run(['schedules', 'show', 's1']);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('id:         s1');
    expect(lines).toContain('runs:       cron 0 6 * * *  (UTC)');
    expect(lines).toContain('next run:   2026-12-04 02:00:00 UTC');
    expect(lines).toContain('last crawl: c9');
    expect(`${api.requests[0]?.method} ${api.requests[0]?.path}`).toBe('GET /v1/schedules/s1');
  });

  it('--json prints what the API answered', async () => {
    const result = await run(['schedules', 'show', 's1', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ id: 's1', lastCrawlId: 'c9', cron: '0 6 * * *' });
  });

  it('an unknown schedule (or one of another key) is exit 1 with the API code', async () => {
    const result = await run(['schedules', 'show', 'gone']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('error KUMO_API_SCHEDULE_NOT_FOUND: Schedule gone not found.\n');
    expect(result.stdout).toBe('');
  });
});

describe('kumo schedules delete', () => {
  beforeEach(async () => {
    api = await new FakeApi()
      .route('DELETE /v1/schedules/s1', (_req, res) => res.writeHead(204).end())
      .route('DELETE /v1/schedules/gone', (_req, res) =>
        problem(res, 404, 'KUMO_API_SCHEDULE_NOT_FOUND', 'Schedule gone not found.'),
      )
      .start();
  });

  it('sends DELETE and says so (the API answers 204 without a body)', async () => {
    const result = await run(['schedules', 'delete', 's1']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('schedule s1 deleted\n');
    expect(`${api.requests[0]?.method} ${api.requests[0]?.path}`).toBe('DELETE /v1/schedules/s1');
  });

  it('an unknown schedule (or one of another key) is exit 1 with the API code', async () => {
    const result = await run(['schedules', 'delete', 'gone']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('error KUMO_API_SCHEDULE_NOT_FOUND: Schedule gone not found.\n');
    expect(result.stdout).toBe('');
  });

  it('ids are path-encoded', async () => {
    const result = await run(['schedules', 'delete', 'a/b?c']);
    expect(result.code).toBe(1);
    expect(api.requests[0]?.path).toBe('/v1/schedules/a%2Fb%3Fc');
  });

  it('needs an id', async () => {
    const result = await run(['schedules', 'delete']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("missing required argument 'id'");
    expect(api.requests).toEqual([]);
  });
});
