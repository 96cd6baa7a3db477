import type { KumoKey } from '@kumo/keyspace';
import type { StateContext } from './state-context.js';

/** One entry of an owner's index: a record's id and the creation time its record must show. */
export interface IndexEntry {
  /** The sorted-set member: `<createdAt ms, 15 digits>:<id>`. */
  readonly member: string;
  readonly createdMs: number;
  /** The id of the listed record: a crawl's (in a schedule index, a schedule's). */
  readonly crawlId: string;
}

/** `isCrawlId`'s pattern after the time (repeated here: crawl-records.ts imports this file). */
const MEMBER = /^(\d{15}):(c[0-9a-z]{20})$/;

/**
 * What one kind of owner index lists (crawls by default; schedules too): its key per owner, the members' pattern
 * (`<15 digits>:<id>`), and the owner and creation time of an id's record (null when it does not exist).
 */
export interface IndexedKind {
  key(owner: string): KumoKey<'result'>;
  member: RegExp;
  recordOf(id: string): Promise<{ owner: string; createdAt: string } | null>;
}

/** The member of a crawl: fixed-width milliseconds first, so lexicographic order is creation order. */
export function indexMember(createdMs: number, crawlId: string): string {
  return `${String(createdMs).padStart(15, '0')}:${crawlId}`;
}

/** The entry a member names, or undefined for anything `indexMember` cannot have produced (for ids of `pattern`). */
export function parseIndexMember(member: string, pattern: RegExp = MEMBER): IndexEntry | undefined {
  const match = pattern.exec(member);
  if (!match) return undefined;
  return { member, createdMs: Number(match[1]), crawlId: match[2]! };
}

/**
 * How long an entry whose record is missing is given before it counts as stale: the entry is written just before
 * the record (different cluster slots, so not in one script), and a listing that ran in between must not remove it.
 */
export const PENDING_GRACE_MS = 5 * 60_000;

/** At most this many of the oldest entries are checked for expiry on each crawl creation. */
const PRUNE_ON_CREATE = 4;

/**
 * What the record of an entry says about it: `live` (the owner's crawl, created then), `pending` (no record yet,
 * within the grace), or `stale` (expired record, another owner's, or an entry of a creation that was retried).
 */
export function entryVerdict(
  entry: IndexEntry,
  owner: string,
  record: { owner: string; createdAt: string } | null,
  now: number,
): 'live' | 'pending' | 'stale' {
  if (record === null) return now - entry.createdMs < PENDING_GRACE_MS ? 'pending' : 'stale';
  return record.owner === owner && Date.parse(record.createdAt) === entry.createdMs ? 'live' : 'stale';
}

/**
 * Each owner's crawls (`result:owner-crawls:<owner>`), the index behind `GET /v1/crawls`. A crawl's entry is
 * written before its record: a crawl is never created unlisted, and an entry without a record (a crash between the
 * two) is pruned once it is older than `PENDING_GRACE_MS`. An entry lives as long as its crawl: the index key's TTL
 * is renewed to the record's TTL on every creation, every settle and every webhook delivery recorded (the writes
 * that renew the record's TTL after its crawl settled; never shortened), and entries whose record has
 * expired are removed by the listings that meet them and by the creations after them (the oldest few each time).
 */
export class OwnerIndex {
  readonly #kind: IndexedKind;

  /** An index of crawls, or of the records `kind` names (schedules: `ScheduleStore`). */
  constructor(
    private readonly context: StateContext,
    kind?: IndexedKind,
  ) {
    this.#kind = kind ?? {
      key: (owner) => context.keys.ownerCrawls(owner),
      member: MEMBER,
      recordOf: async (id) => {
        const [owner, createdAt] = await context.store.hmGet(context.keys.record(id), ['owner', 'createdAt']);
        return owner == null ? null : { owner, createdAt: createdAt ?? '' };
      },
    };
  }

  private index(owner: string, ttlMs = this.context.resultTtlMs) {
    return { key: this.#kind.key(owner), ttl: ttlMs };
  }

  /** The entry of a member of this index, or undefined for anything else (cursors are checked with it). */
  parse(member: string): IndexEntry | undefined {
    return parseIndexMember(member, this.#kind.member);
  }

  /**
   * Adds the record's id (before the record is written); returns its member. The index lives at least `ttlMs`
   * (default: the crawl record TTL) from now.
   */
  async add(owner: string, crawlId: string, createdAt: string, ttlMs?: number): Promise<string> {
    const member = indexMember(Date.parse(createdAt), crawlId);
    await this.context.commands.indexCrawl({ keys: [this.index(owner, ttlMs)], args: [member] });
    return member;
  }

  /** Keeps the owner's index alive at least `ttlMs` from now (never shortened). */
  async renew(owner: string, ttlMs: number): Promise<void> {
    await this.context.commands.indexCrawl({ keys: [this.index(owner, ttlMs)], args: [''] });
  }

  /** Removes members (stale entries, or the entry of a creation that failed). */
  async remove(owner: string, members: readonly string[]): Promise<void> {
    await this.context.store.zRem(this.#kind.key(owner), members);
  }

  /**
   * Renews the index of a crawl's owner to the record's TTL (when the crawl settles, when a webhook delivery is
   * recorded); nothing for an unknown crawl.
   */
  async renewOf(crawlId: string): Promise<void> {
    const owner = await this.context.store.hGet(this.context.keys.record(crawlId), 'owner');
    if (owner) await this.context.commands.indexCrawl({ keys: [this.index(owner)], args: [''] });
  }

  /** Entries newest first (`desc`) or oldest first (`asc`), below `below` (a member, exclusive) when given. */
  async range(owner: string, options: { below?: string; count: number; order: 'asc' | 'desc' }): Promise<IndexEntry[]> {
    const members = await this.context.store.zRangeByLex(this.#kind.key(owner), options);
    return members.map((member) => this.parse(member)).filter((entry) => entry !== undefined);
  }

  /**
   * Removes the stale ones among the owner's oldest entries that are older than the record TTL (younger records
   * cannot have expired yet), so an index that is written to but never listed stays bounded. Returns how many.
   */
  async pruneOldest(owner: string, now: number): Promise<number> {
    const cutoff = indexMember(Math.max(0, now - this.context.resultTtlMs), '');
    const oldest = await this.range(owner, { below: cutoff, count: PRUNE_ON_CREATE, order: 'asc' });
    const stale: string[] = [];
    for (const entry of oldest) {
      const record = await this.#kind.recordOf(entry.crawlId);
      if (entryVerdict(entry, owner, record, now) === 'stale') stale.push(entry.member);
    }
    await this.remove(owner, stale);
    return stale.length;
  }
}
