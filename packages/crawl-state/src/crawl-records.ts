import { randomBytes } from 'node:crypto';
import type { Crawl, CrawlCounts, CrawlRequest, CrawlStatus, CrawlWebhook, WebhookDelivery } from '@kumo/contract';
import { CrawlExistsError } from './errors.js';
import type { OwnerIndex } from './owner-index.js';
import { iso, type StateContext, type Timestamp } from './state-context.js';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
const ID_PATTERN = /^c[0-9a-z]{20}$/;

/**
 * A new opaque id: `prefix` + 20 random base36 characters (about 103 bits). No `:`, `{` or `}`, so it is a valid key
 * segment and a valid BullMQ custom job id, and never looks like an integer (BullMQ refuses those).
 */
export function newOpaqueId(prefix: string): string {
  let id = prefix;
  while (id.length < prefix.length + 20) {
    for (const byte of randomBytes(32)) {
      // 252 = 7 × 36: rejecting larger bytes keeps every character equally likely.
      if (byte < 252 && id.length < prefix.length + 20) id += ALPHABET[byte % 36];
    }
  }
  return id;
}

/** A new opaque crawl id: `c` + 20 random base36 characters (`newOpaqueId`). */
export function newCrawlId(): string {
  return newOpaqueId('c');
}

/** True for a string shaped like `newCrawlId()`'s output (the API rejects anything else with 404). */
export function isCrawlId(value: string): boolean {
  return ID_PATTERN.test(value);
}

/**
 * A crawl id as it arrives in a URL path segment (percent-encoded): the decoded text, or undefined when its
 * percent-encoding is malformed (`%ZZ`, a lone `%`, invalid UTF-8), which the API answers 400 rather than letting
 * the decoder throw. A decoded text that is not shaped like a crawl id is still a well-formed request: `isCrawlId`
 * decides, and the API answers 404 so ids cannot be probed.
 */
export function decodeCrawlIdSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/**
 * The counter fields of the record hash, in `CrawlCounts` order. `dropped` (links `maxPages` turned away) is moved
 * only by `admit-urls-3.lua`; records written before it existed lack it and read as 0.
 */
const COUNT_FIELDS = ['discovered', 'fetched', 'failed', 'skipped', 'analyzed', 'dropped'] as const;

/** A crawl as stored: the public `Crawl`, its owner and the cancel flag. */
export interface CrawlState {
  crawl: Crawl;
  /** Who created it (the API answers 404 to everyone else). */
  owner: string;
  cancelRequested: boolean;
  /** The stream id of the crawl's `done` event, once it is appended (the record's `doneId`). */
  doneEventId?: string;
}

/**
 * Counters from HMGET replies (missing fields count 0). `notModified` (pages a `304` stood in for) is there on a crawl
 * with a `previousId` or once the field exists, so other crawls' counts keep their shape.
 */
function toCounts(
  values: readonly (string | null | undefined)[],
  notModified?: string | null,
  previousId?: string | null,
): Required<Omit<CrawlCounts, 'notModified'>> & Pick<CrawlCounts, 'notModified'> {
  const [discovered, fetched, failed, skipped, analyzed, dropped] = COUNT_FIELDS.map((_, index) =>
    Number(values[index] ?? 0),
  );
  return {
    discovered: discovered!,
    fetched: fetched!,
    failed: failed!,
    skipped: skipped!,
    analyzed: analyzed!,
    dropped: dropped!,
    ...(notModified != null || previousId ? { notModified: Number(notModified ?? 0) } : {}),
  };
}

/** `truncated` is derived from `counts.dropped`, not stored: one source, no two values to keep in step. */
function withCounts(
  values: readonly (string | null | undefined)[],
  notModified?: string | null,
  previousId?: string | null,
): Pick<Crawl, 'counts' | 'truncated'> {
  const counts = toCounts(values, notModified, previousId);
  return { counts, truncated: counts.dropped > 0 };
}

/**
 * `Crawl.webhook` of a request with a `webhook`: its URL and the attempts `WebhookDeliveries` recorded (the record's
 * `deliveries` field). The secret (field `webhookSecret`) is never read here: no answer can carry it.
 */
function webhookOf(request: CrawlRequest, deliveries: string | undefined): { webhook?: CrawlWebhook } {
  if (!request.webhook) return {};
  let list: WebhookDelivery[] = [];
  try {
    const parsed: unknown = JSON.parse(deliveries ?? '[]');
    // Lua's cjson writes object keys in any order: rebuilt in the contract's.
    if (Array.isArray(parsed)) {
      list = (parsed as WebhookDelivery[]).map(({ at, status, attempt, error }) => ({
        at,
        status,
        attempt,
        ...(error === undefined ? {} : { error }),
      }));
    }
  } catch {
    // A damaged field shows no attempts rather than failing every read of the crawl.
  }
  return { webhook: { url: request.webhook.url, deliveries: list } };
}

/** A crawl's schedule and previous run, when a schedule's run created it (fields `scheduleId`, `previousId`). */
export interface CrawlLineage {
  scheduleId?: string | undefined;
  previousId?: string | undefined;
}

