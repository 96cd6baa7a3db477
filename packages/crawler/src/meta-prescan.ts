import { canonicalEncoding } from './charset-label.js';

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
