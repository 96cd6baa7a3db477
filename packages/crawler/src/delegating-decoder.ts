import { Transform, type TransformCallback } from 'node:stream';

/**
 * A decoder that passes its bytes through until it knows what they are, then hands them to an inner decoder (a
 * zlib stream) chosen from their first bytes. Ending and destroying it ends and destroys the inner one; the inner
 * one's output and errors are its own.
 */
export abstract class DelegatingDecoder extends Transform {
  #inner: Transform | undefined;

  /** From now on every byte goes through `inner`. */
  protected delegateTo(inner: Transform): void {
    inner.on('data', (data: Buffer) => this.push(data));
    inner.on('error', (error) => this.destroy(error));
    this.#inner = inner;
  }

  protected get delegating(): boolean {
    return this.#inner !== undefined;
  }

  /** Sends `chunk` on as it is, or through the inner decoder once there is one. */
  protected forward(chunk: Buffer, callback: TransformCallback): void {
    if (this.#inner === undefined) callback(null, chunk);
    else this.#inner.write(chunk, () => callback());
  }

  /** Runs once before the end is passed on: what a subclass still holds back goes out here. */
  protected beforeEnd(): void {}

  override _flush(callback: TransformCallback): void {
    this.beforeEnd();
    const inner = this.#inner;
    if (inner === undefined) {
      callback();
      return;
    }
    inner.once('end', () => callback());
    inner.end();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#inner?.destroy();
    callback(error);
  }
}
