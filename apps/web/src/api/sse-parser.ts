/** One server-sent event (the WHATWG event-stream format). */
export interface SseEvent {
  id: string | undefined;
  event: string;
  data: string;
}

/**
 * Incremental parser of `text/event-stream` (https://html.spec.whatwg.org/multipage/server-sent-events.html):
 * feed it decoded text in chunks of any size; it calls `onEvent` for each complete event and `onRetry` for a
 * `retry:` field. Comments (heartbeats) are ignored. Written by hand because EventSource cannot send the
 * `Authorization` header the API requires.
 */
export class SseParser {
  #buffer = '';
  #data: string[] = [];
  #event = '';
  #id: string | undefined;
  readonly #onEvent: (event: SseEvent) => void;
  readonly #onRetry: (ms: number) => void;

  constructor(onEvent: (event: SseEvent) => void, onRetry: (ms: number) => void = () => undefined) {
    this.#onEvent = onEvent;
    this.#onRetry = onRetry;
  }

  push(text: string): void {
    this.#buffer += text;
    for (;;) {
      const end = this.#buffer.search(/\r\n|\r|\n/);
      if (end === -1) return;
      // A lone `\r` at the very end may be the first half of `\r\n`: wait for more.
      if (this.#buffer[end] === '\r' && end === this.#buffer.length - 1) return;
      const line = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + (this.#buffer.startsWith('\r\n', end) ? 2 : 1));
      this.#line(line);
    }
  }

  #line(line: string): void {
    if (line === '') return this.#dispatch();
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.#data.push(value);
    else if (field === 'event') this.#event = value;
    else if (field === 'id' && !value.includes('\0')) this.#id = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.#onRetry(Number(value));
  }

  #dispatch(): void {
    if (this.#data.length > 0)
      this.#onEvent({ id: this.#id, event: this.#event || 'message', data: this.#data.join('\n') });
    this.#data = [];
    this.#event = '';
  }
}
