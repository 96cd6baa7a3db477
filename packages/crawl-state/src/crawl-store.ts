import { channel } from 'node:diagnostics_channel';
import type {
  Analysis,
  CrawlCounts,
  CrawlEventType,
  CrawlRequest,
  CrawlStatus,
  PageResult,
  Report,
} from '@kumo/contract';
import { PURPOSES, type KeyStore } from '@kumo/keyspace';
import { bindCommands, ScriptCode, type CrawlCommands } from './commands.js';
import { CrawlKeys } from './crawl-keys.js';
import { COUNT_FIELDS, fromRecord, toCounts, type CrawlState } from './crawl-record.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { CrawlExistsError, CrawlNotFoundError, InvalidStateOptionError } from './errors.js';

export interface CrawlStoreOptions {
  /** TTL of the crawl record, result stream, indexes and report (`RESULT_TTL_S` × 1000). Required. */
  resultTtlMs: number;
  /** TTL of the seen-set and page texts (`TMP_TTL_S` × 1000). Required. */
  tmpTtlMs: number;
  /** At most one `progress` event per crawl per this interval. Default 250. */
  progressIntervalMs?: number;
}

/** A timestamp: a Date or an ISO 8601 string. Stored as ISO 8601 UTC. */
export type Timestamp = Date | string;

/** One event of a crawl's result stream; `data` is the raw JSON (the SSE `data:` line as is). */
export interface CrawlEvent {
  /** The stream entry id: the SSE `id:`. */
  id: string;
  type: CrawlEventType;
  data: string;
}

export interface ReadEventsOptions {
  /** Exclusive start (a stream id, e.g. `Last-Event-ID`). Default: from the beginning. */
  after?: string;
  /** Most events returned. Required: a stream can be long. */
  count: number;
}

export interface ReadPagesOptions {
  /** A `nextCursor` of an earlier call. Default: from the beginning. */
  cursor?: string;
  /** Most pages returned (the API allows 1-500). */
  limit: number;
}

export interface PagesResult {
  items: PageResult[];
  /** Where the next call continues; null when the stream holds no further page right now. */
  nextCursor: string | null;
}

export type IdempotencyResult = { created: true } | { created: false; crawlId: string; bodyHash: string };

/** URLs per SMISMEMBER of `seenAmong`: one round trip each, with a bounded request size. */
const SEEN_CHUNK = 1000;
/** Idempotency keys live 24 h (CONTRACT.md). */
const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
const TERMINAL = new Set<string>(['completed', 'failed', 'cancelled']);
const admitChannel = channel('kumo:crawl-state:admit');

function iso(at: Timestamp): string {
  return (typeof at === 'string' ? new Date(at) : at).toISOString();
}

function checkTtl(name: string, value: unknown, maxMs: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0 || value > maxMs) {
    throw new InvalidStateOptionError(
      `${name} must be a positive integer of milliseconds up to ${maxMs}, got ${String(value)}`,
    );
  }
  return value;
}

/**
 * Per-crawl state in Redis (docs/architecture.md's key table): the record, the seen-set, the result stream and
 * its indexes, page texts, the report. Writes of one crawl are Lua scripts on keys sharing the crawl's bucket tag,
 * so they are atomic across every worker, on a single node and on a cluster.
 */
export class CrawlStore {
  /** The key builder of every crawl key. */
  readonly keys: CrawlKeys;
  private readonly resultTtlMs: number;
  private readonly tmpTtlMs: number;
  private readonly progressIntervalMs: number;
  private readonly commands: CrawlCommands;

  constructor(
    private readonly store: KeyStore,
    options: CrawlStoreOptions,
  ) {
    this.resultTtlMs = checkTtl('resultTtlMs', options.resultTtlMs, PURPOSES.result.maxTtlMs);
    this.tmpTtlMs = checkTtl('tmpTtlMs', options.tmpTtlMs, PURPOSES.tmp.maxTtlMs);
    this.progressIntervalMs = checkTtl('progressIntervalMs', options.progressIntervalMs ?? 250, PURPOSES.lock.maxTtlMs);
    this.keys = new CrawlKeys(store.keySpace);
    this.commands = bindCommands(store);
  }

  // --- the record

