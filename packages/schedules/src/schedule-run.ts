import type { CrawlCreator } from '@kumo/crawl-creation';
import type { ScheduleStore } from '@kumo/crawl-state';
import type { Job, KumoQueues, ScheduleJobData, ScheduleJobResult } from '@kumo/queues';

export interface ScheduleRunDeps {
  store: Pick<ScheduleStore, 'get' | 'touch'>;
  queues: Pick<KumoQueues, 'removeScheduleRuns'>;
  /** Creates the run's crawl exactly as `POST /v1/crawls` does. */
  creator: Pick<CrawlCreator, 'create'>;
  /** Told about each run (the app logs it). Default: nothing. */
  onRun?: (event: { scheduleId: string; crawlId: string | null; previousId?: string; replayed?: boolean }) => void;
}

/**
 * The idempotency key of one run: its job id (`repeat:<scheduleId>:<run ms>`), the same on every attempt, so a
 * retried run finds the crawl it created instead of creating a second. The space keeps it apart from every
 * `Idempotency-Key` a client can send (visible ASCII only).
 */
export function runIdempotencyKey(job: Pick<Job, 'id'>): string {
  return `schedule-run ${job.id}`;
}

/**
 * The processor of the `schedule` queue (crawl workers): one run of a schedule creates an ordinary crawl with
 * `scheduleId` and `previousId` (the schedule's latest crawl), then renews the schedule's keys and records the
 * crawl. A run that finds the record gone (deleted, or expired with nobody renewing it) removes the job scheduler,
 * so nothing keeps running without an owner. Admission control's refusal is transient (BullMQ retries the run);
 * a request the deployment no longer allows is permanent (the run fails, the schedule goes on).
 */
export function createScheduleRunProcessor(deps: ScheduleRunDeps) {
  return async (job: Job<ScheduleJobData, ScheduleJobResult>): Promise<ScheduleJobResult> => {
    const { scheduleId } = job.data;
    const state = await deps.store.get(scheduleId);
    if (!state) {
      await deps.queues.removeScheduleRuns(scheduleId);
      deps.onRun?.({ scheduleId, crawlId: null });
      return { crawlId: null };
    }
    const previousId = state.schedule.lastCrawlId;
    const crawl = await deps.creator.create({
      owner: state.owner,
      request: state.request,
      idempotencyKey: runIdempotencyKey(job),
      scheduleId,
      ...(previousId === undefined ? {} : { previousId }),
    });
    if (!(await deps.store.touch(scheduleId, state.ttlMs, crawl.id))) {
      // Deleted while this run created its crawl: the crawl stands, no further run starts.
      await deps.queues.removeScheduleRuns(scheduleId);
    }
    deps.onRun?.({
      scheduleId,
      crawlId: crawl.id,
      ...(previousId === undefined ? {} : { previousId }),
      replayed: crawl.replayed,
    });
    return { crawlId: crawl.id };
  };
}
