import { setTimeout as sleep } from 'node:timers/promises';
import type { BlockingReader, KumoKey, StreamEntry } from '@kumo/keyspace';
import { STREAM_START } from './stream-id.js';

/** What a bucket reader hands to the streams it follows. */
export type EntryHandler = (entries: readonly StreamEntry[]) => void;

/** One followed stream: where the reader is in it and who gets its entries. */
interface Followed {
  /** Last id read (or the starting point); null until the stream's starting point is known. */
  cursor: string | null;
  handler: EntryHandler;
}

export interface BucketReaderOptions {
  bucket: number;
  /** The bucket's wake-up stream: any entry there makes a blocked XREAD return so new streams are included. */
  wakeKey: KumoKey;
  /** Opens the dedicated connection (never shared: a blocked connection holds up every command on it). */
  openReader: () => Promise<BlockingReader> | BlockingReader;
  /** XREAD BLOCK timeout: a safety net only, the wake stream re-arms the reader. */
  blockMs: number;
  /** XREAD COUNT per stream. */
  count: number;
  /** Called when a read fails (Redis down); the reader retries with backoff. */
  onError: (error: unknown, bucket: number) => void;
  /** Called once the reader has stopped and closed its connection. */
  onStopped: () => void;
}

/**
 * The blocking reader of one bucket (`{b:NN}`): one connection doing `XREAD BLOCK … STREAMS <every followed
 * stream of the bucket> <the bucket's wake stream>`. On a Redis Cluster one XREAD may only span keys of one hash
 * tag, hence one reader per active bucket, never one per client; it stops when the bucket has nothing to follow.
 */
export class BucketReader {
  readonly bucket: number;
  readonly #options: BucketReaderOptions;
  readonly #streams = new Map<KumoKey, Followed>();
  /** Keys of the XREAD in flight (null when none is): a stream added outside it needs a wake-up. */
  #inFlight: ReadonlySet<string> | null = null;
  /** Last wake id seen; starting at 0-0 means the first read returns at once, which is harmless and never misses one. */
  #wakeCursor = STREAM_START;
  #connection: BlockingReader | null = null;
  #stopping = false;
  #running: Promise<void> | null = null;

  constructor(options: BucketReaderOptions) {
    this.bucket = options.bucket;
    this.#options = options;
  }

  /** Streams followed right now. */
  get size(): number {
    return this.#streams.size;
  }

  has(key: KumoKey): boolean {
    return this.#streams.has(key);
  }

  /** Starts following a stream; entries after `cursor` go to `handler` (cursor null: set later with `setCursor`). */
  follow(key: KumoKey, cursor: string | null, handler: EntryHandler): void {
    this.#streams.set(key, { cursor, handler });
    this.#start();
  }

  /** Sets the starting point of a stream followed with a null cursor. True when the in-flight XREAD lacks it. */
  setCursor(key: KumoKey, cursor: string): boolean {
    const followed = this.#streams.get(key);
    if (!followed || followed.cursor !== null) return false;
    followed.cursor = cursor;
    return this.#inFlight !== null && !this.#inFlight.has(key);
  }

  /** Stops following a stream; the reader closes its connection once it follows nothing. */
  unfollow(key: KumoKey): void {
    this.#streams.delete(key);
    if (this.#streams.size === 0) this.#stopConnection();
  }

  /** Stops at once and closes the connection. */
  async close(): Promise<void> {
    this.#streams.clear();
    this.#stopConnection();
    await this.#running;
  }

  #stopConnection(): void {
    this.#stopping = true;
    // Ends a pending XREAD at once (it resolves []); a later `follow` opens a fresh connection.
    this.#connection?.close();
    this.#connection = null;
  }

  #start(): void {
    this.#stopping = false;
    if (this.#running) return;
    this.#running = this.#loop().finally(() => {
      this.#running = null;
      this.#connection?.close();
      this.#connection = null;
      // A stream followed while the loop was winding down starts a new loop.
      if (this.#streams.size > 0) this.#start();
      else this.#options.onStopped();
    });
  }

  async #loop(): Promise<void> {
    let failures = 0;
    while (!this.#stopping && this.#streams.size > 0) {
      try {
        if (!this.#connection) {
          const opened = await this.#options.openReader();
          if (this.#stopping) {
            opened.close();
            break;
          }
          this.#connection = opened;
        }
        const connection = this.#connection;
        const cursors = [...this.#streams]
          .filter(([, followed]) => followed.cursor !== null)
          .map(([key, followed]) => ({ key, afterId: followed.cursor! }));
        cursors.push({ key: this.#options.wakeKey, afterId: this.#wakeCursor });
        this.#inFlight = new Set(cursors.map((cursor) => cursor.key));
        const batches = await connection.readStreams(cursors, {
          blockMs: this.#options.blockMs,
          count: this.#options.count,
        });
        this.#inFlight = null;
        failures = 0;
        for (const batch of batches) {
          const last = batch.entries.at(-1);
          if (!last) continue;
          if (batch.key === this.#options.wakeKey) {
            this.#wakeCursor = last.id;
            continue;
          }
          const followed = this.#streams.get(batch.key as KumoKey);
          if (!followed) continue;
          followed.cursor = last.id;
          followed.handler(batch.entries);
        }
      } catch (error) {
        this.#inFlight = null;
        if (this.#stopping) break;
        failures++;
        this.#options.onError(error, this.bucket);
        // A broken connection is replaced; ioredis reconnects a live one by itself, but a fresh one is simplest.
        this.#connection?.close();
        this.#connection = null;
        await sleep(Math.min(5000, 100 * 2 ** Math.min(failures, 6)));
      }
    }
  }
}
