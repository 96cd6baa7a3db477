import { InvalidStateOptionError } from './errors.js';
import { decodeListCursor, encodeListCursor } from './list-cursor.js';
import { entryVerdict, type OwnerIndex } from './owner-index.js';

/** Items per list page: 1-100, default 20 (CONTRACT.md). */
export const LIST_LIMIT = { min: 1, max: 100, default: 20 } as const;

/**
 * Most index entries one listing examines. With a filter that few items match, a page may end before it is full,
 * with a `nextCursor` to go on from: each request does bounded work however long the index.
 */
const MAX_EXAMINED = 1000;

/** A record as a listing needs it: its owner and creation time (checked against its index entry), and the item. */
export interface ListedRecord<T> {
  owner: string;
  createdAt: string;
  item: T;
}

export interface OwnerListOptions<T> {
  /** A `nextCursor` of an earlier page. Default: from the newest item. */
  cursor?: string | undefined;
  /** Most items returned, 1-100. Default 20. */
  limit?: number | undefined;
  /** Only the items it accepts. Default: all. */
  accept?: ((item: T) => boolean) | undefined;
}

/** One page of an owner's items; `nextCursor` is null on the last page. */
export interface OwnerList<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * An owner's records (crawls, schedules), newest first, read through an `OwnerIndex` (each entry checked against its
 * record). The cursor is the last entry examined, so records created while a client pages through (newer than its
 * first page) never shift what it reads: nothing is missed or repeated.
 */
export class OwnerListing<T> {
  constructor(
    private readonly index: OwnerIndex,
    private readonly load: (id: string) => Promise<ListedRecord<T> | null>,
  ) {}

  /** A page of `owner`'s items; `InvalidCursorError` for a cursor this index did not produce. */
  async list(owner: string, options: OwnerListOptions<T> = {}): Promise<OwnerList<T>> {
    const limit = options.limit ?? LIST_LIMIT.default;
    if (!Number.isInteger(limit) || limit < LIST_LIMIT.min || limit > LIST_LIMIT.max) {
      throw new InvalidStateOptionError(`limit must be an integer from 1 to 100, got ${String(limit)}`);
    }
    const { accept } = options;
    let below = options.cursor === undefined ? undefined : decodeListCursor(options.cursor, (m) => this.index.parse(m));
    const items: T[] = [];
    const stale: string[] = [];
    let examined = 0;
    let nextCursor: string | null = null;
    const now = Date.now();

    scan: for (;;) {
      // One more than still needed tells whether anything follows; more when a filter may skip entries.
      const count = Math.min(100, Math.max(limit - items.length + 1, accept ? 50 : 1));
      const entries = await this.index.range(owner, { ...(below ? { below } : {}), count, order: 'desc' });
      const records = await Promise.all(entries.map((entry) => this.load(entry.crawlId)));
      for (const [position, entry] of entries.entries()) {
        if (items.length === limit) {
          nextCursor = below ?? null;
          break scan;
        }
        const record = records[position] ?? null;
        const verdict = entryVerdict(entry, owner, record, now);
        if (verdict === 'stale') stale.push(entry.member);
        if (verdict === 'live' && (!accept || accept(record!.item))) items.push(record!.item);
        below = entry.member;
        examined++;
      }
      if (entries.length < count) break;
      if (examined >= MAX_EXAMINED) {
        nextCursor = below ?? null;
        break;
      }
    }
    await this.index.remove(owner, stale);
    return { items, nextCursor: nextCursor === null ? null : encodeListCursor(nextCursor) };
  }
}
