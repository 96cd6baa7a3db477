import { scheduleRequestSchema, type Schedule, type SchedulesPage } from '@kumo/contract';
import { fieldErrors, InvalidCrawlRequestError, type CrawlCreator, type FieldError } from '@kumo/crawl-creation';
import { isScheduleId, newScheduleId, type ScheduleState, type ScheduleStore } from '@kumo/crawl-state';
import type { KumoQueues } from '@kumo/queues';
import { InvalidScheduleError } from './errors.js';
import { parseScheduleSpec, type ScheduleSpec } from './schedule-spec.js';
import { scheduleTtlMs } from './schedule-ttl.js';

/** The job scheduler operations schedules need (`KumoQueues` of `@kumo/queues` has them). */
export type ScheduleQueues = Pick<KumoQueues, 'upsertScheduleRuns' | 'removeScheduleRuns' | 'nextScheduleRun'>;

export interface SchedulesOptions {
  store: ScheduleStore;
  queues: ScheduleQueues;
  /** Checks each schedule's crawl request against the deployment's limits, as `POST /v1/crawls` does. */
  creator: Pick<CrawlCreator, 'check'>;
  /** Shortest `every` (`SCHEDULE_MIN_INTERVAL_MS`). */
  minIntervalMs: number;
  /** The crawl records' TTL (`RESULT_TTL_S` × 1000): a schedule's keys live at least as long. */
  resultTtlMs: number;
  /** `SCHEDULE_SWEEP_INTERVAL_S` × 1000: a schedule's keys outlive two sweeps. */
  sweepIntervalMs: number;
}

/** A schedule request, checked: the crawl request and when it runs. */
export interface ParsedSchedule {
  request: ReturnType<typeof scheduleRequestSchema.parse>;
  spec: ScheduleSpec;
}

/**
 * The schedules of `POST/GET/DELETE /v1/schedules`: a record per schedule (`ScheduleStore`) and a BullMQ job
 * scheduler per schedule whose jobs the crawl workers run (`createScheduleRunProcessor`). Owned by the key that
 * created them: every other owner gets null, as if they did not exist.
 */
export class Schedules {
  constructor(private readonly options: SchedulesOptions) {}

  /** The checked request, or `InvalidScheduleError` naming every field it refuses (`crawl.…` for the crawl's). */
  parse(body: unknown): ParsedSchedule {
    if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new InvalidScheduleError('The body must be a JSON object.', [
        { path: '', message: 'expected a JSON object' },
      ]);
    }
    const parsed = scheduleRequestSchema.safeParse(body);
    if (!parsed.success) throw new InvalidScheduleError('The schedule request is invalid.', fieldErrors(parsed.error));
    const errors: FieldError[] = [];
    try {
      this.options.creator.check(parsed.data.crawl);
    } catch (error) {
      if (!(error instanceof InvalidCrawlRequestError)) throw error;
      errors.push(...error.errors.map(({ path, message }) => ({ path: `crawl.${path}`, message })));
    }
    const spec = parseScheduleSpec(parsed.data, this.options.minIntervalMs);
    if (Array.isArray(spec)) errors.push(...spec);
    if (errors.length > 0 || Array.isArray(spec)) {
      throw new InvalidScheduleError('The schedule request is invalid.', errors);
    }
    return { request: parsed.data, spec };
  }

  /**
   * Creates the schedule: its record first, then its job scheduler (a run finds the record; with `every`, the
   * first run is at once). A scheduler that cannot be added leaves no record behind.
   */
  async create(owner: string, parsed: ParsedSchedule): Promise<Schedule> {
    const { request, spec } = parsed;
    const id = newScheduleId();
    const ttlMs = scheduleTtlMs(spec.intervalMs, this.options);
    const state = await this.options.store.create({
      id,
      owner,
      request: request.crawl,
      cron: spec.cron,
      every: spec.every,
      timezone: spec.timezone,
      createdAt: new Date(),
      ttlMs,
    });
    let nextMs: number;
    try {
      nextMs = await this.options.queues.upsertScheduleRuns(id, spec.repeat);
    } catch (error) {
      await this.options.store.delete(state).catch(() => false);
      throw error;
    }
    return { ...state.schedule, nextRunAt: new Date(nextMs).toISOString() };
  }

  /** The owner's schedule, or null (unknown, deleted, expired, malformed id, someone else's). */
  async get(owner: string, id: string): Promise<Schedule | null> {
    const state = await this.#owned(owner, id);
    return state && this.#withNextRun(state);
  }

  /** A page of the owner's schedules, newest first. */
  async list(owner: string, options: { cursor?: string; limit?: number } = {}): Promise<SchedulesPage> {
    const page = await this.options.store.list(owner, options);
    return {
      items: await Promise.all(page.items.map((state) => this.#withNextRun(state))),
      nextCursor: page.nextCursor,
    };
  }

  /** Stops the schedule's runs at once and deletes it; false when the owner has no such schedule. */
  async delete(owner: string, id: string): Promise<boolean> {
    const state = await this.#owned(owner, id);
    if (!state) return false;
    // The scheduler first: once it is gone no run starts, whatever happens to the record.
    await this.options.queues.removeScheduleRuns(id);
    await this.options.store.delete(state);
    return true;
  }

  async #owned(owner: string, id: string): Promise<ScheduleState | null> {
    if (!isScheduleId(id)) return null;
    const state = await this.options.store.get(id);
    return state && state.owner === owner ? state : null;
  }

  /** The public schedule with `nextRunAt` from its job scheduler (the one source of when it runs). */
  async #withNextRun(state: ScheduleState): Promise<Schedule> {
    const next = await this.options.queues.nextScheduleRun(state.schedule.id);
    // A scheduler missing while its record exists is being re-created or stopped: the record's time is shown then.
    return { ...state.schedule, nextRunAt: new Date(next ?? Date.parse(state.schedule.createdAt)).toISOString() };
  }
}
