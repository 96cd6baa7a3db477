import type { CrawlRequest, Schedule } from '@kumo/contract';
import { newOpaqueId, withoutWebhookSecret } from './crawl-records.js';
import { indexMember, OwnerIndex } from './owner-index.js';
import { OwnerListing, type OwnerList } from './owner-listing.js';
import { iso, type StateContext, type Timestamp } from './state-context.js';

const SCHEDULE_ID = /^s[0-9a-z]{20}$/;
const SCHEDULE_MEMBER = /^(\d{15}):(s[0-9a-z]{20})$/;

/** A new opaque schedule id: `s` + 20 random base36 characters. */
export function newScheduleId(): string {
  return newOpaqueId('s');
}

/** True for a string shaped like `newScheduleId()`'s output (the API answers 404 for anything else). */
export function isScheduleId(value: string): boolean {
  return SCHEDULE_ID.test(value);
}

/** A schedule as stored: the public fields (without `nextRunAt`, which BullMQ's scheduler knows), owner, TTL. */
export interface ScheduleState {
  schedule: Omit<Schedule, 'nextRunAt'>;
  owner: string;
  /** The request each run creates its crawl from, the webhook's secret included (never returned to clients). */
  request: CrawlRequest;
  /** The TTL of the record, renewed by every run and sweep: longer than the schedule's interval. */
  ttlMs: number;
}

export interface CreateScheduleInput {
  id: string;
  owner: string;
  request: CrawlRequest;
  cron?: string | undefined;
  every?: string | undefined;
  timezone: string;
  createdAt: Timestamp;
  ttlMs: number;
}

/** The record hash → `ScheduleState`; null for an empty hash (deleted or expired). */
function fromRecord(id: string, hash: Readonly<Record<string, string>>): ScheduleState | null {
  if (!hash.owner || !hash.crawl) return null;
  const crawl = JSON.parse(hash.crawl) as CrawlRequest;
  const request =
    hash.webhookSecret && crawl.webhook
      ? { ...crawl, webhook: { ...crawl.webhook, secret: hash.webhookSecret } }
      : crawl;
  return {
    schedule: {
      id,
      crawl,
      ...(hash.cron ? { cron: hash.cron } : {}),
      ...(hash.every ? { every: hash.every } : {}),
      timezone: hash.timezone ?? 'UTC',
      createdAt: hash.createdAt ?? '',
      ...(hash.lastCrawlId ? { lastCrawlId: hash.lastCrawlId } : {}),
    },
    owner: hash.owner,
    request,
    ttlMs: Number(hash.ttlMs),
  };
}

/**
 * Schedules (`result:schedule:<id>`) and each owner's index of them (`result:owner-schedules:<owner>`, an
 * `OwnerIndex` like the crawls'). A record lives until it is deleted: its TTL (longer than the schedule's interval)
 * is renewed by every run and by the schedule sweep (`touch`), and a run or sweep that finds it gone stops the
 * schedule's BullMQ job scheduler, so nothing runs for an owner whose schedule has expired.
 */
export class ScheduleStore {
  readonly #index: OwnerIndex;
  readonly #listing: OwnerListing<ScheduleState>;

  constructor(private readonly context: StateContext) {
    this.#index = new OwnerIndex(context, {
      key: (owner) => context.keys.ownerSchedules(owner),
      member: SCHEDULE_MEMBER,
      recordOf: async (id) => {
        const [owner, createdAt] = await context.store.hmGet(context.keys.schedule(id), ['owner', 'createdAt']);
        return owner == null ? null : { owner, createdAt: createdAt ?? '' };
      },
    });
    this.#listing = new OwnerListing(this.#index, async (id) => {
      const state = await this.get(id);
      return state && { owner: state.owner, createdAt: state.schedule.createdAt, item: state };
    });
  }

  /**
   * Creates the record and lists it in its owner's index (written first, as for crawls: see `OwnerIndex`). A
   * webhook's secret is kept apart (field `webhookSecret`), so nothing that returns the schedule returns it.
   */
  async create(input: CreateScheduleInput): Promise<ScheduleState> {
    const createdAt = iso(input.createdAt);
    const { request, secret } = withoutWebhookSecret(input.request);
    const fields: Record<string, string> = {
      owner: input.owner,
      crawl: JSON.stringify(request),
      timezone: input.timezone,
      createdAt,
      ttlMs: String(input.ttlMs),
      ...(input.cron === undefined ? {} : { cron: input.cron }),
      ...(input.every === undefined ? {} : { every: input.every }),
      ...(secret === undefined ? {} : { webhookSecret: secret }),
    };
    await this.#index.add(input.owner, input.id, createdAt, input.ttlMs);
    // create-crawl-1.lua creates any record hash unless it exists; ids are random, so it always creates here.
    await this.context.commands.createCrawl({
      keys: [{ key: this.context.keys.schedule(input.id), ttl: input.ttlMs }],
      args: Object.entries(fields).flat(),
    });
    return (await this.get(input.id))!;
  }

  /** The schedule, its owner, request and TTL; null when deleted, expired or never created. */
  async get(id: string): Promise<ScheduleState | null> {
    return fromRecord(id, await this.context.store.hGetAll(this.context.keys.schedule(id)));
  }

  /**
   * Claims the schedule for the run `jobId` (its BullMQ job id) and renews the record for `ttlMs`, so that no two
   * runs of one schedule overlap (they would name the same previous crawl): null when the run holds the claim (now,
   * or already: a retried run), the holder's job id when another run does, false when the record is gone.
   * `takeOverFrom` names a holder that can no longer run (failed for good, removed): its claim passes to this run.
   * `touch` with the run's job id releases the claim.
   */
  async claimRun(id: string, ttlMs: number, jobId: string, takeOverFrom = ''): Promise<string | null | false> {
    const reply = await this.context.commands.claimScheduleRun({
      keys: [{ key: this.context.keys.schedule(id), ttl: ttlMs }],
      args: [jobId, takeOverFrom],
    });
    if (typeof reply !== 'string') return false;
    return reply === '' ? null : reply;
  }

  /**
   * Renews the record and its owner's index for `ttlMs`. With a `run`, records its crawl as the latest run's when it
   * follows the latest (its `previousId` is the recorded `lastCrawlId`: a run given back after a crash never puts
   * the schedule back to an older crawl), and releases the run's claim (`claimRun`). False when the record is gone
   * (deleted or expired): it is never re-created.
   */
  async touch(
    id: string,
    ttlMs: number,
    run?: { crawlId: string; previousId?: string | undefined; jobId: string },
  ): Promise<boolean> {
    const owner = await this.context.commands.touchSchedule({
      keys: [{ key: this.context.keys.schedule(id), ttl: ttlMs }],
      args: [run?.crawlId ?? '', run?.previousId ?? '', run?.jobId ?? ''],
    });
    if (typeof owner !== 'string') return false;
    await this.#index.renew(owner, ttlMs);
    return true;
  }

  /** Deletes the record and its index entry; false when it did not exist. */
  async delete(state: Pick<ScheduleState, 'owner' | 'schedule'>): Promise<boolean> {
    const { id, createdAt } = state.schedule;
    const deleted = await this.context.store.del(this.context.keys.schedule(id));
    await this.#index.remove(state.owner, [indexMember(Date.parse(createdAt), id)]);
    return deleted > 0;
  }

  /** A page of `owner`'s schedules, newest first (`InvalidCursorError` for a cursor it did not produce). */
  async list(owner: string, options: { cursor?: string; limit?: number } = {}): Promise<OwnerList<ScheduleState>> {
    return this.#listing.list(owner, options);
  }
}
