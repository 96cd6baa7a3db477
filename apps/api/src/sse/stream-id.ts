/** `<ms>-<seq>` split into two bigints (seq may exceed 2^53 in theory; ms never does, but one type is simpler). */
function parts(id: string): [bigint, bigint] {
  const dash = id.indexOf('-');
  return dash === -1 ? [BigInt(id), 0n] : [BigInt(id.slice(0, dash)), BigInt(id.slice(dash + 1))];
}

/** Orders two stream ids: negative when `a` comes first, 0 when equal, positive when `a` comes later. */
export function compareStreamIds(a: string, b: string): number {
  const [aMs, aSeq] = parts(a);
  const [bMs, bSeq] = parts(b);
  if (aMs !== bMs) return aMs < bMs ? -1 : 1;
  if (aSeq !== bSeq) return aSeq < bSeq ? -1 : 1;
  return 0;
}

/** The id just before everything written at or after `id`'s millisecond, for a reader's starting cursor. */
export function cursorBefore(id: string): string {
  const [ms] = parts(id);
  return ms > 0n ? `${ms - 1n}-0` : '0-0';
}

/** The largest sequence of a stream id (unsigned 64-bit). */
const MAX_SEQ = 2n ** 64n - 1n;

/**
 * `after` itself, unless it lies in a later millisecond than `now` (an id Redis has not reached yet, such as a
 * far-future `Last-Event-ID` or one of another stream): then the last id before `now`'s millisecond, so the reader
 * delivers the real events that come instead of waiting for the clock to reach a made-up id.
 */
export function notBeyond(after: string, now: string): string {
  const [afterMs] = parts(after);
  const [nowMs] = parts(now);
  return afterMs > nowMs && nowMs > 0n ? `${nowMs - 1n}-${MAX_SEQ}` : after;
}

/** The stream id before every entry. */
export const STREAM_START = '0-0';
