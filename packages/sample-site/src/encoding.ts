import iconv from 'iconv-lite';
import { SampleSiteEncodingError } from './errors.js';
import type { SiteEncoding } from './manifest.js';

/** iconv-lite's names for the WHATWG encodings we write. */
const ICONV_NAMES: Record<SiteEncoding, string> = { 'utf-8': 'utf8', shift_jis: 'shift_jis', 'euc-jp': 'euc-jp' };

/**
 * Encodes text and proves it decodes back unchanged with the WHATWG decoder a crawler would use: iconv-lite
 * silently writes `?` for characters it cannot map, and a page that does not round-trip is a useless fixture.
 */
export function encodeText(text: string, encoding: SiteEncoding, where: string): Buffer {
  const body = encoding === 'utf-8' ? Buffer.from(text, 'utf8') : iconv.encode(text, ICONV_NAMES[encoding]);
  const decoded = new TextDecoder(encoding).decode(body);
  if (decoded !== text) {
    let at = 0;
    while (at < text.length && text[at] === decoded[at]) at++;
    throw new SampleSiteEncodingError(
      `${where}: the text does not round-trip through ${encoding} (first difference at character ${at}: ` +
        `${JSON.stringify(text.slice(at, at + 8))})`,
    );
  }
  return body;
}

/**
 * The encoded size of text, without encoding it: every character we write is ASCII or in JIS X 0208, which
 * Shift_JIS and EUC-JP store in two bytes. Used to fill a page up to its target size.
 */
export function encodedLength(text: string, encoding: SiteEncoding): number {
  if (encoding === 'utf-8') return Buffer.byteLength(text, 'utf8');
  let bytes = 0;
  for (let i = 0; i < text.length; i++) bytes += text.charCodeAt(i) < 0x80 ? 1 : 2;
  return bytes;
}
