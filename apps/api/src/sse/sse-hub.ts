import { once } from 'node:events';
import type { Response } from 'express';
import type { CrawlEvent } from '@kumo/crawl-state';
import { ApiOptionError, StreamClosedError } from '../errors.js';

export interface SseHubOptions {
  /** Interval of `: ping` comments on every open stream (`SSE_HEARTBEAT_MS`). Required. */
  heartbeatMs: number;
  /**
   * A live client this far behind (bytes queued in its socket) is disconnected instead of buffering without bound;
   * it reconnects with Last-Event-ID and catches up by replay. Default 8 MiB.
   */
  maxBufferedBytes?: number;
}

/** The wire form of one event: `id:`, `event:`, and `data:` per line (JSON has none, but a stray newline is safe). */
export function formatEvent(event: CrawlEvent): string {
  const data = event.data
    .split(/\r\n|\r|\n/)
    .map((line) => `data: ${line}\n`)
    .join('');
  return `id: ${event.id}\nevent: ${event.type}\n${data}\n`;
}

/** One open event stream. */
export class SseConnection {
  #ended = false;
  readonly #res: Response;
  readonly #maxBuffered: number;
  readonly #onEnd: () => void;

  constructor(res: Response, maxBuffered: number, onEnd: () => void) {
    this.#res = res;
    this.#maxBuffered = maxBuffered;
    this.#onEnd = onEnd;
    res.on('close', () => this.#finish());
  }

  get ended(): boolean {
    return this.#ended;
  }

  /**
   * Writes an event. Returns a promise that resolves when the socket can take more (the replay awaits it), or
   * undefined when it can at once. A live client too far behind is disconnected.
   */
  send(event: CrawlEvent): Promise<void> | undefined {
    if (this.#ended) throw new StreamClosedError('event stream closed');
    const flushed = this.#res.write(formatEvent(event));
    if (flushed) return undefined;
    if (this.#res.writableLength > this.#maxBuffered) {
      this.end();
      throw new StreamClosedError('client too slow: disconnected');
    }
    return this.#drain();
  }

  /** A comment line (`: text`), ignored by clients: keeps proxies from closing an idle connection. */
  comment(text: string): void {
    if (!this.#ended) this.#res.write(`: ${text}\n\n`);
  }

  /** Ends the stream, optionally telling the client when to reconnect (`retry:` in ms). */
  end(retryMs?: number): void {
    if (this.#ended) return;
    if (retryMs !== undefined) this.#res.write(`retry: ${retryMs}\n\n`);
    this.#res.end();
    this.#finish();
  }

  /** Runs `listener` once when the stream ends, by us or by the client going away. */
  onEnd(listener: () => void): void {
    if (this.#ended) listener();
    else this.#res.once('close', listener);
  }

  /** Waits for `drain` or `close`, then removes the listener that lost the race (one wait, no leftover listener). */
  async #drain(): Promise<void> {
    const waiting = new AbortController();
    const { signal } = waiting;
    try {
      await Promise.race([once(this.#res, 'drain', { signal }), once(this.#res, 'close', { signal })]);
    } finally {
      waiting.abort();
    }
  }

  #finish(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#onEnd();
  }
}

/**
 * Every open event stream of this process: one heartbeat timer for all of them (not one per client), armed only
 * while a stream is open (an API process without streams does not wake for it), and one place that ends them all at
 * shutdown with a `retry:` hint.
 */
export class SseHub {
  readonly #connections = new Set<SseConnection>();
  readonly #maxBuffered: number;
  readonly #heartbeatMs: number;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(options: SseHubOptions) {
    if (!Number.isInteger(options.heartbeatMs) || options.heartbeatMs <= 0) {
      throw new ApiOptionError(`heartbeatMs must be a positive integer, got ${options.heartbeatMs}`);
    }
    this.#maxBuffered = options.maxBufferedBytes ?? 8 * 1024 * 1024;
    this.#heartbeatMs = options.heartbeatMs;
  }

  /** Whether the heartbeat timer is armed (while streams are open). */
  get heartbeatArmed(): boolean {
    return this.#timer !== undefined;
  }

  /** Open streams. */
  get size(): number {
    return this.#connections.size;
  }

  /** Starts an event stream on `res`: status 200 and the SSE headers, flushed at once. */
  open(res: Response): SseConnection {
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    // Tells nginx-like proxies not to buffer the stream.
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    res.socket?.setNoDelay(true);
    const connection: SseConnection = new SseConnection(res, this.#maxBuffered, () => {
      this.#connections.delete(connection);
      if (this.#connections.size === 0) this.#disarm();
    });
    this.#connections.add(connection);
    if (this.#timer === undefined && !this.#stopped) {
      this.#timer = setInterval(() => {
        for (const open of this.#connections) open.comment('ping');
      }, this.#heartbeatMs);
      this.#timer.unref();
    }
    return connection;
  }

  /** Ends every stream with a `retry:` hint (shutdown: clients reconnect to another process with Last-Event-ID). */
  closeAll(retryMs: number): void {
    for (const connection of [...this.#connections]) connection.end(retryMs);
  }

  /** Stops the heartbeat timer for good. */
  stop(): void {
    this.#stopped = true;
    this.#disarm();
  }

  #disarm(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
