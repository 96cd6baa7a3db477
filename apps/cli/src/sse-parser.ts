/** One dispatched server-sent event. */
export interface SseEvent {
  /** The `event:` field; `message` when the server sent none. */
  type: string;
  /** The `data:` lines joined with `\n`. */
  data: string;
  /** The last event id seen so far (the `id:` of this event or an earlier one); `''` when none. */
  id: string;
}

/**
 * An incremental parser of the `text/event-stream` format (WHATWG HTML, "Parsing an event stream"): feed it
 * decoded text in chunks of any size and it returns the events completed by each chunk. Lines may end in LF,
 * CRLF or CR (also split across chunks); `:` lines are comments; a field without a colon has an empty value; one
 * space after the colon is dropped; an event without data is not dispatched; an unfinished event at the end of
 * the stream is discarded (the caller simply stops feeding).
 */
export class SseParser {
  #buffer = '';
  #firstChunk = true;
  /** A chunk ended with CR: an LF at the start of the next chunk belongs to the same line end. */
  #pendingCr = false;
  #type = '';
  #data: string[] = [];
  #lastEventId = '';
  #retryMs: number | undefined;
  #comments = 0;

  /** The last event id received (`id:`), for `Last-Event-ID` on reconnection. */
  get lastEventId(): string {
    return this.#lastEventId;
  }

  /** The reconnection delay the server asked for with `retry:`, if any. */
  get retryMs(): number | undefined {
    return this.#retryMs;
  }

  /** How many comment lines (heartbeats) were seen. */
  get comments(): number {
    return this.#comments;
  }

  /** Parses the next chunk of decoded text and returns the events it completes, in order. */
  feed(chunk: string): SseEvent[] {
    let text = chunk;
    if (this.#firstChunk && text.length > 0) {
      this.#firstChunk = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (text.length === 0) return [];
    if (this.#pendingCr && text.startsWith('\n')) text = text.slice(1);
    this.#pendingCr = false;
    this.#buffer += text;

    const events: SseEvent[] = [];
    let start = 0;
    for (;;) {
      const cr = this.#buffer.indexOf('\r', start);
      const lf = this.#buffer.indexOf('\n', start);
      if (cr === -1 && lf === -1) break;
      const end = cr === -1 ? lf : lf === -1 ? cr : Math.min(cr, lf);
      const line = this.#buffer.slice(start, end);
      if (this.#buffer[end] === '\r') {
        if (end + 1 === this.#buffer.length) {
          this.#pendingCr = true;
          start = end + 1;
        } else {
          start = this.#buffer[end + 1] === '\n' ? end + 2 : end + 1;
        }
      } else {
        start = end + 1;
      }
      const event = this.#processLine(line);
      if (event) events.push(event);
    }
    this.#buffer = this.#buffer.slice(start);
    return events;
  }

  #processLine(line: string): SseEvent | undefined {
    if (line === '') return this.#dispatch();
    if (line.startsWith(':')) {
      this.#comments++;
      return undefined;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.#type = value;
        break;
      case 'data':
        this.#data.push(value);
        break;
      case 'id':
        // An id containing NULL is ignored, as the standard says.
        if (!value.includes('\0')) this.#lastEventId = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.#retryMs = Number(value);
        break;
      default:
        // Unknown fields are ignored.
        break;
    }
    return undefined;
  }

  #dispatch(): SseEvent | undefined {
    const type = this.#type;
    const data = this.#data;
    this.#type = '';
    this.#data = [];
    if (data.length === 0) return undefined;
    return { type: type === '' ? 'message' : type, data: data.join('\n'), id: this.#lastEventId };
  }
}
