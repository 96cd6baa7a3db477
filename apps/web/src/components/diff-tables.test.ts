import { h } from 'preact';
import { describe, expect, it } from 'vitest';
import { renderHtml, renderText } from '../__fixtures__/render-html.js';
import { DiffTables } from './diff-tables.js';

const DIFF = {
  previousId: 'c_prev',
  added: [{ term: '雪', score: 4.27 }],
  removed: [{ term: '料理', score: 6.4123 }],
  rising: [{ term: '観光客', from: 2.1, to: 2.6 }],
  falling: [{ term: '東京', from: 5.2, to: 4.9 }],
};

/** The rows of the table labelled `name`, each as its cells' text. */
function rowsOf(html: string, name: string): string[] {
  const start = html.indexOf(`aria-label="${name}"`);
  expect(start, name).toBeGreaterThan(-1);
  const table = html.slice(start, html.indexOf('</table>', start));
  const body = table.slice(table.indexOf('<tbody>'));
  return [...body.matchAll(/<tr[^>]*>(.*?)<\/tr>/g)].map((row) =>
    [...row[1]!.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((cell) => cell[1]!.replace(/<[^>]+>/g, '')).join(' | '),
  );
}

describe('DiffTables (the report diff)', () => {
  it('shows added, removed, rising and falling keywords with their scores, and links the previous report', () => {
    const html = renderHtml(h(DiffTables, { diff: DIFF }));
    const text = renderText(h(DiffTables, { diff: DIFF }));
    expect(text).toContain('Changes since the previous run');
    expect(html).toContain('href="#/crawls/c_prev/report"');
    expect(rowsOf(html, 'New keywords')).toHaveLength(1);
    expect(rowsOf(html, 'New keywords')[0]).toMatch(/^雪 \| 4\.27/);
    expect(rowsOf(html, 'Keywords gone')[0]).toMatch(/^料理 \| 6\.41/);
    expect(rowsOf(html, 'Rising keywords')[0]).toMatch(/^観光客 \| 2\.1\d* \| 2\.6/);
    expect(rowsOf(html, 'Falling keywords')[0]).toMatch(/^東京 \| 5\.2\d* \| 4\.9/);
    for (const heading of ['New keywords', 'Gone', 'Rising', 'Falling']) expect(text).toContain(heading);
  });

  it('renders an empty list as an empty table beside the others', () => {
    const html = renderHtml(h(DiffTables, { diff: { ...DIFF, removed: [], falling: [] } }));
    expect(rowsOf(html, 'Keywords gone')).toEqual([]);
    expect(rowsOf(html, 'Falling keywords')).toEqual([]);
    expect(rowsOf(html, 'New keywords')).toHaveLength(1);
  });

  it('says so in one sentence when no keyword moved', () => {
    const none = { previousId: 'c_prev', added: [], removed: [], rising: [], falling: [] };
    const html = renderHtml(h(DiffTables, { diff: none }));
    expect(html).not.toContain('<table');
    expect(renderText(h(DiffTables, { diff: none }))).toContain('No keyword came, went or moved since then.');
  });
});
