import type { Schedule } from '@kumo/contract';
import { h } from 'preact';
import { describe, expect, it } from 'vitest';
import { renderHtml, renderText } from '../__fixtures__/render-html.js';
import { ScheduleFacts } from './schedule-facts.js';

const WEEKLY: Schedule = {
  id: 'sweekly',
  crawl: {
    urls: ['https://a.jp/', 'https://例え.jp/ニュース/'],
    maxDepth: 0,
    maxPages: 1000,
    scope: 'same-host',
    analyze: true,
    glossary: [{ term: '雲の観測' }, { term: 'クモ' }],
  },
  cron: '0 9 * * 1',
  timezone: 'Asia/Tokyo',
  createdAt: '2026-12-04T00:00:00.000Z',
  nextRunAt: '2026-12-07T00:00:00.000Z',
};

describe('ScheduleFacts', () => {
  it('shows a cron schedule on its zone’s clock, its seeds and glossary, and no run yet', () => {
    const text = renderText(h(ScheduleFacts, { schedule: WEEKLY }));
    expect(text).toContain('Repeats on the cron pattern 0 9 * * 1');
    expect(text).toContain('Time zone Asia/Tokyo');
    expect(text).toContain('Next run 7 Dec 2026, 09:00 Asia/Tokyo');
    expect(text).toContain('Seeds https://a.jp/ https://例え.jp/ニュース/');
    expect(text).toContain('depth ≤ 0 · at most 1,000 pages · same-host');
    expect(text).toContain('Latest run none yet');
    expect(renderHtml(h(ScheduleFacts, { schedule: WEEKLY }))).toContain('<dd lang="ja">雲の観測、クモ</dd>');
  });

  it('shows an interval in words and links the latest run', () => {
    const hourly: Schedule = { ...WEEKLY, every: 'PT1H', lastCrawlId: 'clatest' };
    delete hourly.cron;
    const html = renderHtml(h(ScheduleFacts, { schedule: hourly }));
    expect(renderText(h(ScheduleFacts, { schedule: hourly }))).toContain('Repeats every 1 hour ( PT1H )');
    expect(html).toContain('<a href="#/crawls/clatest"><code>clatest</code></a>');
    expect(html).not.toContain('cron pattern');
  });
});
