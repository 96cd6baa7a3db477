import type { Crawl, CrawlStatus } from '@kumo/contract';
import { useState } from 'preact/hooks';
import type { ApiClient } from '../api/client.js';
import { useApiData } from '../api/use-api-data.js';
import { CursorPager } from '../components/cursor-pager.js';
import { DataTable, type Column } from '../components/data-table.js';
import { ProblemMessage } from '../components/problem-message.js';
import { StatusBadge } from '../components/status-badge.js';
import { CRAWL_STATUSES } from '../crawl-status.js';
import { formatCount, formatDate } from '../format.js';
import { hrefOf, navigate } from '../route.js';

const STATUSES = CRAWL_STATUSES;
const PAGE_SIZE = 20;

/**
 * The key's crawls, newest first (`GET /v1/crawls`), filtered by status and paged by cursor: the cursors of the
 * pages before this one are kept so "Previous" goes back without the server's help.
 */
export function CrawlListView({ client }: { client: ApiClient }) {
  const [statuses, setStatuses] = useState<CrawlStatus[]>([]);
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors.at(-1) ?? null;
  const { data: list, problem } = useApiData(
    () => client.listCrawls({ status: statuses, cursor, limit: PAGE_SIZE }),
    [client, statuses, cursor],
  );

  const toggle = (status: CrawlStatus, on: boolean) => {
    setStatuses((current) => (on ? [...current, status] : current.filter((s) => s !== status)));
    setCursors([null]);
  };
  const listMissing = problem?.status === 404;

  return (
    <section aria-labelledby="crawls-title">
      <div class="view-head">
        <h1 id="crawls-title" tabIndex={-1}>
          Your crawls
        </h1>
        <div class="actions">
          <a href={hrefOf({ view: 'schedules' })}>Schedules</a>
          <a class="button" href={hrefOf({ view: 'new' })}>
            Start a crawl
          </a>
        </div>
      </div>
      <fieldset class="filters">
        <legend>Show crawls that are</legend>
        {STATUSES.map((status) => (
          <label key={status} class="check">
            <input
              type="checkbox"
              checked={statuses.includes(status)}
              onChange={(event) => toggle(status, event.currentTarget.checked)}
            />
            {status}
          </label>
        ))}
      </fieldset>
      {problem &&
        (listMissing ? (
          <p class="notice" role="status">
            This server does not list crawls (it has no <code>GET /v1/crawls</code>). Open a crawl by its id below.
          </p>
        ) : (
          <ProblemMessage problem={problem} what="Could not list the crawls" />
        ))}
      {!problem && !list && <p role="status">Loading…</p>}
      {list && list.items.length === 0 && (
        <p role="status">
          {statuses.length > 0 ? 'No crawl has these statuses.' : 'No crawl yet.'}{' '}
          <a href={hrefOf({ view: 'new' })}>Start one</a>.
        </p>
      )}
      {list && list.items.length > 0 && (
        <DataTable
          name="Crawls"
          class="crawls"
          rows={list.items}
          columns={CRAWL_COLUMNS}
          rowKey={(crawl) => crawl.id}
          rowData={(crawl) => ({ 'data-crawl-id': crawl.id })}
        />
      )}
      <CursorPager label="Crawl list pages" cursors={cursors} nextCursor={list?.nextCursor} onChange={setCursors} />
      <OpenById />
    </section>
  );
}

const CRAWL_COLUMNS: readonly Column<Crawl>[] = [
  {
    header: 'Crawl',
    cell: (crawl) => (
      <>
        <a href={hrefOf({ view: 'crawl', id: crawl.id })}>{crawl.request.urls[0] ?? crawl.id}</a>
        {crawl.request.urls.length > 1 && <span class="muted"> +{crawl.request.urls.length - 1}</span>}
        <div class="muted small">
          <code>{crawl.id}</code>
          {crawl.scheduleId && (
            <>
              {' · '}
              <a href={hrefOf({ view: 'schedule', id: crawl.scheduleId })}>
                run of schedule <code>{crawl.scheduleId}</code>
              </a>
            </>
          )}
        </div>
      </>
    ),
  },
  { header: 'Status', cell: (crawl) => <StatusBadge status={crawl.status} /> },
  { header: 'Created', cell: (crawl) => formatDate(crawl.createdAt) },
  { header: 'Fetched', numeric: true, cell: (crawl) => formatCount(crawl.counts.fetched) },
  { header: 'Failed', numeric: true, cell: (crawl) => formatCount(crawl.counts.failed) },
  { header: 'Analysed', numeric: true, cell: (crawl) => formatCount(crawl.counts.analyzed) },
  {
    header: 'Truncated',
    cell: (crawl) => (crawl.truncated ? `yes (${formatCount(crawl.counts.dropped)} links dropped)` : 'no'),
  },
];

/** Go to a crawl by its id (one created elsewhere, e.g. with the CLI). */
function OpenById() {
  const [id, setId] = useState('');
  return (
    <form
      class="open-by-id"
      onSubmit={(event) => {
        event.preventDefault();
        if (id.trim()) navigate({ view: 'crawl', id: id.trim() });
      }}
    >
      <label for="open-id">Open a crawl by id</label>
      <div class="inline">
        <input id="open-id" value={id} onInput={(event) => setId(event.currentTarget.value)} spellcheck={false} />
        <button type="submit">Open</button>
      </div>
    </form>
  );
}
