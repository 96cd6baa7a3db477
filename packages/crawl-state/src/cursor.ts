import { parseEventId } from './event-id.js';
import { InvalidCursorError } from './errors.js';

/** A pages cursor: the base64url of the last stream id returned. Opaque to clients. */
export function encodeCursor(streamId: string): string {
  return Buffer.from(streamId, 'utf8').toString('base64url');
}

/**
 * The stream id in a cursor, or `InvalidCursorError` for anything `encodeCursor` did not produce or whose id
 * `parseEventId` refuses (beyond 64 bits, the largest id). A well-formed id past the stream's end is accepted: it
 * reads as an empty last page.
 */
export function decodeCursor(cursor: string): string {
  const streamId = Buffer.from(cursor, 'base64url').toString('utf8');
  if (parseEventId(streamId) === undefined || encodeCursor(streamId) !== cursor) throw new InvalidCursorError(cursor);
  return streamId;
}