  /** Creates the record (`queued`, counters 0); `CrawlExistsError` when the id is taken. */
  async createCrawl(input: {
    id: string;
    owner: string;
    request: CrawlRequest;
    createdAt: Timestamp;
  }): Promise<CrawlState> {
    const createdAt = iso(input.createdAt);
    const fields: Record<string, string> = {
      status: 'queued',
      request: JSON.stringify(input.request),
      owner: input.owner,
      createdAt,
      ...Object.fromEntries(COUNT_FIELDS.map((field) => [field, '0'])),
    };
    const created = await this.commands.createCrawl({
      keys: [{ key: this.keys.record(input.id), ttl: this.resultTtlMs }],
      args: Object.entries(fields).flat(),
    });
    if (Number(created) !== 1) throw new CrawlExistsError(input.id);
    return {
      crawl: { id: input.id, status: 'queued', request: input.request, createdAt, counts: toCounts([]) },
      owner: input.owner,
      cancelRequested: false,
    };
  }

  /** The crawl, its owner and cancel flag; null when unknown or expired. */
  async getCrawl(id: string): Promise<CrawlState | null> {
    return fromRecord(id, await this.store.hGetAll(this.keys.record(id)));
  }

  /** The counters; null when the crawl is unknown. */
  async counts(id: string): Promise<CrawlCounts | null> {
    const values = await this.store.hmGet(this.keys.record(id), ['status', ...COUNT_FIELDS]);
    if (values[0] === null) return null;
    return toCounts(values.slice(1));
  }

  /** queued → running, once (sets startedAt). True when this call made the move. */
  async markRunning(id: string, at: Timestamp): Promise<boolean> {
    const reply = await this.commands.markRunning({ keys: [this.record(id)], args: [iso(at)] });
    return this.check(id, reply) === 1;
  }

  /** Sets a terminal status and finishedAt unless already terminal; returns the final status (first one wins). */
  async finish(id: string, status: 'completed' | 'failed' | 'cancelled', at: Timestamp): Promise<CrawlStatus> {
    const reply = await this.commands.finishCrawl({ keys: [this.record(id)], args: [status, iso(at)] });
    return this.check(id, reply) as CrawlStatus;
  }

  /** Raises the cancel flag (workers start no new fetch); returns the current status, null when unknown. */
  async requestCancel(id: string): Promise<CrawlStatus | null> {
    const reply = await this.commands.requestCancel({ keys: [this.record(id)] });
    return reply === ScriptCode.CrawlNotFound ? null : (reply as CrawlStatus);
  }

  async isCancelRequested(id: string): Promise<boolean> {
    return (await this.store.hGet(this.keys.record(id), 'cancel')) === '1';
  }

  // --- admission

  /**
   * Admits URLs (already normalised): returns, in order, those newly added to the seen-set while
   * `counts.discovered` stays ≤ `maxPages`. Atomic across all workers. A cancelled crawl admits none.
   */
  async admitUrls(id: string, urls: readonly string[], maxPages: number): Promise<string[]> {
    if (urls.length === 0) return [];
    const reply = await this.commands.admitUrls({
      keys: [
        { key: this.keys.seen(id), ttl: this.tmpTtlMs },
        { key: this.keys.record(id), ttl: this.resultTtlMs },
      ],
      args: [maxPages, ...urls],
    });
    const admitted = this.check(id, reply) as string[];
    if (admitChannel.hasSubscribers)
      admitChannel.publish({ crawlId: id, offered: urls.length, admitted: admitted.length });
    return admitted;
  }

  /**
   * Which of `urls` (normalised) are in the crawl's seen-set, i.e. were admitted by some worker: one boolean per
   * URL, in order. One SMISMEMBER round trip per 1,000 URLs. All false when the crawl's tmp data is gone.
   */
  async seenAmong(id: string, urls: readonly string[]): Promise<boolean[]> {
    const seen: boolean[] = [];
    for (let start = 0; start < urls.length; start += SEEN_CHUNK) {
      const chunk = urls.slice(start, start + SEEN_CHUNK);
      for (const found of await this.store.sMIsMember(this.keys.seen(id), chunk)) seen.push(found);
    }
    return seen;
  }

  // --- the result stream

