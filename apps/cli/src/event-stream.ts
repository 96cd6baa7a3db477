import { setTimeout as sleep } from 'node:timers/promises';
import { ApiBadResponseError, ApiProblemError, EventStreamLostError } from './errors.js';
import { problemFrom, unreachable } from './http-errors.js';
import { type SseEvent, SseParser } from './sse-parser.js';

export interface FollowEventsOptions {
  /** The event stream's URL. Required. */
  url: URL;
  /** Extra request headers (authorization). Default none. */
  headers?: Record<string, string>;
  /** Resume after this event id (sent as `Last-Event-ID`). Default: from the start. */
  lastEventId?: string;
  /** The event type after which the stream is complete and is not reconnected. Default `done`. */
  finalEvent?: string;
  /** Consecutive reconnections without a new event before giving up. Default 8. */
  maxReconnects?: number;
  /** Reconnection delay when the server sent no `retry:`; doubles per failed attempt, up to 30 s. Default 1000 ms. */
  retryMs?: number;
  /** With no byte (event or heartbeat comment) for this long, the connection is presumed dead. Default 60 000 ms. */
  idleTimeoutMs?: number;
  /** Stops following (the generator then throws the signal's reason). Default none. */
  signal?: AbortSignal;
  /** Called before each reconnection, e.g. to tell the user. Default none. */
  onReconnect?: (info: { attempt: number; lastEventId: string; error: unknown }) => void;
}

/**
 * Follows a server-sent event stream to its final event. A connection that drops (network error, end of body,
 * 5xx, silence beyond `idleTimeoutMs`) is reopened with `Last-Event-ID`, so no event is lost or repeated; a 4xx
 * problem ends it at once, since asking again cannot help.
 */
export async function* followEvents(options: FollowEventsOptions): AsyncGenerator<SseEvent> {
  const finalEvent = options.finalEvent ?? 'done';
  const maxReconnects = options.maxReconnects ?? 8;
  const idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
  let retryMs = options.retryMs ?? 1000;
  let lastEventId = options.lastEventId ?? '';
  let failures = 0;

  for (;;) {
    let lastError: unknown = new Error('the event stream ended before its final event');
    // One controller per connection, aborted by the caller's signal or by silence. (Not AbortSignal.any: on Node 20
    // its composite signal can be garbage-collected while fetch still holds it, and then never fires.)
    const connection = new AbortController();
    const onCallerAbort = () => connection.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', onCallerAbort, { once: true });
    if (options.signal?.aborted) onCallerAbort();
    let idleTimer: NodeJS.Timeout | undefined;
    const armIdle = () => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(
        () => connection.abort(new Error(`no data for ${idleTimeoutMs} ms on the event stream`)),
        idleTimeoutMs,
      );
    };
    const signal = connection.signal;
    try {
      armIdle();
      let response: Response;
      try {
        response = await fetch(options.url, {
          headers: {
            accept: 'text/event-stream',
            'cache-control': 'no-cache',
            ...options.headers,
            ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
          },
          signal,
        });
      } catch (error) {
        throw options.signal?.aborted ? error : unreachable(options.url, error);
      }
      if (!response.ok) {
        const problem = problemFrom(response, await response.text(), `GET ${options.url.pathname}`);
        if (response.status < 500 && response.status !== 429) throw problem;
        throw new RetryableStreamError(problem);
      }
      if (!response.body) throw new ApiBadResponseError(response.status, 'the event stream answered without a body');

      const parser = new SseParser();
      const decoder = new TextDecoder();
      for await (const chunk of response.body) {
        armIdle();
        for (const event of parser.feed(decoder.decode(chunk, { stream: true }))) {
          failures = 0;
          if (event.id) lastEventId = event.id;
          yield event;
          if (event.type === finalEvent) return;
        }
        if (parser.retryMs !== undefined) retryMs = parser.retryMs;
      }
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      if (!(error instanceof RetryableStreamError) && error instanceof ApiProblemError) throw error;
      lastError = error instanceof RetryableStreamError ? error.problem : error;
    } finally {
      clearTimeout(idleTimer);
      options.signal?.removeEventListener('abort', onCallerAbort);
    }

    failures++;
    if (failures > maxReconnects) {
      throw new EventStreamLostError(
        `the event stream of ${options.url.pathname} dropped and did not come back after ${maxReconnects} attempts: ${describe(lastError)}`,
        { cause: lastError },
      );
    }
    options.onReconnect?.({ attempt: failures, lastEventId, error: lastError });
    await sleep(
      Math.min(retryMs * 2 ** (failures - 1), 30_000),
      undefined,
      options.signal ? { signal: options.signal } : {},
    );
  }
}

/** A 5xx or 429 answer to the stream request: worth another attempt. */
class RetryableStreamError extends Error {
  constructor(readonly problem: Error) {
    super(problem.message);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
