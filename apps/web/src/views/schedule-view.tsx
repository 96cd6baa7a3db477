import type { Crawl, Schedule } from '@kumo/contract';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ApiClient } from '../api/client.js';
import type { ApiFailure } from '../api/problem.js';
import { DataTable, type Column } from '../components/data-table.js';
import { DeleteSchedule } from '../components/delete-schedule.js';
import { ProblemMessage } from '../components/problem-message.js';
import { ScheduleFacts } from '../components/schedule-facts.js';
import { StatusBadge } from '../components/status-badge.js';
import { formatCount, formatDate, formatDateIn } from '../format.js';
import { hrefOf } from '../route.js';
import {
  appendOlder,
  mergeNewest,
  olderRunsExpired,
  pageAfterRefresh,
  readRuns,
  RUNS_REFRESH_MS,
  type RunsPage,
} from '../schedule-runs.js';
import { scheduleTitle } from '../schedule-title.js';
import { TERMINAL_STATUSES } from '../crawl-status.js';

/**
 * One schedule (`GET /v1/schedules/:id`): what it is, its runs' crawls newest first (`GET /v1/crawls?scheduleId=`,
 * ten at a time), and a delete button. While the page is open and visible it reads the schedule and its newest runs
 * again every {@link RUNS_REFRESH_MS}, so a run that starts or ends shows without a reload.
 */
export function ScheduleView({ client, id }: { client: ApiClient; id: string }) {
  const [schedule, setSchedule] = useState<Schedule | null>(null);
  const [problem, setProblem] = useState<ApiFailure | null>(null);
  const [runs, setRuns] = useState<Crawl[]>([]);
  const [page, setPage] = useState<RunsPage | null>(null);
  const [loadingRuns, setLoadingRuns] = useState(false);
  const [deleted, setDeleted] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const listRuns = (query: { scheduleId: string; cursor?: string | null; limit: number }) => client.listCrawls(query);

  useEffect(() => {
    let live = true;
    void client.getSchedule(id).then(async (result) => {
      if (!live) return;
      if (!result.ok) return setProblem(result.problem);
      setSchedule(result.data);
      setLoadingRuns(true);
      const first = await readRuns(listRuns, id);
      if (!live) return;
      setRuns(first.runs);
      setPage(first);
      setLoadingRuns(false);
    });
    return () => {
      live = false;
    };
  }, [client, id]);

  useEffect(() => {
    if (!schedule || deleted) return;
    let live = true;
    const refresh = async () => {
      if (document.visibilityState !== 'visible') return;
      const result = await client.getSchedule(id);
      if (!live) return;
      if (!result.ok) {
        // Deleted elsewhere: say so; any other failure keeps what is shown until the next refresh.
        if (result.problem.status === 404) setDeleted(true);
        return;
      }
      setSchedule(result.data);
      const newest = await readRuns(listRuns, id);
      if (!live || newest.failure) return;
      setRuns((shown) => mergeNewest(shown, newest.runs));
      setPage((current) => pageAfterRefresh(current, newest));
    };
    const timer = setInterval(() => void refresh(), RUNS_REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [client, id, schedule !== null, deleted]);

  const earlier = async () => {
    if (!page?.nextCursor) return;
    setLoadingRuns(true);
    const next = await readRuns(listRuns, id, page.nextCursor);
    setRuns((shown) => appendOlder(shown, next.runs));
    setPage(next);
    setLoadingRuns(false);
  };

  const onDeleted = () => {
    setDeleted(true);
    headingRef.current?.focus();
  };

  return (
    <section aria-labelledby="schedule-title">
      <p class="breadcrumb">
        <a href={hrefOf({ view: 'schedules' })}>Schedules</a> / <code>{id}</code>
      </p>
      <h1 id="schedule-title" ref={headingRef} tabIndex={-1}>
        Schedule {schedule ? <span class="url">{scheduleTitle(schedule)}</span> : <code>{id}</code>}
      </h1>
      {problem && <ProblemMessage problem={problem} what="Could not read the schedule" />}
      {!problem && !schedule && <p role="status">Loading…</p>}
      <p role="status" class={deleted ? 'notice' : 'sr-only'}>
        {deleted && (
          <>
            This schedule was deleted: no further runs will start.{' '}
            <a href={hrefOf({ view: 'schedules' })}>Back to the schedules</a>.
          </>
        )}
      </p>
      {schedule && (
        <>
          <div class="card schedule" data-schedule-id={schedule.id}>
            <ScheduleFacts schedule={schedule} />
            {!deleted && (
              <div class="actions">
                <DeleteSchedule client={client} schedule={schedule} onDeleted={onDeleted} />
              </div>
            )}
          </div>
          <h2 id="runs-title">Runs</h2>
          {!schedule.lastCrawlId && runs.length === 0 && (
            <p>No run yet: the first starts at {formatDateIn(schedule.nextRunAt, schedule.timezone)}.</p>
          )}
          {runs.length > 0 && (
            <DataTable
              name="Runs"
              class="runs"
              rows={runs}
              columns={RUN_COLUMNS}
              rowKey={(run) => run.id}
              rowData={(run) => ({ 'data-crawl-id': run.id })}
            />
          )}
          {loadingRuns && <p role="status">Reading the runs…</p>}
          {page?.failure && <ProblemMessage problem={page.failure} what="Could not read every run" />}
          {page?.nextCursor && !loadingRuns && (
            <button type="button" onClick={earlier}>
              Show earlier runs
            </button>
          )}
          {page && !page.failure && olderRunsExpired(runs, page.nextCursor) && (
            <p class="muted small">Earlier runs' crawls have expired.</p>
          )}
        </>
      )}
    </section>
  );
}

const RUN_COLUMNS: readonly Column<Crawl>[] = [
  {
    header: 'Crawl',
    cell: (run) => (
      <a href={hrefOf({ view: 'crawl', id: run.id })}>
        <code>{run.id}</code>
      </a>
    ),
  },
  { header: 'Status', cell: (run) => <StatusBadge status={run.status} /> },
  { header: 'Created', cell: (run) => formatDate(run.createdAt) },
  { header: 'Fetched', numeric: true, cell: (run) => formatCount(run.counts.fetched) },
  { header: 'Not modified', numeric: true, cell: (run) => formatCount(run.counts.notModified) },
  {
    header: 'Report',
    cell: (run) =>
      TERMINAL_STATUSES.includes(run.status) ? (
        <a href={hrefOf({ view: 'report', id: run.id })}>
          Report<span class="sr-only"> of crawl {run.id}</span>
        </a>
      ) : (
        <span class="muted">—</span>
      ),
  },
];