  /**
   * Appends a `page` event (the PageResult without `analysis`), counts it as fetched, failed or skipped, and emits
   * a throttled `progress` event. Idempotent per URL: a retry returns the first event's id and counts nothing.
   */
  async appendPage(id: string, page: PageResult): Promise<string> {
    const { analysis: _analysis, ...withoutAnalysis } = page;
    const reply = await this.commands.appendPage({
      keys: [this.events(id), this.record(id), { key: this.keys.pageIndex(id), ttl: this.resultTtlMs }, this.lock(id)],
      args: [page.url, JSON.stringify(withoutAnalysis), page.status],
    });
    return String(this.check(id, reply));
  }

  /** Appends an `analysis` event, indexes it by URL, counts `analyzed`; idempotent per URL like `appendPage`. */
  async appendAnalysis(id: string, url: string, analysis: Analysis): Promise<string> {
    const reply = await this.commands.appendAnalysis({
      keys: [
        this.events(id),
        this.record(id),
        { key: this.keys.analysisIndex(id), ttl: this.resultTtlMs },
        this.lock(id),
      ],
      args: [url, JSON.stringify({ url, analysis })],
    });
    return String(this.check(id, reply));
  }

  /** Appends the `done` event `{ status, counts }` with the final counters, once per crawl. */
  async appendDone(id: string, status: CrawlStatus): Promise<string> {
    const reply = await this.commands.appendDone({ keys: [this.events(id), this.record(id)], args: [status] });
    return String(this.check(id, reply));
  }

  /** Events after `after` (exclusive), oldest first; `[]` when there are none (yet) or the crawl is unknown. */
  async readEvents(id: string, options: ReadEventsOptions): Promise<CrawlEvent[]> {
    const entries = await this.store.xRange(this.keys.events(id), {
      ...(options.after === undefined ? {} : { after: options.after }),
      count: options.count,
    });
    return entries.map((entry) => ({
      id: entry.id,
      type: entry.fields.type as CrawlEventType,
      data: entry.fields.data ?? 'null',
    }));
  }

  /**
   * Pages in production order, each with its `analysis` attached when it has one. `nextCursor` is null when the
   * stream holds no further page right now: a running crawl may add more later (clients poll from the start, or
   * follow the events). A full page returns a cursor even if nothing follows (the next call then returns `[]`).
   * Throws `InvalidCursorError` for a cursor kumo did not produce.
   */
  async readPages(id: string, options: ReadPagesOptions): Promise<PagesResult> {
    let after = options.cursor === undefined ? undefined : decodeCursor(options.cursor);
    const events = this.keys.events(id);
    const batch = Math.max(options.limit * 2, 100);
    const pages: PageResult[] = [];
    let lastPageId: string | undefined;
    let exhausted = false;
    while (pages.length < options.limit) {
      const entries = await this.store.xRange(events, { ...(after === undefined ? {} : { after }), count: batch });
      for (const entry of entries) {
        after = entry.id;
        if (entry.fields.type !== 'page') continue;
        pages.push(JSON.parse(entry.fields.data ?? '{}') as PageResult);
        lastPageId = entry.id;
        if (pages.length === options.limit) break;
      }
      if (entries.length < batch && pages.length < options.limit) {
        exhausted = true;
        break;
      }
    }
    await this.attachAnalyses(id, pages);
    const nextCursor = exhausted || lastPageId === undefined ? null : encodeCursor(lastPageId);
    return { items: pages, nextCursor };
  }

  /** The result stream's key (the SSE multiplexer blocks on it). */
  streamKey(id: string) {
    return this.keys.events(id);
  }

  /** The crawl's bucket (0-63): one blocking reader per active bucket. */
  bucketOf(id: string): number {
    return this.store.keySpace.crawlBucket(id);
  }

  /** The bucket's wake-up stream: append to it (`wake`) to re-arm a reader blocked on that bucket. */
  wakeKey(bucket: number) {
    return this.keys.wake(bucket);
  }

  /** Appends to the bucket's wake-up stream (`MAXLEN ~ 16`, result TTL); returns the entry id. */
  async wake(bucket: number): Promise<string> {
    return this.store.xAdd(this.keys.wake(bucket), { wake: '1' }, this.resultTtlMs, { maxLen: 16 });
  }

