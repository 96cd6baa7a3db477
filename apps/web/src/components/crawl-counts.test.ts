import { h } from 'preact';
import { describe, expect, it } from 'vitest';
import { renderText } from '../__fixtures__/render-html.js';
import { CrawlCountsList } from './crawl-counts.js';

const COUNTS = { discovered: 5, fetched: 4, failed: 1, skipped: 0, analyzed: 4, dropped: 0 };

describe('CrawlCountsList', () => {
  it('shows the pages a 304 stood in for when the server sends notModified, and nothing of it otherwise', () => {
    expect(renderText(h(CrawlCountsList, { counts: { ...COUNTS, notModified: 3 } }))).toContain('Not modified 3');
    expect(renderText(h(CrawlCountsList, { counts: COUNTS }))).not.toContain('Not modified');
  });
});
