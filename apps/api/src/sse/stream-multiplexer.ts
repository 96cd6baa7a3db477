import type { CrawlEvent, CrawlStore } from '@kumo/crawl-state';
import type { CrawlEventType } from '@kumo/contract';
import type { BlockingReader, KumoKey, StreamEntry } from '@kumo/keyspace';
import { ApiOptionError, StreamClosedError } from '../errors.js';
import { BucketReader } from './bucket-reader.js';
import { compareStreamIds, cursorBefore, notBeyond, STREAM_START } from './stream-id.js';

/** What the multiplexer needs of the crawl state: event reads and the live-stream plumbing (a `CrawlStore` has both). */
export type MultiplexerStore = Pick<CrawlStore, 'results' | 'live'>;

export interface StreamMultiplexerOptions {
  store: MultiplexerStore;
  /** Opens a dedicated blocking connection for one bucket's reader. */
  openReader: () => Promise<BlockingReader> | BlockingReader;
  /** XREAD BLOCK timeout in ms; only a safety net, since new streams re-arm readers through the wake stream. Default 5000. */
  blockMs?: number;
  /** XREAD COUNT per stream. Default 100. */
  readCount?: number;
  /** XRANGE page size of a new subscriber's replay. Default 200. */
  replayPageSize?: number;
  /** Told about failed reads (the reader retries with backoff). Default: ignore. */
  onReaderError?: (error: unknown, bucket: number) => void;
}

export interface SubscribeOptions {
  /** Deliver events after this stream id (`Last-Event-ID`). Default: from the first event. */
  after?: string;
  /**
   * Receives every event after `after` once, in stream order. During the replay a returned promise is awaited
   * (backpressure); live events arrive as they are read and are not awaited.
   */
  onEvent: (event: CrawlEvent) => void | Promise<void>;
}

/** A subscriber's handle. */
export interface Subscription {
  /** Resolves when the replay is done and events arrive live; rejects when the replay fails. */
  readonly ready: Promise<void>;
  /** Stops delivery and releases the stream (and the bucket's reader when it was the last subscriber). */
  close(): void;
}

/** One subscriber: its position, and the live events that arrived while it was replaying. */
interface Subscriber {
  lastId: string;
  buffer: CrawlEvent[] | null;
  closed: boolean;
  onEvent: SubscribeOptions['onEvent'];
}

/** One followed stream in this process, shared by all its subscribers. */
interface StreamState {
  crawlId: string;
  bucket: number;
  subscribers: Set<Subscriber>;
  /** Resolves once the bucket reader knows where to start in this stream. */
  started: Promise<void>;
}

function toEvent(entry: StreamEntry): CrawlEvent {
  return { id: entry.id, type: entry.fields.type as CrawlEventType, data: entry.fields.data ?? 'null' };
}

/**
 * Fans the result streams of crawls out to any number of SSE clients with a constant number of Redis connections:
 * one blocking reader per active bucket, whatever the number of clients or crawls (docs/architecture.md).
 *
 * A new subscriber never misses or repeats an event: it is registered first (live events are buffered), then
 * replays the stream with XRANGE (exclusive start) in pages, then flushes the buffered events newer than the last
 * replayed one, then receives events live. A stream followed for the first time gets its reader cursor from the
 * bucket's wake entry, written before the replay starts: everything written later has a later id.
 */
export class StreamMultiplexer {
  readonly #store: MultiplexerStore;
  readonly #options: Required<Omit<StreamMultiplexerOptions, 'store' | 'onReaderError'>> &
    Pick<StreamMultiplexerOptions, 'onReaderError'>;
  readonly #streams = new Map<KumoKey, StreamState>();
  readonly #readers = new Map<number, BucketReader>();
  #closed = false;