  // --- texts, report, cleanup

  /** Stores a page text for its analyze job (tmp TTL) and tracks it for `cleanupTmp`. */
  async putPageText(id: string, pageKey: string, text: string): Promise<void> {
    await this.commands.putText({
      keys: [
        { key: this.keys.text(id, pageKey), ttl: this.tmpTtlMs },
        { key: this.keys.texts(id), ttl: this.tmpTtlMs },
      ],
      args: [pageKey, text],
    });
  }

  /** Returns and deletes a page text; null when already taken or expired. */
  async takePageText(id: string, pageKey: string): Promise<string | null> {
    const reply = await this.commands.takeText({
      keys: [
        { key: this.keys.text(id, pageKey), ttl: this.tmpTtlMs },
        { key: this.keys.texts(id), ttl: this.tmpTtlMs },
      ],
      args: [pageKey],
    });
    return typeof reply === 'string' ? reply : null;
  }

  async putReport(id: string, report: Report): Promise<void> {
    await this.store.set(this.keys.report(id), JSON.stringify(report), this.resultTtlMs);
  }

  async getReport(id: string): Promise<Report | null> {
    const text = await this.store.get(this.keys.report(id));
    return text === null ? null : (JSON.parse(text) as Report);
  }

  /** Deletes the crawl's tmp data (seen-set, leftover texts) and its progress lock; returns the keys removed. */
  async cleanupTmp(id: string): Promise<number> {
    const pageKeys = await this.store.sMembers(this.keys.texts(id));
    return this.store.del(
      ...pageKeys.map((pageKey) => this.keys.text(id, pageKey)),
      this.keys.texts(id),
      this.keys.seen(id),
      this.keys.progress(id),
    );
  }

  // --- idempotency

  /**
   * Remembers `Idempotency-Key` → crawl for 24 h (SET NX). `created: false` returns what the first request
   * stored, so the API answers 200 (same body hash) or 409 (different). `owner` is a key segment: no `{` or `}`.
   */
  async rememberIdempotency(owner: string, key: string, bodyHash: string, crawlId: string): Promise<IdempotencyResult> {
    const redisKey = this.keys.idempotency(owner, key);
    const value = JSON.stringify({ crawlId, bodyHash });
    // Twice: the existing key may expire between SET NX and GET.
    for (let attempt = 0; attempt < 2; attempt++) {
      if (await this.store.setNx(redisKey, value, IDEMPOTENCY_TTL_MS)) return { created: true };
      const existing = await this.store.get(redisKey);
      if (existing !== null) {
        const parsed = JSON.parse(existing) as { crawlId: string; bodyHash: string };
        return { created: false, crawlId: parsed.crawlId, bodyHash: parsed.bodyHash };
      }
    }
    return { created: true };
  }

  // --- internals

  private async attachAnalyses(id: string, pages: PageResult[]): Promise<void> {
    if (pages.length === 0) return;
    const ids = await this.store.hmGet(
      this.keys.analysisIndex(id),
      pages.map((page) => page.url),
    );
    const wanted = ids.flatMap((streamId, index) => (streamId ? [{ streamId, index }] : []));
    const entries = await this.store.xGet(
      this.keys.events(id),
      wanted.map((w) => w.streamId),
    );
    entries.forEach((entry, position) => {
      if (!entry?.fields.data) return;
      const page = pages[wanted[position]!.index]!;
      page.analysis = (JSON.parse(entry.fields.data) as { analysis: Analysis }).analysis;
    });
  }

  private record(id: string) {
    return { key: this.keys.record(id), ttl: this.resultTtlMs };
  }

  private events(id: string) {
    return { key: this.keys.events(id), ttl: this.resultTtlMs };
  }

  private lock(id: string) {
    return { key: this.keys.progress(id), ttl: this.progressIntervalMs };
  }

  /** Turns a negative script code into its error; passes anything else through. */
  private check(id: string, reply: unknown): unknown {
    if (reply === ScriptCode.CrawlNotFound) throw new CrawlNotFoundError(id);
    return reply;
  }
}

/** True for a terminal crawl status. */
export function isTerminalStatus(status: string): boolean {
  return TERMINAL.has(status);
}
