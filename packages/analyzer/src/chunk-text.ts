import { AnalyzerOptionError } from './errors.js';

/** Default upper bound of one chunk, in UTF-16 code units (~5 ms of kuromoji work on one core). */
export const DEFAULT_MAX_CHUNK_CHARS = 2_000;
/** Below this a chunk would cut most lines into pieces and change tokenisation for no benefit. */
export const MIN_MAX_CHUNK_CHARS = 16;

// A sentence ends after a run of terminators and any closing quotes or brackets that follow it; a line ends after a
// run of line breaks. Both are places where kuromoji itself never joins tokens across (it splits at 。 too).
const SEGMENT_END = /[。！？!?]+[」』）)\]】〉》"'’”]*|[\r\n]+/;
// Preferred cut points inside an over-long line, best first: after whitespace, after a comma-like mark.
const WHITESPACE = /\s/u;
const COMMA_LIKE = /[、，,;；:：・]/u;
const HIRAGANA = /\p{Script=Hiragana}/u;
const JAPANESE = /[\p{Script=Han}\p{Script=Katakana}\p{Script=Hiragana}ー]/u;
const LATIN_OR_DIGIT = /[A-Za-z0-9]/;

/** Throws when `maxChars` is not an integer of at least `MIN_MAX_CHUNK_CHARS`. */
export function assertMaxChunkChars(maxChars: number): void {
  if (!Number.isInteger(maxChars) || maxChars < MIN_MAX_CHUNK_CHARS) {
    throw new AnalyzerOptionError(
      'maxChunkChars',
      `maxChunkChars must be an integer of at least ${MIN_MAX_CHUNK_CHARS} (got ${String(maxChars)})`,
    );
  }
}

/**
 * Splits `text` into chunks of at most `maxChars` code units, cutting at sentence ends (。！？!?) and line breaks,
 * so that tokenising the chunks one by one gives the same tokens as tokenising the whole text. A line longer than
 * `maxChars` is cut at a safe boundary (see `cutPoint`). Joining the chunks gives back `text` exactly.
 */
export function splitIntoChunks(text: string, maxChars: number = DEFAULT_MAX_CHUNK_CHARS): string[] {
  return [...chunkText(text, maxChars)];
}

/** Lazy form of `splitIntoChunks`: huge texts are never held twice. */
export function* chunkText(text: string, maxChars: number = DEFAULT_MAX_CHUNK_CHARS): Generator<string> {
  assertMaxChunkChars(maxChars);
  if (text.length <= maxChars) {
    if (text.length > 0) yield text;
    return;
  }
  let chunkStart = 0; // start of the chunk being packed
  let chunkEnd = 0; // end of the last whole segment packed into it
  for (const segmentEnd of segmentEnds(text)) {
    if (segmentEnd - chunkStart <= maxChars) {
      chunkEnd = segmentEnd;
      continue;
    }
    if (chunkEnd > chunkStart) {
      yield text.slice(chunkStart, chunkEnd);
      chunkStart = chunkEnd;
    }
    // The segment alone may still be too long: cut it into pieces, keeping the remainder open for packing.
    while (segmentEnd - chunkStart > maxChars) {
      const cut = cutPoint(text, chunkStart, chunkStart + maxChars);
      yield text.slice(chunkStart, cut);
      chunkStart = cut;
    }
    chunkEnd = segmentEnd;
  }
  if (chunkEnd > chunkStart) yield text.slice(chunkStart, chunkEnd);
}

/** Yields the end offset of every sentence or line of `text`, the last one being `text.length`. */
function* segmentEnds(text: string): Generator<number> {
  const pattern = new RegExp(SEGMENT_END.source, 'g'); // own instance: generators may interleave
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(text)) !== null) {
    const end = match.index + match[0].length;
    if (end < text.length) yield end;
  }
  yield text.length;
}

/**
 * Where to cut the line `text[start, limit + …)` so that the piece is at most `limit - start` long. Searched in the
 * second half of the window only (a tiny piece would be wasted work), best boundary first:
 * 1. right after whitespace (kuromoji never joins across it);
 * 2. right after a comma-like mark (、，,;：・);
 * 3. a script change that starts a word: into kanji/katakana from hiragana, or between Japanese and Latin/digits
 *    (never kanji → hiragana, which would split a verb from its okurigana);
 * 4. otherwise exactly at the limit, moved back one unit rather than splitting a surrogate pair.
 */
function cutPoint(text: string, start: number, limit: number): number {
  const floor = start + Math.max(1, Math.floor((limit - start) / 2));
  for (const isBoundary of BOUNDARY_RULES) {
    for (let cut = limit; cut >= floor; cut--) {
      if (isBoundary(text.charAt(cut - 1), text.charAt(cut))) return cut;
    }
  }
  return isHighSurrogate(text.charCodeAt(limit - 1)) && limit - 1 > start ? limit - 1 : limit;
}

type BoundaryRule = (before: string, after: string) => boolean;

const BOUNDARY_RULES: readonly BoundaryRule[] = [
  (before) => WHITESPACE.test(before),
  (before) => COMMA_LIKE.test(before),
  (before, after) =>
    (HIRAGANA.test(before) && JAPANESE.test(after) && !HIRAGANA.test(after) && after !== 'ー') ||
    (JAPANESE.test(before) && LATIN_OR_DIGIT.test(after)) ||
    (LATIN_OR_DIGIT.test(before) && JAPANESE.test(after)),
];

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
