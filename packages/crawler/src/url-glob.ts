// URL globs of a crawl's `include` and `exclude` (docs/api.md, "Include and exclude"; decision 0011).
//
// Matched without regular expressions: glob libraries such as picomatch compile `*` to a lazy regex, and a few
// `*` against a long URL backtrack for seconds (4 of them on 200 characters took ~0.5 s). Here a pattern is a
// list of segments and matching backtracks only to the last `*` (within a segment) and the last `**` (across
// segments), which keeps it at O(pattern × URL) whatever the pattern.

/** A compiled segment: literal pieces with a `*` between each two (`a*b*c` → `['a', 'b', 'c']`). */
type Segment = { kind: 'globstar' } | { kind: 'part'; pieces: readonly string[] };

/** One compiled URL glob. */
export interface UrlGlob {
  /** The pattern as given. */
  readonly source: string;
  /** Whether the canonical absolute `url` matches. */
  matches(url: string): boolean;
}

/**
 * Writes a pattern the way `normalizeUrl` writes URLs, so `HTTPS://Example.COM/ブログ/**` matches what the crawler
 * sees: scheme and host lower-cased (the host through the WHATWG parser when it has no wildcard: punycode,
 * default port dropped), and characters outside ASCII, and spaces, percent-encoded as UTF-8.
 */
export function canonicalPattern(pattern: string): string {
  let rest = pattern;
  let prefix = '';
  const origin = /^([a-z][a-z0-9+.-]*):\/\/([^/]*)/i.exec(pattern);
  if (origin !== null) {
    const scheme = origin[1]!.toLowerCase();
    let host = origin[2]!;
    if (!host.includes('*')) {
      try {
        host = new URL(`${scheme}://${host}/`).host;
      } catch {
        host = host.toLowerCase();
      }
    } else {
      host = host.toLowerCase();
    }
    prefix = `${scheme}://${host}`;
    rest = pattern.slice(origin[0].length);
  }
  return prefix + rest.replace(/[^\x21-\x7e]/gu, (char) => encodeURIComponent(char));
}

function compileSegment(segment: string): Segment {
  if (segment === '**') return { kind: 'globstar' };
  // `**` inside a segment (`a**b`) is an ordinary `*`, as in bash.
  return { kind: 'part', pieces: segment.split(/\*+/) };
}

/** `*`-glob match of one segment: the classic algorithm that backtracks only to the last `*`. */
function matchPart(pieces: readonly string[], text: string): boolean {
  if (pieces.length === 1) return pieces[0] === text;
  const first = pieces[0]!;
  const last = pieces[pieces.length - 1]!;
  if (text.length < first.length + last.length || !text.startsWith(first) || !text.endsWith(last)) return false;
  // Between the first and last pieces, taking each middle piece at its earliest position is optimal.
  let at = first.length;
  const end = text.length - last.length;
  for (let i = 1; i < pieces.length - 1; i += 1) {
    const piece = pieces[i]!;
    const found = text.indexOf(piece, at);
    if (found === -1 || found + piece.length > end) return false;
    at = found + piece.length;
  }
  return true;
}

/** Segment list match: `**` takes zero or more whole segments; backtracks only to the last `**`. */
function matchSegments(pattern: readonly Segment[], path: readonly string[]): boolean {
  let px = 0;
  let sx = 0;
  let retryPx = -1;
  let retrySx = -1;
  while (px < pattern.length || sx < path.length) {
    const segment = pattern[px];
    if (segment !== undefined) {
      if (segment.kind === 'globstar') {
        retryPx = px;
        retrySx = sx + 1;
        px += 1;
        continue;
      }
      if (sx < path.length && matchPart(segment.pieces, path[sx]!)) {
        px += 1;
        sx += 1;
        continue;
      }
    }
    // Mismatch: let the last `**` take one more segment and try again from there.
    if (retryPx !== -1 && retrySx <= path.length) {
      px = retryPx + 1;
      sx = retrySx;
      retrySx += 1;
      continue;
    }
    return false;
  }
  return true;
}

/** Compiles one pattern (see {@link canonicalPattern} for how it is written first). */
export function compileUrlGlob(pattern: string): UrlGlob {
  const segments = canonicalPattern(pattern).split('/').map(compileSegment);
  return { source: pattern, matches: (url) => matchSegments(segments, url.split('/')) };
}
