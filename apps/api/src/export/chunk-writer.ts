import type { Writable } from 'node:stream';

/** Resolves true once `out` can take more, false when it is destroyed (the client went away) first. */
export function drained(out: Writable): Promise<boolean> {
  if (out.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const settle = (writable: boolean) => () => {
      out.off('drain', onDrain);
      out.off('close', onClose);
      resolve(writable);
    };
    const onDrain = settle(true);
    const onClose = settle(false);
    out.on('drain', onDrain);
    out.on('close', onClose);
  });
}

/**
 * Writes many small texts (an export's lines) to `out` as chunks of about `chunkChars` characters, and waits for
 * 'drain' whenever `out` reports its buffer full: what a writer holds is one chunk in the making, and `out` holds
 * at most its highWaterMark beyond what it was last given, whatever the reader's speed. Nothing reaches `out` before
 * the first chunk is full or `flush` is called (an export can still fail with a problem response until then).
 */
export class ChunkWriter {
  readonly #out: Writable;
  readonly #chunkChars: number;
  #parts: string[] = [];
  #chars = 0;

  constructor(out: Writable, chunkChars: number) {
    this.#out = out;
    this.#chunkChars = chunkChars;
  }

  /** Adds `text`; resolves false once `out` is gone (stop producing), true otherwise. */
  async write(text: string): Promise<boolean> {
    this.#parts.push(text);
    this.#chars += text.length;
    if (this.#chars < this.#chunkChars) return !this.#out.destroyed;
    return this.flush();
  }

  /** Writes what is pending (if anything) and waits for 'drain' if `out` is full; false once `out` is gone. */
  async flush(): Promise<boolean> {
    if (this.#out.destroyed) return false;
    if (this.#parts.length === 0) return true;
    const chunk = this.#parts.join('');
    this.#parts = [];
    this.#chars = 0;
    return this.#out.write(chunk) || drained(this.#out);
  }
}
