/** The largest part of a Redis stream id: both the milliseconds and the sequence are unsigned 64-bit integers. */
const MAX_PART = 2n ** 64n - 1n;
/** Canonical decimal (no sign, no leading zero), at most 20 digits: what Redis itself writes. */
const EVENT_ID = /^(0|[1-9]\d{0,19})-(0|[1-9]\d{0,19})$/;

/**
 * The one codec of the event ids kumo accepts from clients (`Last-Event-ID`, the stream id inside a pages cursor):
 * the canonical `<ms>-<seq>` of a result-stream entry, each part within 64 bits, and not the largest id
 * (`18446744073709551615-18446744073709551615`), after which Redis can read nothing. Returns the id, or undefined
 * for anything else, so every caller answers 400 instead of passing Redis an id it rejects.
 */
export function parseEventId(value: string): string | undefined {
  const match = EVENT_ID.exec(value);
  if (!match) return undefined;
  const ms = BigInt(match[1]!);
  const seq = BigInt(match[2]!);
  if (ms > MAX_PART || seq > MAX_PART || (ms === MAX_PART && seq === MAX_PART)) return undefined;
  return value;
}
