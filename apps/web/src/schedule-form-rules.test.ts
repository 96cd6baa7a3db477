import { describe, expect, it } from 'vitest';
import { initialValues } from './crawl-form-rules.js';
import { scheduleBodyOf, scheduleFieldOf, validateSchedule, type RepeatValues } from './schedule-form-rules.js';

const crawl = { ...initialValues, urls: 'https://a.jp/', maxDepth: '0' };
const weekly: RepeatValues = { repeat: 'cron', cron: ' 0 9 * * 1 ', every: 'PT1H', timezone: 'Asia/Tokyo' };
const hourly: RepeatValues = { repeat: 'every', cron: '0 9 * * 1', every: 'PT1H', timezone: 'Asia/Tokyo' };

describe('the repeat field (the contract schedule schema)', () => {
  it('sends the crawl request and exactly one of cron (with its zone) and every', () => {
    expect(scheduleBodyOf(crawl, weekly)).toEqual({
      crawl: { urls: ['https://a.jp/'], maxDepth: 0, maxPages: 100, scope: 'same-host', analyze: true },
      cron: '0 9 * * 1',
      timezone: 'Asia/Tokyo',
    });
    expect(scheduleBodyOf(crawl, hourly)).toEqual({
      crawl: { urls: ['https://a.jp/'], maxDepth: 0, maxPages: 100, scope: 'same-host', analyze: true },
      every: 'PT1H',
    });
    expect(scheduleBodyOf(crawl, { ...weekly, timezone: ' ' })).not.toHaveProperty('timezone');
  });

  it('accepts what the schema accepts', () => {
    expect(validateSchedule(crawl, weekly).errors).toBeNull();
    expect(validateSchedule(crawl, hourly).errors).toBeNull();
  });

  it.each<[string, Partial<typeof crawl>, Partial<RepeatValues>, string]>([
    ['a crawl without URL', { urls: '' }, {}, 'urls'],
    ['a crawl with a bad second URL', { urls: 'https://a.jp/\nftp://b.jp/' }, {}, 'urls'],
    ['maxDepth above 10', { maxDepth: '11' }, {}, 'maxDepth'],
    ['a cron pattern past the length limit', {}, { cron: '0 '.repeat(101) + '*' }, 'cron'],
    ['a time zone past the length limit', {}, { timezone: 'Z'.repeat(65) }, 'timezone'],
    ['an interval past the length limit', {}, { repeat: 'every', every: 'P'.repeat(65) }, 'every'],
  ])('refuses %s, on its field', (_name, values, repeat, field) => {
    const result = validateSchedule({ ...crawl, ...values }, { ...weekly, ...repeat });
    expect(result.errors).not.toBeNull();
    expect(Object.keys(result.errors ?? {})).toEqual([field]);
  });

  it('names the line of a refused URL', () => {
    const result = validateSchedule({ ...crawl, urls: 'https://a.jp/\nftp://b.jp/' }, weekly);
    expect(result.errors?.urls?.[0]).toMatch(/\(line 2\)$/);
  });

  it("maps a schedule problem's field paths to the form's fields", () => {
    expect(scheduleFieldOf('crawl.urls.2')).toBe('urls');
    expect(scheduleFieldOf('crawl.maxPages')).toBe('maxPages');
    expect(scheduleFieldOf('crawl.headers.Cookie')).toBeUndefined();
    expect(scheduleFieldOf('cron')).toBe('cron');
    expect(scheduleFieldOf(['every'])).toBe('every');
    expect(scheduleFieldOf('timezone')).toBe('timezone');
    expect(scheduleFieldOf('urls')).toBeUndefined();
    expect(scheduleFieldOf('')).toBeUndefined();
  });
});
