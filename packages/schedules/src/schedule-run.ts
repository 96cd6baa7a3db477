import type { CrawlCreator } from '@kumo/crawl-creation';
import type { ScheduleStore } from '@kumo/crawl-state';
import { DelayedError, type Job, type KumoQueues, type ScheduleJobData, type ScheduleJobResult } from '@kumo/queues';

export interface ScheduleRunDeps {
  store: Pick<ScheduleStore, 'get' | 'claimRun' | 'touch'>;
  queues: Pick<KumoQueues, 'removeScheduleRuns' | 'scheduleRunState'>;
  /** Creates the run's crawl exactly as `POST /v1/crawls` does. */
  creator: Pick<CrawlCreator, 'create'>;
  /** Told about each run (the app logs it). Default: nothing. */
  onRun?: (event: ScheduleRunEvent) => void;
  /** How long a run waits before it looks again while another run of its schedule is in flight. Default 1000 ms. */
  waitMs?: number;
}

/** What one run of a schedule did. */
export interface ScheduleRunEvent {
  scheduleId: string;
  /** The crawl it created (or found, when a retried run had created it); null when it created none. */
  crawlId: string | null;
  previousId?: string;
  replayed?: boolean;
  /** Another run of the schedule was in flight (this job id): this one runs again later. */
  waitingFor?: string;
}

/** States from which a run can still record its crawl: while its holder is in one, a run of the schedule waits. */
const UNFINISHED = new Set(['active', 'waiting', 'delayed', 'prioritized', 'waiting-children']);

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
 *
 * BullMQ adds one job per tick, but two runs of one schedule can be in flight at once: a run given back after its
 * process died (the stalled check) and the next tick, or the run that was due while every process was down and the
 * tick right after it (BullMQ's catch-up). Both would read the same latest crawl and name it as previous, a fork in
 * the chain. So a run first claims its schedule (`ScheduleStore.claimRun`); while another run holds the claim and
 * can still finish, it waits (moved back to delayed for `waitMs`, no attempt used); a holder that can no longer run
 * (failed for good, gone) is taken over. Recording the crawl releases the claim.
 */
export function createScheduleRunProcessor(deps: ScheduleRunDeps) {
  const waitMs = deps.waitMs ?? 1000;
  return async (job: Job<ScheduleJobData, ScheduleJobResult>, token?: string): Promise<ScheduleJobResult> => {
    const { scheduleId } = job.data;
    const jobId = String(job.id);
    const stop = async (): Promise<ScheduleJobResult> => {
      await deps.queues.removeScheduleRuns(scheduleId);
      deps.onRun?.({ scheduleId, crawlId: null });
      return { crawlId: null };
    };
    const found = await deps.store.get(scheduleId);
    if (!found) return stop();
    let holder = await deps.store.claimRun(scheduleId, found.ttlMs, jobId);
    if (typeof holder === 'string' && !UNFINISHED.has(await deps.queues.scheduleRunState(holder))) {
      holder = await deps.store.claimRun(scheduleId, found.ttlMs, jobId, holder);
    }
    if (holder === false) return stop();
    if (holder !== null) {
      await job.moveToDelayed(Date.now() + waitMs, token);
      deps.onRun?.({ scheduleId, crawlId: null, waitingFor: holder });
      throw new DelayedError();
    }
    // Read again under the claim: the latest crawl may have changed while this run waited for it.
    const state = await deps.store.get(scheduleId);
    if (!state) return stop();
    const previousId = state.schedule.lastCrawlId;
    const crawl = await deps.creator.create({
      owner: state.owner,
      request: state.request,
      idempotencyKey: runIdempotencyKey(job),
      scheduleId,
      ...(previousId === undefined ? {} : { previousId }),
    });
    // A replay (the run was given back after its crawl was created) records the previous crawl it was created with.
    const recorded = { crawlId: crawl.id, previousId: crawl.previousId, jobId };
    if (!(await deps.store.touch(scheduleId, state.ttlMs, recorded))) {
      // Deleted while this run created its crawl: the crawl stands, no further run starts.
      await deps.queues.removeScheduleRuns(scheduleId);
    }
    deps.onRun?.({
      scheduleId,
      crawlId: crawl.id,
      ...(crawl.previousId === undefined ? {} : { previousId: crawl.previousId }),
      replayed: crawl.replayed,
    });
    return { crawlId: crawl.id };
  };
}
