import { useState } from 'preact/hooks';
import type { PageRow } from '../live-crawl-store.js';
import { filterRows, PAGE_FILTERS, type PageFilter } from '../page-filter.js';
import { StatusBadge } from './status-badge.js';

const PAGE_SIZE = 50;

/**
 * The crawl's pages, newest first, 50 to a page: a 2,000-page crawl renders 50 rows, not 2,000, and a screen
 * reader gets an ordinary table (a virtualised list would hide most rows from it). Filtering by status finds the
 * failures and their error codes; pages a `304` stood in for (a schedule's later run) are marked "not modified".
 */
export function PageTable({ rows, version }: { rows: readonly PageRow[]; version: number }) {
  const [filter, setFilter] = useState<PageFilter>('all');
  const [pageIndex, setPageIndex] = useState(0);
  const matching = filterRows(rows, filter);
  const pageCount = Math.max(1, Math.ceil(matching.length / PAGE_SIZE));
  const index = Math.min(pageIndex, pageCount - 1);
  // Newest first: the rows of this page counted from the end.
  const end = matching.length - index * PAGE_SIZE;
  const shown = matching.slice(Math.max(0, end - PAGE_SIZE), end).reverse();

  return (
    <section aria-labelledby="pages-title" data-version={version}>
      <div class="view-head">
        <h2 id="pages-title">Pages</h2>
        <label class="inline-label">
          Show{' '}
          <select
            value={filter}
            onChange={(event) => {
              setFilter(event.currentTarget.value as PageFilter);
              setPageIndex(0);
            }}
          >
            {PAGE_FILTERS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <p class="muted" aria-live="off">
        {matching.length} {filter === 'all' ? '' : `${filter.replace('-', ' ')} `}page{matching.length === 1 ? '' : 's'}
        , newest first
      </p>
      {shown.length > 0 && (
        <div class="table-wrap" role="region" aria-label="Pages of the crawl" tabIndex={0}>
          <table class="pages">
            <thead>
              <tr>
                <th scope="col">URL</th>
                <th scope="col">Status</th>
                <th scope="col" class="num">
                  HTTP
                </th>
                <th scope="col">Title</th>
                <th scope="col">Charset</th>
                <th scope="col">Analysed</th>
                <th scope="col">Error or reason</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((row) => (
                <tr key={row.url} data-status={row.status}>
                  <td class="url">{row.url}</td>
                  <td>
                    <StatusBadge status={row.status} />
                    {row.notModified && (
                      <span class="muted not-modified" title="304: unchanged since the previous run">
                        not modified
                      </span>
                    )}
                  </td>
                  <td class="num">{row.httpStatus ?? '—'}</td>
                  <td lang="ja">{row.title ?? ''}</td>
                  <td>{row.charset ?? ''}</td>
                  <td>{row.analysed ? 'yes' : '—'}</td>
                  <td>{row.why ? <code>{row.why}</code> : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {pageCount > 1 && (
        <nav class="pager" aria-label="Page list pages">
          <button type="button" disabled={index === 0} onClick={() => setPageIndex(index - 1)}>
            Newer
          </button>
          <span>
            {index + 1} of {pageCount}
          </span>
          <button type="button" disabled={index >= pageCount - 1} onClick={() => setPageIndex(index + 1)}>
            Older
          </button>
        </nav>
      )}
    </section>
  );
}
