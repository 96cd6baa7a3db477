import type { TransformCallback } from 'node:stream';
import zlib from 'node:zlib';
import { DelegatingDecoder } from './delegating-decoder.js';

// Sitemaps are often served as `sitemap.xml.gz` with `Content-Type: application/x-gzip` and no Content-Encoding:
// the gzip is the file itself, not a transfer coding. Its magic bytes tell.

/** The two bytes every gzip member starts with (RFC 1952). */
export function hasGzipMagic(head: Buffer): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/**
 * Passes bytes through, unless they start with the gzip magic bytes: then they are gunzipped (gzip files cut short
 * are accepted, as browsers do). Decides on the first chunk (a chunk of one byte waits for the next).
 */
export class GzipSniffer extends DelegatingDecoder {
  #decided = false;
  #head: Buffer = Buffer.alloc(0);

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (!this.#decided) {
      this.#head = Buffer.concat([this.#head, chunk]);
      if (this.#head.length < 2) {
        callback();
        return;
      }
      this.#decide();
      chunk = this.#head;
      this.#head = Buffer.alloc(0);
    }
    this.forward(chunk, callback);
  }

  protected override beforeEnd(): void {
    if (this.#decided) return;
    this.#decide();
    if (this.#head.length > 0) this.push(this.#head);
  }

  #decide(): void {
    this.#decided = true;
    if (!hasGzipMagic(this.#head)) return;
    const flush = zlib.constants.Z_SYNC_FLUSH;
    this.delegateTo(zlib.createGunzip({ flush, finishFlush: flush }));
  }
}
