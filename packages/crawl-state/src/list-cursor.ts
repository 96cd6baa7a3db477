import { InvalidCursorError } from './errors.js';
import { parseIndexMember, type IndexEntry } from './owner-index.js';

/** A list cursor: the base64url of the index member of the last crawl examined. Opaque to clients. */
export function encodeListCursor(member: string): string {
  return Buffer.from(member, 'utf8').toString('base64url');
}

/**
 * The index member in a list cursor, or `InvalidCursorError` for anything `encodeListCursor` did not produce. A
 * well-formed member of a crawl that no longer exists (or never did) is accepted: the listing goes on below it, and
 * one below every crawl reads as an empty last page.
 */
export function decodeListCursor(
  cursor: string,
  parse: (member: string) => IndexEntry | undefined = parseIndexMember,
): string {
  const member = Buffer.from(cursor, 'base64url').toString('utf8');
  if (parse(member) === undefined || encodeListCursor(member) !== cursor) {
    throw new InvalidCursorError(cursor);
  }
  return member;
}
