import { isStreamId } from '@kumo/keyspace';
import { InvalidCursorError } from './errors.js';

/** A pages cursor: the base64url of the last stream id returned. Opaque to clients. */
export function encodeCursor(streamId: string): string {
  return Buffer.from(streamId, 'utf8').toString('base64url');
}

/** The stream id in a cursor, or `InvalidCursorError` for anything `encodeCursor` did not produce. */
export function decodeCursor(cursor: string): string {
  const streamId = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!isStreamId(streamId) || encodeCursor(streamId) !== cursor) throw new InvalidCursorError(cursor);
  return streamId;
}
