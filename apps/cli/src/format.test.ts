import { KumoError } from '@kumo/errors';
import { describe, expect, it } from 'vitest';
import { ApiProblemError, ApiUnreachableError } from './errors.js';
import {
  displayWidth,
  formatCounts,
  formatCrawl,
  formatError,
  formatKeywordTable,
  formatPageLine,
  formatSeeds,
  formatTable,
  formatTime,
} from './format.js';
import { CountsTracker } from './progress.js';

describe('displayWidth', () => {
  it.each([
    ['', 0],
    ['abc', 3],
    ['東京', 4],
    ['トウキョウ', 10],
    ['ｶﾀｶﾅ', 4], // halfwidth katakana are narrow
    ['ＡＢＣ', 6], // fullwidth Latin is wide
    ['くも便り 2', 10],
    ['한국', 4],
    ['e\u0301', 1], // combining accent takes no column
    ['𠮷', 2], // outside the BMP
  ])('%j takes %i columns', (text, width) => {
    expect(displayWidth(text)).toBe(width);
  });
});

describe('formatTable', () => {
  it('pads by display width, right-aligns numbers and trims line ends', () => {
    const lines = formatTable(
      [{ header: 'term' }, { header: 'n', align: 'right' }],
      [
        ['東京', '5'],
        ['ab', '12'],
      ],
    );
    expect(lines).toEqual(['term   n', '----  --', '東京   5', 'ab    12']);
  });
});

describe('formatKeywordTable', () => {
  const keyword = (term: string, score: number) => ({ term, reading: 'ヨミ', score, tf: 1, df: 1 });

  it('shows at most `limit` keywords, ranked', () => {
    const keywords = Array.from({ length: 30 }, (_, index) => keyword(`語${index}`, 30 - index));
    const lines = formatKeywordTable(keywords, 20);
    expect(lines).toHaveLength(22);
    expect(lines[0]).toBe(' #  term  reading   score  df');
    expect(lines[2]).toBe(' 1  語0   ヨミ     30.000   1');
    expect(lines[21]?.startsWith('20  語19')).toBe(true);
  });

  it('says so when there is nothing', () => {
    expect(formatKeywordTable([])).toEqual(['(no keywords: nothing was analysed)']);
  });
});

describe('formatPageLine', () => {
  it.each([
    [{ status: 'fetched', url: 'http://a/', httpStatus: 200, title: 'T' }, 'fetched  200     http://a/  T'],
    [{ status: 'skipped', url: 'http://a/x', reason: 'robots' }, 'skipped  robots  http://a/x'],
    [
      { status: 'failed', url: 'http://a/y', error: { code: 'KUMO_CRAWLER_TIMEOUT', message: 'slow' } },
      'failed   KUMO_CRAWLER_TIMEOUT  http://a/y',
    ],
    [{ status: 'failed', url: 'http://a/z', httpStatus: 500 }, 'failed   500     http://a/z'],
    [
      { status: 'fetched', url: 'http://a/sitemap.xml', httpStatus: 200, kind: 'sitemap', entries: 11 },
      'fetched  200     http://a/sitemap.xml  (sitemap, 11 entries)',
    ],
  ] as const)('%j', (page, line) => {
    expect(formatPageLine(page)).toBe(line);
  });
});

describe('dropped links and truncated', () => {
  const counts = { discovered: 5, fetched: 5, failed: 0, skipped: 0, analyzed: 5 };
  const crawl = {
    id: 'c1',
    status: 'completed' as const,
    request: { urls: ['http://h/'], maxDepth: 2, maxPages: 5, scope: 'same-host' as const, analyze: true },
    createdAt: '2026-12-03T00:00:00.000Z',
  };

  it('counts show dropped when maxPages dropped links', () => {
    expect(formatCounts(counts)).toBe('discovered 5  fetched 5  failed 0  skipped 0  analyzed 5');
    expect(formatCounts({ ...counts, dropped: 0 })).toBe('discovered 5  fetched 5  failed 0  skipped 0  analyzed 5');
    expect(formatCounts({ ...counts, dropped: 12 })).toBe(
      'discovered 5  fetched 5  failed 0  skipped 0  analyzed 5  dropped 12',
    );
  });

  it.each([
    [true, 12, 'truncated: yes, maxPages 5 reached, 12 link(s) not followed'],
    [false, 0, 'truncated: no'],
  ])('kumo status says truncated %s', (truncated, dropped, line) => {
    const lines = formatCrawl({ ...crawl, counts: { ...counts, dropped }, truncated });
    expect(lines).toContain(line);
    expect(lines.indexOf(line)).toBe(lines.findIndex((text) => text.startsWith('counts:')) + 1);
  });

  it("kumo status shows a run's schedule and previous crawl, and a crawl's sources among its urls", () => {
    const run = {
      ...crawl,
      counts,
      scheduleId: 'sched1',
      previousId: 'cprev',
      request: { ...crawl.request, sources: [{ type: 'sitemap' as const, url: 'http://a/sitemap.xml' }] },
    };
    const lines = formatCrawl(run);
    expect(lines).toContain('schedule: sched1');
    expect(lines).toContain('previous: cprev');
    expect(lines.find((line) => line.startsWith('urls:'))).toMatch(/ sitemap:http:\/\/a\/sitemap\.xml$/);
    expect(formatCrawl({ ...crawl, counts }).some((line) => /^(schedule|previous):/.test(line))).toBe(false);
  });

  it('kumo status of a server that does not send truncated has no truncated line', () => {
    expect(formatCrawl({ ...crawl, counts }).some((line) => line.startsWith('truncated'))).toBe(false);
  });
});

