import type { Schedule } from '@kumo/contract';
import { useRef, useState } from 'preact/hooks';
import type { ApiClient } from '../api/client.js';
import { useApiData } from '../api/use-api-data.js';
import { CursorPager } from '../components/cursor-pager.js';
import { DeleteSchedule } from '../components/delete-schedule.js';
import { ProblemMessage } from '../components/problem-message.js';
import { ScheduleFacts } from '../components/schedule-facts.js';
import { hrefOf } from '../route.js';
import { scheduleTitle } from '../schedule-title.js';

const PAGE_SIZE = 10;

/**
 * The key's schedules, newest first (`GET /v1/schedules`), paged by cursor like the crawl list: each with when it
 * runs, what it crawls, its latest run and a delete button.
 */
export function ScheduleListView({ client }: { client: ApiClient }) {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [deleted, setDeleted] = useState<string | null>(null);
  const [reloads, setReloads] = useState(0);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const cursor = cursors.at(-1) ?? null;

  const { data: list, problem } = useApiData(
    () => client.listSchedules({ cursor, limit: PAGE_SIZE }),
    [client, cursor, reloads],
    { keepWhileLoading: true },
  );

  const onDeleted = (schedule: Schedule) => {
    setDeleted(`Deleted the schedule of ${scheduleTitle(schedule)}.`);
    // Its card leaves the page: without this, focus would fall back to the document's start.
    headingRef.current?.focus();
    // The page it was on may now be empty: start again from the first.
    if (list?.items.length === 1 && cursors.length > 1) setCursors((current) => current.slice(0, -1));
    else setReloads((n) => n + 1);
  };

  return (
    <section aria-labelledby="schedules-title">
      <div class="view-head">
        <h1 id="schedules-title" ref={headingRef} tabIndex={-1}>
          Your schedules
        </h1>
        <a class="button" href={hrefOf({ view: 'new' })}>
          New schedule
        </a>
      </div>
      <p class="muted">
        A schedule starts the same crawl again and again, on a cron pattern or at an interval; each run is an ordinary
        crawl, compared with the one before.
      </p>
      <p role="status" class={deleted ? 'notice' : 'sr-only'}>
        {deleted}
      </p>
      {problem && <ProblemMessage problem={problem} what="Could not list the schedules" />}
      {!problem && !list && <p role="status">Loading…</p>}
      {list && list.items.length === 0 && (
        <p>
          No schedule yet. <a href={hrefOf({ view: 'new' })}>Create one</a> from the start form: choose how it repeats.
        </p>
      )}
      {list && list.items.length > 0 && (
        <ul class="schedules">
          {list.items.map((schedule) => (
            <li key={schedule.id}>
              <article class="card schedule" data-schedule-id={schedule.id} aria-labelledby={`title-${schedule.id}`}>
                <h2 id={`title-${schedule.id}`}>
                  <a class="url" href={hrefOf({ view: 'schedule', id: schedule.id })}>
                    {scheduleTitle(schedule)}
                  </a>
                  {schedule.crawl.urls.length > 1 && (
                    <span class="muted small"> +{schedule.crawl.urls.length - 1} more</span>
                  )}
                </h2>
                <p class="muted small">
                  <code>{schedule.id}</code>
                </p>
                <ScheduleFacts schedule={schedule} />
                <div class="actions">
                  <a href={hrefOf({ view: 'schedule', id: schedule.id })}>
                    All runs<span class="sr-only"> of the schedule of {scheduleTitle(schedule)}</span>
                  </a>
                  <DeleteSchedule
                    client={client}
                    schedule={schedule}
                    onDeleted={onDeleted}
                    name={`of ${scheduleTitle(schedule)}`}
                  />
                </div>
              </article>
            </li>
          ))}
        </ul>
      )}
      <CursorPager label="Schedule list pages" cursors={cursors} nextCursor={list?.nextCursor} onChange={setCursors} />
    </section>
  );
}
