import http from 'node:http';

/** One server-sent event as a client sees it. */
export interface SseEvent {
  id: string | undefined;
  event: string;
  data: string;
}

/** An open event stream: events so far, and how it ended. */
export interface SseStream {
  readonly status: Promise<number>;
  readonly events: SseEvent[];
  /** Comment lines (`: ping`) received. */
  readonly comments: string[];
  /** `retry:` values received. */
  readonly retries: number[];
  /** Resolves when the server ends the stream (or the connection fails), with everything received. */
  readonly ended: Promise<SseEvent[]>;
  /** Resolves once `count` events have arrived (rejects if the stream ends first). */
  waitForEvents(count: number): Promise<SseEvent[]>;
  close(): void;
}

/**
 * A minimal EventSource over node:http (cheap enough for a thousand at once): parses `id:`, `event:`, `data:`,
 * `retry:` and comments per the SSE spec, without reconnecting (tests reconnect explicitly with Last-Event-ID).
 */
export function openSse(
  url: string,
  options: { key: string; lastEventId?: string; agent?: http.Agent } = { key: '' },
): SseStream {
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const retries: number[] = [];
  const waiters = new Set<() => void>();
  let finished = false;
  let resolveStatus!: (status: number) => void;
  const status = new Promise<number>((resolve) => (resolveStatus = resolve));
  let resolveEnded!: (events: SseEvent[]) => void;
  const ended = new Promise<SseEvent[]>((resolve) => (resolveEnded = resolve));

  const headers: Record<string, string> = { accept: 'text/event-stream', authorization: `Bearer ${options.key}` };
  if (options.lastEventId !== undefined) headers['last-event-id'] = options.lastEventId;
  const finish = () => {
    if (finished) return;
    finished = true;
    resolveStatus(0);
    resolveEnded(events);
    for (const wake of waiters) wake();
  };
  const req = http.get(url, { headers, ...(options.agent ? { agent: options.agent } : {}) }, (res) => {
    resolveStatus(res.statusCode ?? 0);
    res.setEncoding('utf8');
    let pending = '';
    let current: { id?: string; event?: string; data: string[] } = { data: [] };
    let lastId: string | undefined;
    res.on('data', (chunk: string) => {
      pending += chunk;
      let newline: number;
      while ((newline = pending.search(/\r\n|\r|\n/)) !== -1) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + (pending.startsWith('\r\n', newline) ? 2 : 1));
        if (line === '') {
          if (current.data.length > 0) {
            if (current.id !== undefined) lastId = current.id;
            events.push({ id: lastId, event: current.event ?? 'message', data: current.data.join('\n') });
            for (const wake of waiters) wake();
          }
          current = { data: [] };
          continue;
        }
        if (line.startsWith(':')) {
          comments.push(line.slice(1).trim());
          continue;
        }
        const colon = line.indexOf(':');
        const field = colon === -1 ? line : line.slice(0, colon);
        const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'id') current.id = value;
        else if (field === 'event') current.event = value;
        else if (field === 'data') current.data.push(value);
        else if (field === 'retry' && /^\d+$/.test(value)) retries.push(Number(value));
      }
    });
    res.on('end', finish);
    res.on('close', finish);
    res.on('error', finish);
  });
  req.on('error', finish);

  return {
    status,
    events,
    comments,
    retries,
    ended,
    waitForEvents(count) {
      return new Promise<SseEvent[]>((resolve, reject) => {
        const check = () => {
          if (events.length >= count) {
            waiters.delete(check);
            resolve(events);
          } else if (finished) {
            waiters.delete(check);
            reject(new Error(`stream ended after ${events.length} of ${count} events`));
          }
        };
        waiters.add(check);
        check();
      });
    },
    close() {
      req.destroy();
      finish();
    },
  };
}
