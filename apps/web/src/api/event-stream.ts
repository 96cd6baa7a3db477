import type { ApiClient } from './client.js';
import { problemOf, type ApiFailure } from './problem.js';
import { SseParser, type SseEvent } from './sse-parser.js';

export interface EventStreamHandlers {
  onEvent(event: SseEvent): void;
  /** The stream ended for good (after `done`, or 204: nothing more will come). */
  onEnd(): void;
  /** An answer that is not worth retrying (401, 404): the stream stops. */
  onFailure(problem: ApiFailure): void;
  /** Between reconnects: whether the page is connected right now. */
  onConnection?(connected: boolean): void;
}

/**
 * Follows `GET /v1/crawls/:id/events` with fetch (EventSource cannot send the Bearer header): reads the stream
 * through `SseParser`, and when the connection drops before `done` reconnects after the server's `retry:` delay
 * (1 s by default) with `Last-Event-ID`, so nothing is lost or repeated. `close()` stops it.
 */
export class EventStream {
  readonly #client: ApiClient;
  readonly #path: string;
  readonly #handlers: EventStreamHandlers;
  readonly #abort = new AbortController();
  #lastEventId: string | undefined;
  #retryMs = 1000;
  #done = false;

  constructor(client: ApiClient, crawlId: string, handlers: EventStreamHandlers) {
    this.#client = client;
    this.#path = `/v1/crawls/${encodeURIComponent(crawlId)}/events`;
    this.#handlers = handlers;
    void this.#run();
  }

  close(): void {
    this.#done = true;
    this.#abort.abort();
  }

  async #run(): Promise<void> {
    while (!this.#done) {
      try {
        await this.#connect();
      } catch {
        // A dropped connection (or the abort of close()): reconnect below unless closed.
      }
      this.#handlers.onConnection?.(false);
      if (this.#done) return;
      await new Promise((resolve) => setTimeout(resolve, this.#retryMs));
    }
  }

  async #connect(): Promise<void> {
    const headers = this.#client.headers({ accept: 'text/event-stream' });
    if (this.#lastEventId !== undefined) headers.set('last-event-id', this.#lastEventId);
    const response = await fetch(this.#path, { headers, signal: this.#abort.signal, cache: 'no-store' });
    if (response.status === 204) return this.#finish();
    if (!response.ok || !response.body) {
      const problem = await problemOf(response);
      // Overload and shutdown pass; everything else (bad key, unknown crawl, bad id) will not.
      if (response.status === 503 || response.status === 429) return;
      this.#done = true;
      this.#handlers.onFailure(problem);
      return;
    }
    this.#handlers.onConnection?.(true);
    const parser = new SseParser(
      (event) => {
        if (event.id !== undefined) this.#lastEventId = event.id;
        this.#handlers.onEvent(event);
        if (event.event === 'done') this.#finish();
      },
      (ms) => (this.#retryMs = ms),
    );
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done || this.#done) break;
      parser.push(value);
    }
    if (this.#done) await reader.cancel().catch(() => undefined);
  }

  #finish(): void {
    if (this.#done) return;
    this.#done = true;
    this.#abort.abort();
    this.#handlers.onEnd();
  }
}
