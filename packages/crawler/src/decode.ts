import Encoding from 'encoding-japanese';

// Bytes to text, the way browsers do it (WHATWG Encoding and MIME Sniffing): the `Content-Type` header, whether an
// unlabelled body is HTML, encoding labels, the `<meta>` prescan, then detection for undeclared Japanese bytes.

/** A parsed `Content-Type` header value. */
export interface ContentType {
  /** Essence, lower-case (`text/html`). */
  mime: string;
  /** The `charset` parameter as sent (unquoted, trimmed), if any. */
  charset?: string;
}

const HTML_MIMES = new Set(['text/html', 'application/xhtml+xml']);

/** Parses a `Content-Type` value; `undefined` for a missing or meaningless one (then the body is sniffed). */
export function parseContentType(header: string | undefined): ContentType | undefined {
  if (header === undefined) return undefined;
  const [essence = '', ...parameters] = header.split(';');
  const mime = essence.trim().toLowerCase();
  if (!/^[!#$%&'*+.^_`|~0-9a-z-]+\/[!#$%&'*+.^_`|~0-9a-z-]+$/.test(mime)) return undefined;
  const result: ContentType = { mime };
  for (const parameter of parameters) {
    const index = parameter.indexOf('=');
    if (index === -1) continue;
    const name = parameter.slice(0, index).trim().toLowerCase();
    if (name !== 'charset') continue;
    const value = parameter
      .slice(index + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .trim();
    if (value.length > 0) result.charset = value;
    break;
  }
  return result;
}

/** True for the types we parse as HTML. */
export function isHtmlMime(mime: string): boolean {
  return HTML_MIMES.has(mime);
}

// WHATWG MIME sniffing's HTML patterns: a tag name followed by a space or `>` (or `!--` for a comment).
const HTML_SNIFF =
  /^(?:<!doctype html|<html|<head|<script|<iframe|<h1|<div|<font|<table|<a|<style|<title|<b|<body|<br|<p|<!--)[\s>]/i;
const SNIFF_BYTES = 512;

/** How many leading bytes {@link looksLikeHtml} needs (fewer are fine when the body is shorter). */
export const HTML_SNIFF_BYTES = SNIFF_BYTES;

/**
 * Whether an unlabelled body starts like HTML (WHATWG "rules for identifying an unknown MIME type", HTML part):
 * skip a BOM and leading whitespace, then look for a well-known opening tag.
 */
export function looksLikeHtml(head: Uint8Array): boolean {
  let text = Buffer.from(head.buffer, head.byteOffset, Math.min(head.byteLength, SNIFF_BYTES)).toString('latin1');
  if (text.startsWith('\xef\xbb\xbf')) text = text.slice(3);
  // UTF-16 documents: drop the BOM and the zero bytes so the ASCII pattern still applies.
  if (text.startsWith('\xff\xfe') || text.startsWith('\xfe\xff')) text = text.slice(2).replaceAll('\0', '');
  return HTML_SNIFF.test(text.replace(/^[\t\n\f\r ]+/, '') + ' ');
}

// Labels seen on Japanese pages that the WHATWG Encoding Standard (and so TextDecoder) does not know, mapped to the
// encoding browsers actually use for them. `cp932` is the famous one: TextDecoder rejects it.
const EXTRA_LABELS: Record<string, string> = {
  cp932: 'shift_jis',
  'windows-932': 'shift_jis',
  'ibm-943': 'shift_jis',
  shiftjis: 'shift_jis',
  'x-shift-jis': 'shift_jis',
  'shift-jisx0213': 'shift_jis',
  shift_jisx0213: 'shift_jis',
  sjis_open: 'shift_jis',
  eucjp: 'euc-jp',
  euc_jp: 'euc-jp',
  'x-eucjp': 'euc-jp',
  ujis: 'euc-jp',
  'euc-jis-2004': 'euc-jp',
  'euc-jisx0213': 'euc-jp',
  'eucjp-ms': 'euc-jp',
  'eucjp-win': 'euc-jp',
  cp51932: 'euc-jp',
  jis: 'iso-2022-jp',
  iso2022jp: 'iso-2022-jp',
  'iso-2022-jp-1': 'iso-2022-jp',
  'iso-2022-jp-2': 'iso-2022-jp',
  'iso-2022-jp-3': 'iso-2022-jp',
  'iso-2022-jp-2004': 'iso-2022-jp',
  cp50220: 'iso-2022-jp',
  cp50221: 'iso-2022-jp',
  cp50222: 'iso-2022-jp',
  utf8: 'utf-8',
  'utf-8n': 'utf-8',
};

const labelCache = new Map<string, string | null>();

/**
 * The WHATWG name (`shift_jis`, `euc-jp`, `utf-8`, `windows-1252`…) of an encoding label, or `undefined` when no
 * decoder exists for it (unknown labels, and the `replacement` encoding TextDecoder refuses).
 */
export function canonicalEncoding(label: string): string | undefined {
  const key = label.trim().toLowerCase();
  const cached = labelCache.get(key);
  if (cached !== undefined) return cached ?? undefined;
  let result: string | null = null;
  try {
    result = new TextDecoder(EXTRA_LABELS[key] ?? key).encoding;
  } catch {
    result = null;
  }
  // Bounded: labels come from the network.
  if (labelCache.size < 512) labelCache.set(key, result);
  return result ?? undefined;
}

/** The prescan reads this many bytes, as browsers do. */
export const PRESCAN_BYTES = 1024;

const SPACE = /[\t\n\f\r /]/;
const WHITESPACE = /[\t\n\f\r ]/;

interface Attribute {
  name: string;
  value: string;
  end: number;
}

/** WHATWG "get an attribute" over a latin1 string: returns the next attribute of a tag, or undefined at `>`. */
function nextAttribute(text: string, start: number): Attribute | undefined {
  let i = start;
  while (i < text.length && SPACE.test(text.charAt(i))) i += 1;
  if (i >= text.length || text.charAt(i) === '>') return undefined;
  let name = '';
  // The first character may be `=`: it is then part of the name.
  do {
    const c = text.charAt(i);
    if ((c === '=' && name.length > 0) || WHITESPACE.test(c) || c === '/' || c === '>') break;
    name += c.toLowerCase();
    i += 1;
  } while (i < text.length);
  while (i < text.length && WHITESPACE.test(text.charAt(i))) i += 1;
  if (text.charAt(i) !== '=') return { name, value: '', end: i };
  i += 1;
  while (i < text.length && WHITESPACE.test(text.charAt(i))) i += 1;
  const quote = text.charAt(i);
  if (quote === '"' || quote === "'") {
    const close = text.indexOf(quote, i + 1);
    // An attribute cut off by the 1024-byte window is discarded, as in the standard.
    if (close === -1) return { name, value: '', end: text.length };
    return { name, value: text.slice(i + 1, close).toLowerCase(), end: close + 1 };
  }
  let value = '';
  while (i < text.length && !WHITESPACE.test(text.charAt(i)) && text.charAt(i) !== '>') {
    value += text.charAt(i).toLowerCase();
    i += 1;
  }
  return { name, value, end: i };
}

/** WHATWG "extract a character encoding from a meta element" (`text/html; charset=x` in `content`). */
export function charsetFromContent(content: string): string | undefined {
  const lower = content.toLowerCase();
  let from = 0;
  for (;;) {
    const at = lower.indexOf('charset', from);
    if (at === -1) return undefined;
    let i = at + 'charset'.length;
    while (i < lower.length && WHITESPACE.test(lower.charAt(i))) i += 1;
    if (lower.charAt(i) !== '=') {
      from = i;
      continue;
    }
    i += 1;
    while (i < lower.length && WHITESPACE.test(lower.charAt(i))) i += 1;
    const quote = lower.charAt(i);
    if (quote === '"' || quote === "'") {
      const close = lower.indexOf(quote, i + 1);
      return close === -1 ? undefined : lower.slice(i + 1, close);
    }
    const match = /^[^\t\n\f\r ;]+/.exec(lower.slice(i));
    return match?.[0];
  }
}

/** Parses one `<meta …>` starting after `<meta`; returns the encoding it declares, if any, and where it ends. */
function metaEncoding(text: string, start: number): { encoding: string | undefined; end: number } {
  const seen = new Set<string>();
  let gotPragma = false;
  let needPragma: boolean | undefined;
  let charset: string | undefined;
  let i = start;
  for (let attribute = nextAttribute(text, i); attribute !== undefined; attribute = nextAttribute(text, i)) {
    i = attribute.end;
    if (seen.has(attribute.name)) continue;
    seen.add(attribute.name);
    if (attribute.name === 'http-equiv' && attribute.value === 'content-type') gotPragma = true;
    else if (attribute.name === 'content' && charset === undefined) {
      const fromContent = charsetFromContent(attribute.value);
      if (fromContent !== undefined) {
        charset = fromContent;
        needPragma = true;
      }
    } else if (attribute.name === 'charset') {
      charset = attribute.value;
      needPragma = false;
    }
  }
  const end = text.indexOf('>', i);
  const next = end === -1 ? text.length : end + 1;
  if (needPragma === undefined || (needPragma && !gotPragma) || charset === undefined) {
    return { encoding: undefined, end: next };
  }
  let encoding = canonicalEncoding(charset);
  // A document that can carry a byte-oriented <meta> is not UTF-16, whatever it says.
  if (encoding === 'utf-16le' || encoding === 'utf-16be') encoding = 'utf-8';
  return { encoding, end: next };
}

/** Skips a tag's name and attributes (so a `>` inside a quoted value does not end it). */
function skipTag(text: string, start: number): number {
  let i = start;
  while (i < text.length && !SPACE.test(text.charAt(i)) && text.charAt(i) !== '>') i += 1;
  for (let attribute = nextAttribute(text, i); attribute !== undefined; attribute = nextAttribute(text, i)) {
    if (attribute.end <= i) break;
    i = attribute.end;
  }
  const end = text.indexOf('>', i);
  return end === -1 ? text.length : end + 1;
}

/**
 * The encoding a `<meta charset>` or `<meta http-equiv="Content-Type" content="…charset=…">` in the first 1024 bytes
 * declares (WHATWG "prescan a byte stream to determine its encoding", without its rarely-relevant corners).
 * Returns the WHATWG encoding name, or `undefined`. Unknown labels are skipped and the scan goes on.
 */
export function prescanMetaCharset(bytes: Uint8Array): string | undefined {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, PRESCAN_BYTES)).toString(
    'latin1',
  );
  let i = 0;
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    if (lt === -1) return undefined;
    i = lt;
    if (text.startsWith('<!--', i)) {
      const close = text.indexOf('-->', i + 2);
      if (close === -1) return undefined;
      i = close + 3;
    } else if (/^<meta[\t\n\f\r /]/i.test(text.slice(i, i + 6))) {
      const result = metaEncoding(text, i + 5);
      if (result.encoding !== undefined) return result.encoding;
      i = result.end;
    } else if (/^<\/?[a-z]/i.test(text.slice(i, i + 3))) {
      i = skipTag(text, i + (text.charAt(i + 1) === '/' ? 2 : 1));
    } else if (text.startsWith('<!', i) || text.startsWith('</', i) || text.startsWith('<?', i)) {
      const close = text.indexOf('>', i);
      if (close === -1) return undefined;
      i = close + 1;
    } else {
      i += 1;
    }
  }
  return undefined;
}

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
