import Encoding from 'encoding-japanese';
import { canonicalEncoding } from './charset-label.js';
import { prescanMetaCharset } from './meta-prescan.js';

/** Where the encoding used came from. */
export type EncodingSource = 'header' | 'bom' | 'meta' | 'detected' | 'default';

export interface DecodedText {
  text: string;
  /** WHATWG name of the encoding actually used (`shift_jis`, `euc-jp`, `iso-2022-jp`, `utf-8`, `windows-1252`…). */
  charset: string;
  source: EncodingSource;
  /** The declared encoding (header or meta) that was overruled because the bytes are clearly another one. */
  overruled?: string;
}

interface Detection {
  encoding: string;
  /** The bytes are valid in this encoding (strict check) and decode without a single U+FFFD. */
  confident: boolean;
}

const DETECTED_NAMES: Record<string, string> = {
  JIS: 'iso-2022-jp',
  UTF8: 'utf-8',
  EUCJP: 'euc-jp',
  SJIS: 'shift_jis',
};

function countReplacements(text: string): number {
  let count = 0;
  for (let at = text.indexOf('\uFFFD'); at !== -1; at = text.indexOf('\uFFFD', at + 1)) count += 1;
  return count;
}

function decodeWith(bytes: Uint8Array, encoding: string): string {
  return new TextDecoder(encoding).decode(bytes);
}

function bomEncoding(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return undefined;
}

function hasNonAscii(bytes: Uint8Array): boolean {
  for (const byte of bytes) if (byte >= 0x80) return true;
  return false;
}

/**
 * Guesses the encoding of undeclared bytes. ISO-2022-JP is 7-bit with escape sequences, so it is tested first;
 * then the strict validators of encoding-japanese in the order UTF-8, EUC-JP, Shift_JIS (Japanese EUC-JP text is
 * often also valid Shift_JIS as half-width katakana, never the other way round). When no validator accepts the
 * bytes (a stray broken byte), the candidate with the fewest U+FFFD wins if it is clearly better than the rest.
 */
export function detectEncoding(bytes: Uint8Array): Detection | undefined {
  if (!hasNonAscii(bytes)) {
    return Encoding.detect(bytes, 'JIS') === 'JIS' ? { encoding: 'iso-2022-jp', confident: true } : undefined;
  }
  const strict = Encoding.detect(bytes, ['UTF8', 'EUCJP', 'SJIS']);
  if (strict !== false) {
    const encoding = DETECTED_NAMES[strict];
    if (encoding !== undefined && countReplacements(decodeWith(bytes, encoding)) === 0) {
      return { encoding, confident: true };
    }
  }
  const scored = ['utf-8', 'euc-jp', 'shift_jis']
    .map((encoding) => ({ encoding, replacements: countReplacements(decodeWith(bytes, encoding)) }))
    .sort((a, b) => a.replacements - b.replacements);
  const [best, second] = scored;
  if (best === undefined || second === undefined) return undefined;
  // "Clearly better": at most one error per 200 non-ASCII bytes, and a quarter of the runner-up's errors.
  const nonAscii = bytes.reduce((sum, byte) => sum + (byte >= 0x80 ? 1 : 0), 0);
  if (best.replacements <= nonAscii / 200 && best.replacements * 4 <= second.replacements) {
    return { encoding: best.encoding, confident: false };
  }
  return undefined;
}

/**
 * Whether a declared encoding should give way to a detected one. It must be clear-cut, because a declaration is
 * usually right and most broken pages are broken in their declared encoding: the declared decoding has at least
 * 2 U+FFFD making up at least 1% of its non-ASCII characters, and detection found an encoding whose strict check
 * passes and whose decoding has none.
 */
function shouldOverrule(declaredText: string, detection: Detection | undefined): detection is Detection {
  if (detection === undefined || !detection.confident) return false;
  const replacements = countReplacements(declaredText);
  if (replacements < 2) return false;
  let nonAscii = 0;
  for (let i = 0; i < declaredText.length; i += 1) if (declaredText.charCodeAt(i) >= 0x80) nonAscii += 1;
  return replacements >= nonAscii / 100;
}

/**
 * Decodes an HTML body. The encoding comes, in order, from: the `Content-Type` charset, a byte-order mark, a
 * `<meta>` declaration in the first 1024 bytes, detection from the bytes, then UTF-8. A declaration (header or
 * meta) whose decoding is full of U+FFFD while the bytes are cleanly another encoding is overruled (see
 * {@link DecodedText.overruled}): Japanese servers often send a default `charset=utf-8` for Shift_JIS files.
 */
export function decodeHtml(bytes: Uint8Array, headerCharset?: string): DecodedText {
  const declared = headerCharset === undefined ? undefined : canonicalEncoding(headerCharset);
  if (declared !== undefined) return checkDeclared(bytes, declared, 'header');
  const bom = bomEncoding(bytes);
  if (bom !== undefined) return { text: decodeWith(bytes, bom), charset: bom, source: 'bom' };
  const meta = prescanMetaCharset(bytes);
  if (meta !== undefined) return checkDeclared(bytes, meta, 'meta');
  const detection = detectEncoding(bytes);
  if (detection !== undefined) {
    return { text: decodeWith(bytes, detection.encoding), charset: detection.encoding, source: 'detected' };
  }
  return { text: decodeWith(bytes, 'utf-8'), charset: 'utf-8', source: 'default' };
}

function checkDeclared(bytes: Uint8Array, encoding: string, source: 'header' | 'meta'): DecodedText {
  const text = decodeWith(bytes, encoding);
  // Single-byte encodings never produce U+FFFD, so only multi-byte declarations can be caught out.
  if (!text.includes('\uFFFD')) return { text, charset: encoding, source };
  const detection = detectEncoding(bytes);
  if (shouldOverrule(text, detection) && detection.encoding !== encoding) {
    return {
      text: decodeWith(bytes, detection.encoding),
      charset: detection.encoding,
      source: 'detected',
      overruled: encoding,
    };
  }
  return { text, charset: encoding, source };
}
