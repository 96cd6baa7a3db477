import type { CrawlStatus } from '@kumo/contract';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ApiClient, CrawlView } from '../api/client.js';
import { EventStream } from '../api/event-stream.js';
import type { ApiFailure } from '../api/problem.js';
import { CrawlCountsList } from '../components/crawl-counts.js';
import { PageTable } from '../components/page-table.js';
import { ProblemMessage } from '../components/problem-message.js';
import { StatusBadge } from '../components/status-badge.js';
import { formatCount, formatDate } from '../format.js';
import { TERMINAL_STATUSES } from '../crawl-status.js';
import { LiveCrawlStore } from '../live-crawl-store.js';
import { hrefOf } from '../route.js';

/** How often the view re-renders while events pour in: often enough to look live, rarely enough to stay light. */
const RENDER_INTERVAL_MS = 250;

/**
 * One crawl, live: its record, then its event stream from the start (pages as they are fetched and analysed,
 * progress, the final status), a cancel button while it runs and the way to its report once it has one.
 */
export function CrawlLiveView({ client, id }: { client: ApiClient; id: string }) {
  const [crawl, setCrawl] = useState<CrawlView | null>(null);
  const [problem, setProblem] = useState<ApiFailure | null>(null);
  const [connected, setConnected] = useState(false);
  const [cancelling, setCancelling] = useState(false);
  const [, setVersion] = useState(0);
  const store = useRef(new LiveCrawlStore()).current;

  useEffect(() => {
    let live = true;
    void client.getCrawl(id).then((result) => {
      if (!live) return;
      if (result.ok) setCrawl(result.data);
      else setProblem(result.problem);
    });
    const stream = new EventStream(client, id, {
      onEvent: (event) => store.apply(event),
      onEnd: () => {
        setConnected(false);
        // The record now has the final counts and times.
        void client.getCrawl(id).then((result) => live && result.ok && setCrawl(result.data));
      },
      onFailure: (failure) => live && setProblem(failure),
      onConnection: (isConnected) => live && setConnected(isConnected),
    });
    let rendered = -1;
    const timer = setInterval(() => {
      if (store.version !== rendered) {
        rendered = store.version;
        setVersion(rendered);
      }
    }, RENDER_INTERVAL_MS);
    return () => {
      live = false;
      stream.close();
      clearInterval(timer);
    };
  }, [client, id, store]);

  const cancel = async () => {
    setCancelling(true);
    const result = await client.cancelCrawl(id);
    if (!result.ok) {
      setProblem(result.problem);
      setCancelling(false);
    }
  };

  const status: CrawlStatus | undefined = store.done?.status ?? crawl?.status;
  const counts = store.counts ?? crawl?.counts;
  const terminal = status !== undefined && TERMINAL_STATUSES.includes(status);
  const settled = counts ? counts.fetched + counts.failed + counts.skipped : 0;
  const planned = Math.max(settled, Math.min(counts?.discovered ?? 0, crawl?.request.maxPages ?? Infinity));
  const truncated = store.done?.truncated ?? crawl?.truncated;
  // The contract answers the report once the crawl has ended (partial when it was cancelled).
  const hasReport = terminal;

  return (
    <section aria-labelledby="crawl-title">
      <p class="breadcrumb">
        <a href={hrefOf({ view: 'crawls' })}>Crawls</a> / <code>{id}</code>
      </p>
      <div class="view-head">
        <h1 id="crawl-title" tabIndex={-1}>
          Crawl {crawl ? <span class="url">{crawl.request.urls[0]}</span> : <code>{id}</code>}
        </h1>
        {status && <StatusBadge status={status} />}
      </div>
      {problem && <ProblemMessage problem={problem} />}
      {crawl && (
        <p class="muted">
          Created {formatDate(crawl.createdAt)} · depth ≤ {crawl.request.maxDepth} · at most{' '}
          {formatCount(crawl.request.maxPages)} pages · {crawl.request.scope}
          {crawl.request.analyze ? '' : ' · no analysis'}
          {crawl.scheduleId && (
            <>
              {' · '}
              <a href={hrefOf({ view: 'schedule', id: crawl.scheduleId })}>a run of its schedule</a>
            </>
          )}
          {crawl.previousId && (
            <>
              {' · '}
              <a href={hrefOf({ view: 'crawl', id: crawl.previousId })}>the previous run</a>
            </>
          )}
        </p>
      )}
      <div class="card progress-card">
        <label for="crawl-progress">
          {terminal ? 'Finished' : 'Progress'}: {formatCount(settled)} of {formatCount(planned)} pages settled
        </label>
        <progress id="crawl-progress" max={Math.max(planned, 1)} value={terminal ? Math.max(planned, 1) : settled} />
        <p class="sr-only" role="status" aria-live="polite">
          {terminal ? `Crawl ${status}.` : ''}
        </p>
        {counts && <CrawlCountsList counts={counts} />}
        {truncated && (
          <p class="notice">
            Truncated: {formatCount(counts?.dropped)} links were not followed because maxPages was reached.
          </p>
        )}
        <div class="actions">
          {!terminal && (
            <button type="button" class="danger" onClick={cancel} disabled={cancelling || !crawl}>
              {cancelling ? 'Cancelling…' : 'Cancel crawl'}
            </button>
          )}
          {hasReport && (
            <a class="button" href={hrefOf({ view: 'report', id })}>
              Open the report
            </a>
          )}
          <span class="muted small">{connected ? 'Live' : terminal ? '' : 'Connecting…'}</span>
        </div>
      </div>
      {store.failed > 0 && (
        <p class="notice">
          {formatCount(store.failed)} page{store.failed === 1 ? '' : 's'} failed: choose “failed” below to see their
          error codes.
        </p>
      )}
      <PageTable rows={store.rows} version={store.version} />
    </section>
  );
}
