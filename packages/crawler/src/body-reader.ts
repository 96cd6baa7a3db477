import { once } from 'node:events';
import { Writable, type Readable, type Transform, type TransformCallback } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { DelegatingDecoder } from './delegating-decoder.js';
import { DecodeError, TooLargeError } from './errors.js';
import { GzipSniffer } from './gzip-sniff.js';

export interface ReadBodyOptions {
  /** Cap on bytes received AND on bytes after decompression (a zip bomb is small on the wire). */
  maxBytes: number;
  /** The `Content-Encoding` header. */
  contentEncoding: string | undefined;
  /** `error` throws {@link TooLargeError}; `truncate` stops reading and returns the first `maxBytes`. */
  onTooLarge: 'error' | 'truncate';
  /** Number of decoded bytes {@link ReadBodyOptions.accept} wants to see. */
  acceptAfterBytes?: number;
  /** Looks at the first decoded bytes once; returning false stops the download (e.g. not HTML after all). */
  accept?: (head: Buffer) => boolean;
  /**
   * Hands each decoded chunk on instead of keeping it (the result's `body` is then empty): the next chunk is read once
   * the returned promise settles, and a rejection stops the download with that error. A sitemap of 50 MB is never
   * held in memory this way.
   */
  onChunk?: (chunk: Buffer) => Promise<void> | void;
  /** Also gunzip a decoded body that starts with the gzip magic bytes (a `.xml.gz` file). @defaultValue false */
  sniffGzip?: boolean;
}

export interface ReadBodyResult {
  /** Decoded (decompressed) body. */
  body: Buffer;
  /** Bytes received on the wire. */
  rawBytes: number;
  truncated: boolean;
  /** `accept` said no: the download was stopped and `body` holds only the head. */
  rejected: boolean;
}

// Thrown inside the pipeline to stop it on purpose; never escapes readBody.
class StopReading extends Error {}

// Browsers and undici's fetch accept gzip/deflate streams cut short; so do we (SYNC_FLUSH instead of FINISH).
const ZLIB_OPTIONS = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
const BROTLI_OPTIONS = {
  flush: zlib.constants.BROTLI_OPERATION_FLUSH,
  finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH,
};

/**
 * `Content-Encoding: deflate` is meant to be zlib-wrapped, but some servers send raw deflate. Decide from the
 * first byte (a zlib header has compression method 8 in its low nibble), then hand everything to that inflater.
 */
class DeflateDecoder extends DelegatingDecoder {
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (!this.delegating) {
      const first = chunk[0] ?? 0;
      this.delegateTo((first & 0x0f) === 8 ? zlib.createInflate(ZLIB_OPTIONS) : zlib.createInflateRaw(ZLIB_OPTIONS));
    }
    this.forward(chunk, callback);
  }
}

/** Decoders for a `Content-Encoding` list, in the order to apply them (the last coding applied is undone first). */
export function createContentDecoders(contentEncoding: string | undefined): Transform[] {
  if (contentEncoding === undefined) return [];
  const codings = contentEncoding
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding.length > 0 && coding !== 'identity');
  return codings.reverse().map((coding) => {
    switch (coding) {
      case 'gzip':
      case 'x-gzip':
        return zlib.createGunzip(ZLIB_OPTIONS);
      case 'deflate':
        return new DeflateDecoder();
      case 'br':
        return zlib.createBrotliDecompress(BROTLI_OPTIONS);
      default:
        throw new DecodeError(`Unsupported Content-Encoding "${coding}"`);
    }
  });
}

/**
 * Reads a response body while enforcing the cap as the bytes arrive: the moment either count crosses
 * `maxBytes` the loop stops, which destroys the undici body and with it the connection. Nothing is buffered
 * beyond the cap (plus at most one chunk).
 */
export async function readBody(source: Readable, options: ReadBodyOptions): Promise<ReadBodyResult> {
  const { maxBytes, onTooLarge } = options;
  const decoders: Transform[] = createContentDecoders(options.contentEncoding);
  if (options.sniffGzip === true) decoders.push(new GzipSniffer());
  const { onChunk } = options;
  const chunks: Buffer[] = [];
  let rawBytes = 0;
  let decodedBytes = 0;
  let truncated = false;
  let rejected = false;
  let decided = options.accept === undefined;
  const acceptAfter = options.acceptAfterBytes ?? 512;

  const decide = (): boolean => {
    decided = true;
    if (options.accept?.(Buffer.concat(chunks)) === false) {
      rejected = true;
      return false;
    }
    return true;
  };
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      const room = maxBytes - decodedBytes;
      decodedBytes += chunk.length;
      if (decodedBytes > maxBytes) {
        if (room > 0 && onChunk === undefined) chunks.push(chunk.subarray(0, room));
        if (onTooLarge === 'error') {
          callback(new TooLargeError(maxBytes));
          return;
        }
        truncated = true;
        callback(new StopReading());
        return;
      }
      if (onChunk !== undefined) {
        Promise.resolve()
          .then(() => onChunk(chunk))
          .then(
            () => callback(),
            (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
          );
        return;
      }
      chunks.push(chunk);
      if (!decided && decodedBytes >= acceptAfter && !decide()) callback(new StopReading());
      else callback();
    },
  });

  // Decoders and sink form one pipeline fed by hand, so the raw bytes can be counted (and cut) before decoding.
  const head: Writable = decoders[0] ?? sink;
  let chainError: unknown;
  const chainDone = (decoders.length > 0 ? pipeline([...decoders, sink]) : finished(sink)).catch((error: unknown) => {
    chainError = error;
  });
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      if (chainError !== undefined) break;
      rawBytes += chunk.length;
      let piece = chunk;
      const over = rawBytes - maxBytes;
      if (over > 0) {
        if (onTooLarge === 'error') throw new TooLargeError(maxBytes);
        truncated = true;
        piece = chunk.subarray(0, chunk.length - over);
      }
      if (!head.write(piece)) {
        // A failing chain also rejects `once` (with the chain's error); chainDone already records that error.
        await Promise.race([once(head, 'drain').catch(() => undefined), chainDone]);
      }
      // Leaving the loop destroys the undici body: the rest of the response is never downloaded.
      if (over > 0 || chainError !== undefined) break;
    }
    if (chainError === undefined) head.end();
    await chainDone;
  } catch (error) {
    head.destroy();
    throw error;
  }
  if (chainError !== undefined && !(chainError instanceof StopReading)) throw chainError;
  if (!decided) decide();
  return { body: Buffer.concat(chunks), rawBytes, truncated, rejected };
}
