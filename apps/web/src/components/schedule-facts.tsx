import type { Schedule } from '@kumo/contract';
import { formatCount, formatDate, formatDateIn } from '../format.js';
import { hrefOf } from '../route.js';
import { cadenceOf } from '../schedule-cadence.js';

/**
 * What a schedule is, as a description list: when it runs (its cron pattern or interval, the time zone, the next
 * run on that zone's clock), what each run crawls (seeds, sources, limits, glossary) and its latest run. Each value
 * carries `data-field` with the API field it shows, so tests compare them with the JSON.
 */
export function ScheduleFacts({ schedule }: { schedule: Schedule }) {
  const cadence = cadenceOf(schedule);
  const { crawl } = schedule;
  return (
    <dl class="facts">
      <dt>Repeats</dt>
      <dd>
        {cadence.kind === 'cron' ? (
          <>
            on the cron pattern <code data-field="cron">{cadence.pattern}</code>
          </>
        ) : (
          <>
            every {cadence.words} (<code data-field="every">{cadence.duration}</code>)
          </>
        )}
      </dd>
      <dt>Time zone</dt>
      <dd data-field="timezone">{schedule.timezone}</dd>
      <dt>Next run</dt>
      <dd>
        <time data-field="nextRunAt" dateTime={schedule.nextRunAt}>
          {formatDateIn(schedule.nextRunAt, schedule.timezone)}
        </time>
      </dd>
      <dt>Seeds</dt>
      <dd>
        <ul class="seeds" data-field="crawl.urls">
          {crawl.urls.map((url, index) => (
            <li key={index} class="url">
              {url}
            </li>
          ))}
        </ul>
        {crawl.sources && crawl.sources.length > 0 && (
          <ul class="seeds" data-field="crawl.sources">
            {crawl.sources.map((source, index) => (
              <li key={index} class="url">
                {source.type}: {source.url}
              </li>
            ))}
          </ul>
        )}
      </dd>
      <dt>Each run</dt>
      <dd>
        depth ≤ {crawl.maxDepth} · at most {formatCount(crawl.maxPages)} pages · {crawl.scope}
        {crawl.analyze ? '' : ' · no analysis'}
      </dd>
      {crawl.glossary && crawl.glossary.length > 0 && (
        <>
          <dt>Glossary</dt>
          <dd lang="ja" data-field="crawl.glossary">
            {crawl.glossary.map((entry) => entry.term).join('、')}
          </dd>
        </>
      )}
      <dt>Latest run</dt>
      <dd>
        {schedule.lastCrawlId ? (
          <a data-field="lastCrawlId" href={hrefOf({ view: 'crawl', id: schedule.lastCrawlId })}>
            <code>{schedule.lastCrawlId}</code>
          </a>
        ) : (
          <span class="muted">none yet</span>
        )}
      </dd>
      <dt>Created</dt>
      <dd>
        <time dateTime={schedule.createdAt}>{formatDate(schedule.createdAt)}</time>
      </dd>
    </dl>
  );
}