  constructor(options: StreamMultiplexerOptions) {
    const positive = (name: string, value: number) => {
      if (!Number.isInteger(value) || value <= 0)
        throw new ApiOptionError(`${name} must be a positive integer, got ${value}`);
      return value;
    };
    this.#store = options.store;
    this.#options = {
      openReader: options.openReader,
      blockMs: positive('blockMs', options.blockMs ?? 5000),
      readCount: positive('readCount', options.readCount ?? 100),
      replayPageSize: positive('replayPageSize', options.replayPageSize ?? 200),
      onReaderError: options.onReaderError,
    };
  }

  /** Buckets with a running reader, i.e. blocking Redis connections this process holds. */
  get activeReaders(): number {
    return this.#readers.size;
  }

  /** Streams followed by at least one subscriber. */
  get followedStreams(): number {
    return this.#streams.size;
  }

  /** Subscribers across all streams. */
  get subscribers(): number {
    let total = 0;
    for (const state of this.#streams.values()) total += state.subscribers.size;
    return total;
  }

  /** Follows a crawl's result stream from `after` (exclusive), replaying what exists first. */
  subscribe(crawlId: string, options: SubscribeOptions): Subscription {
    if (this.#closed) throw new StreamClosedError('StreamMultiplexer is closed');
    const key = this.#store.live.streamKey(crawlId);
    const subscriber: Subscriber = {
      lastId: options.after ?? STREAM_START,
      buffer: [],
      closed: false,
      onEvent: options.onEvent,
    };
    const state = this.#follow(crawlId, key);
    state.subscribers.add(subscriber);
    const close = () => {
      if (subscriber.closed) return;
      subscriber.closed = true;
      subscriber.buffer = null;
      this.#release(key, state, subscriber);
    };
    const ready = this.#replay(crawlId, state, subscriber).catch((error: unknown) => {
      close();
      throw error;
    });
    // The caller may not await `ready`; an unobserved rejection must not crash the process.
    ready.catch(() => undefined);
    return { ready, close };
  }

  /** Stops every reader and drops every subscriber. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const state of this.#streams.values()) {
      for (const subscriber of state.subscribers) subscriber.closed = true;
    }
    this.#streams.clear();
    await Promise.all([...this.#readers.values()].map((reader) => reader.close()));
    this.#readers.clear();
  }

  #follow(crawlId: string, key: KumoKey): StreamState {
    const existing = this.#streams.get(key);
    if (existing) return existing;
    const bucket = this.#store.live.bucketOf(crawlId);
    const reader = this.#readerFor(bucket);
    const state: StreamState = { crawlId, bucket, subscribers: new Set(), started: Promise.resolve() };
    this.#streams.set(key, state);
    reader.follow(key, null, (entries) => this.#deliver(state, entries));
    state.started = (async () => {
      // The wake entry both re-arms a blocked reader and tells the server's current stream time.
      const wakeId = await this.#store.live.wake(bucket);
      if (reader.setCursor(key, cursorBefore(wakeId))) {
        // The XREAD in flight was sent before the cursor existed: wake it once more so it picks the stream up.
        await this.#store.live.wake(bucket);
      }
    })();
    state.started.catch(() => undefined);
    return state;
  }

  #readerFor(bucket: number): BucketReader {
    let reader = this.#readers.get(bucket);
    if (!reader) {
      reader = new BucketReader({
        bucket,
        wakeKey: this.#store.live.wakeKey(bucket),
        openReader: this.#options.openReader,
        blockMs: this.#options.blockMs,
        count: this.#options.readCount,
        onError: (error, failed) => this.#options.onReaderError?.(error, failed),
        onStopped: () => {
          if (this.#readers.get(bucket) === created && created.size === 0) this.#readers.delete(bucket);
        },
      });
      const created = reader;
      this.#readers.set(bucket, reader);
    }
    return reader;
  }

  #release(key: KumoKey, state: StreamState, subscriber: Subscriber): void {
    state.subscribers.delete(subscriber);
    if (state.subscribers.size > 0 || this.#streams.get(key) !== state) return;
    this.#streams.delete(key);
    this.#readers.get(state.bucket)?.unfollow(key);
  }

  async #replay(crawlId: string, state: StreamState, subscriber: Subscriber): Promise<void> {
    await state.started;
    if (subscriber.lastId !== STREAM_START) {
      // A resume point Redis has not reached yet would hide every real event until its clock got there.
      subscriber.lastId = notBeyond(subscriber.lastId, await this.#store.live.wake(state.bucket));
    }
    for (;;) {
      if (subscriber.closed) return;
      const events = await this.#store.results.readEvents(crawlId, {
        after: subscriber.lastId,
        count: this.#options.replayPageSize,
      });
      for (const event of events) {
        if (subscriber.closed) return;
        subscriber.lastId = event.id;
        await subscriber.onEvent(event);
      }
      if (events.length < this.#options.replayPageSize) break;
    }
    // Live from here: what arrived meanwhile and is newer than the replay, then everything as it comes.
    const buffered = subscriber.buffer ?? [];
    subscriber.buffer = null;
    for (const event of buffered) this.#push(subscriber, event);
  }

  #deliver(state: StreamState, entries: readonly StreamEntry[]): void {
    const events = entries.map(toEvent);
    for (const subscriber of [...state.subscribers]) {
      for (const event of events) {
        if (subscriber.closed) break;
        if (subscriber.buffer) subscriber.buffer.push(event);
        else this.#push(subscriber, event);
      }
    }
  }

  /** Delivers one live event unless the subscriber already has it (replay overlap, reader over-read). */
  #push(subscriber: Subscriber, event: CrawlEvent): void {
    if (subscriber.closed || compareStreamIds(event.id, subscriber.lastId) <= 0) return;
    subscriber.lastId = event.id;
    try {
      const result = subscriber.onEvent(event);
      if (result instanceof Promise) result.catch(() => undefined);
    } catch {
      // A subscriber's failure is its own (its connection is gone); others go on.
    }
  }
}
