import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
const ID_PATTERN = /^c[0-9a-z]{20}$/;

/**
 * A new opaque crawl id: `c` + 20 random base36 characters (about 103 bits). No `:`, `{` or `}`, so it is a valid
 * key segment and a valid BullMQ custom job id, and never looks like an integer (BullMQ refuses those).
 */
export function newCrawlId(): string {
  let id = 'c';
  while (id.length < 21) {
    for (const byte of randomBytes(32)) {
      // 252 = 7 × 36: rejecting larger bytes keeps every character equally likely.
      if (byte < 252 && id.length < 21) id += ALPHABET[byte % 36];
    }
  }
  return id;
}

/** True for a string shaped like `newCrawlId()`'s output (the API rejects anything else with 404). */
export function isCrawlId(value: string): boolean {
  return ID_PATTERN.test(value);
}

/**
 * A crawl id as it arrives in a URL path segment (percent-encoded): the decoded text, or undefined when its
 * percent-encoding is malformed (`%ZZ`, a lone `%`, invalid UTF-8), which the API answers 400 rather than letting
 * the decoder throw. A decoded text that is not shaped like a crawl id is still a well-formed request: `isCrawlId`
 * decides, and the API answers 404 so ids cannot be probed.
 */
export function decodeCrawlIdSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