describe('formatError', () => {
  it.each([
    [new ApiProblemError('KUMO_API_VALIDATION', 400, 'bad body', []), ['error KUMO_API_VALIDATION: bad body']],
    [
      new ApiProblemError('KUMO_API_VALIDATION', 400, 'bad body', [
        { path: 'urls.0', message: 'must be an absolute http or https URL' },
        { path: '', message: 'unknown field' },
      ]),
      [
        'error KUMO_API_VALIDATION: bad body',
        '  urls.0: must be an absolute http or https URL',
        '  (body): unknown field',
      ],
    ],
    [new ApiUnreachableError('cannot reach'), ['error KUMO_CLI_API_UNREACHABLE: cannot reach']],
    [new KumoError('KUMO_CONFIG_INVALID', 'bad config'), ['error KUMO_CONFIG_INVALID: bad config']],
    [new Error('plain'), ['error: plain']],
    ['a string', ['error: a string']],
  ])('%s', (error, lines) => {
    expect(formatError(error)).toEqual(lines);
  });
});

describe('CountsTracker', () => {
  it('counts page events, and keeps the larger of its own counts and progress events', () => {
    const tracker = new CountsTracker();
    tracker.page({ status: 'fetched' });
    tracker.page({ status: 'skipped' });
    tracker.analysis();
    expect(tracker.counts).toEqual({ discovered: 2, fetched: 1, failed: 0, skipped: 1, analyzed: 1 });
    expect(tracker.total).toBe(2);

    tracker.progress({ discovered: 9, fetched: 1, failed: 1, skipped: 0, analyzed: 0 });
    expect(tracker.counts).toEqual({ discovered: 9, fetched: 1, failed: 1, skipped: 1, analyzed: 1 });
    expect(tracker.done).toBe(3);
    expect(tracker.total).toBe(9);
  });

  it('never has a total of zero (the bar divides by it)', () => {
    expect(new CountsTracker().total).toBe(1);
  });
});

describe('not modified pages', () => {
  it('counts show the pages a 304 stood in for, when there are any', () => {
    const counts = { discovered: 5, fetched: 5, failed: 0, skipped: 0, analyzed: 5, dropped: 0 };
    expect(formatCounts({ ...counts, notModified: 0 })).toBe(
      'discovered 5  fetched 5  failed 0  skipped 0  analyzed 5',
    );
    expect(formatCounts({ ...counts, notModified: 4 })).toBe(
      'discovered 5  fetched 5  failed 0  skipped 0  analyzed 5  not modified 4',
    );
  });
});

describe('formatTime and formatSeeds (kumo list, kumo schedules)', () => {
  it.each([
    ['2026-12-04T01:02:03.456Z', '2026-12-04 01:02:03'],
    ['2026-12-04T01:02:03Z', '2026-12-04 01:02:03'],
  ])('%s reads %s', (iso, text) => {
    expect(formatTime(iso)).toBe(text);
  });

  it.each([
    [{ urls: ['http://a/'] }, 'http://a/'],
    [{ urls: ['http://a/', 'http://b/', 'http://c/'] }, 'http://a/ (+2)'],
    [{ urls: [], sources: [{ type: 'sitemap' as const, url: 'http://a/sitemap.xml' }] }, 'http://a/sitemap.xml'],
    [{ urls: ['http://a/'], sources: [{ type: 'feed' as const, url: 'http://a/rss' }] }, 'http://a/ (+1)'],
    [{ urls: [] }, ''],
  ])('%j shows as %j', (request, text) => {
    expect(formatSeeds(request)).toBe(text);
  });
});