/** The lineage fields that are set, and only those (an ordinary crawl has neither). */
function lineageOf(source: CrawlLineage): Pick<Crawl, 'scheduleId' | 'previousId'> {
  return {
    ...(source.scheduleId ? { scheduleId: source.scheduleId } : {}),
    ...(source.previousId ? { previousId: source.previousId } : {}),
  };
}

/** The record hash → `CrawlState`; null for an empty hash (missing or expired crawl). */
function fromRecord(id: string, hash: Readonly<Record<string, string>>): CrawlState | null {
  if (!hash.status) return null;
  const request = JSON.parse(hash.request ?? '{}') as CrawlRequest;
  const crawl: Crawl = {
    id,
    status: hash.status as CrawlStatus,
    request,
    createdAt: hash.createdAt ?? '',
    ...(hash.startedAt ? { startedAt: hash.startedAt } : {}),
    ...(hash.finishedAt ? { finishedAt: hash.finishedAt } : {}),
    ...withCounts(
      COUNT_FIELDS.map((field) => hash[field]),
      hash.notModified,
      hash.previousId,
    ),
    ...webhookOf(request, hash.deliveries),
    ...lineageOf(hash),
  };
  return {
    crawl,
    owner: hash.owner ?? '',
    cancelRequested: hash.cancel === '1',
    ...(hash.doneId ? { doneEventId: hash.doneId } : {}),
  };
}

/** The request as stored and returned (its webhook without the secret), and the secret. */
export function withoutWebhookSecret(request: CrawlRequest): { request: CrawlRequest; secret: string | undefined } {
  if (request.webhook?.secret === undefined) return { request, secret: undefined };
  const { secret, ...webhook } = request.webhook;
  return { request: { ...request, webhook }, secret };
}

/**
 * The crawl record (`result:{b:NN}:crawl:<id>`, keyed by a `newCrawlId()` id): creating it and reading it. Its
 * status moves only through `CrawlLifecycle` (see `CRAWL_TRANSITIONS`); its counters move with the result stream's
 * appends.
 */
export class CrawlRecords {
  constructor(
    private readonly context: StateContext,
    private readonly index: OwnerIndex,
  ) {}

  /**
   * Creates the record (`queued`, counters 0) and lists it in its owner's index (written first: see `OwnerIndex`);
   * `CrawlExistsError` when the id is taken. A webhook's secret is kept apart from the request (field `webhookSecret`,
   * same key and TTL): `request.webhook` is stored without it, so nothing that returns the request can return it.
   */
  async createCrawl(
    input: {
      id: string;
      owner: string;
      request: CrawlRequest;
      createdAt: Timestamp;
    } & CrawlLineage,
  ): Promise<CrawlState> {
    const createdAt = iso(input.createdAt);
    const { request, secret } = withoutWebhookSecret(input.request);
    const fields: Record<string, string> = {
      status: 'queued',
      request: JSON.stringify(request),
      owner: input.owner,
      createdAt,
      ...Object.fromEntries(COUNT_FIELDS.map((field) => [field, '0'])),
      ...(secret === undefined ? {} : { webhookSecret: secret }),
      ...lineageOf(input),
    };
    const member = await this.index.add(input.owner, input.id, createdAt);
    const created = await this.context.commands.createCrawl({
      keys: [this.context.record(input.id)],
      args: Object.entries(fields).flat(),
    });
    if (Number(created) !== 1) {
      await this.index.remove(input.owner, [member]);
      throw new CrawlExistsError(input.id);
    }
    // Bounds an index that is written to but never listed; a failure here is left to the next creation or listing.
    await this.index.pruneOldest(input.owner, Date.now()).catch(() => 0);
    return {
      crawl: {
        id: input.id,
        status: 'queued',
        request,
        createdAt,
        ...withCounts([], null, input.previousId),
        ...webhookOf(request, undefined),
        ...lineageOf(input),
      },
      owner: input.owner,
      cancelRequested: false,
    };
  }

  /** The crawl, its owner and cancel flag; null when unknown or expired. */
  async getCrawl(id: string): Promise<CrawlState | null> {
    return fromRecord(id, await this.context.store.hGetAll(this.context.keys.record(id)));
  }

  /** The counters; null when the crawl is unknown. */
  async counts(id: string): Promise<CrawlCounts | null> {
    const fields = ['status', ...COUNT_FIELDS, 'notModified', 'previousId'];
    const values = await this.context.store.hmGet(this.context.keys.record(id), fields);
    if (values[0] === null) return null;
    return toCounts(values.slice(1), values[COUNT_FIELDS.length + 1], values[COUNT_FIELDS.length + 2]);
  }

  /** True once `CrawlLifecycle.requestCancel` raised the crawl's cancel flag. */
  async isCancelRequested(id: string): Promise<boolean> {
    return (await this.context.store.hGet(this.context.keys.record(id), 'cancel')) === '1';
  }
}
