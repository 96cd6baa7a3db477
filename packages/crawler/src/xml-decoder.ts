import { canonicalEncoding } from './decode.js';

// XML bytes to text as they stream. The encoding comes, in order, from a byte-order mark, the XML declaration
// (`<?xml version="1.0" encoding="Shift_JIS"?>`: Japanese feeds still use it), the `Content-Type` charset, then UTF-8
// (XML's default).

/** Bytes looked at for the XML declaration before decoding starts. */
const SNIFF_BYTES = 512;

const XML_DECLARATION_ENCODING = /^<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/;

/** The encoding a document's first bytes declare: BOM first, then the XML declaration; undefined if neither. */
export function sniffXmlEncoding(head: Buffer): string | undefined {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  // The declaration is ASCII in every encoding a feed uses in practice (UTF-16 has its BOM).
  const declared = XML_DECLARATION_ENCODING.exec(head.toString('latin1'))?.[1];
  return declared === undefined ? undefined : canonicalEncoding(declared);
}

/** Decodes an XML byte stream chunk by chunk; the encoding is settled after the first {@link SNIFF_BYTES} bytes. */
export class XmlDecoder {
  #decoder: InstanceType<typeof TextDecoder> | undefined;
  #head: Buffer[] = [];
  #headBytes = 0;
  readonly #charset: string | undefined;

  /** @param charset the `Content-Type` charset, used when the document declares none */
  constructor(charset?: string) {
    this.#charset = charset === undefined ? undefined : canonicalEncoding(charset);
  }

  /** The encoding in use (once decided). */
  get encoding(): string | undefined {
    return this.#decoder?.encoding;
  }

  /** Text of the next chunk ('' while the head is still being collected). */
  write(chunk: Buffer): string {
    if (this.#decoder !== undefined) return this.#decoder.decode(chunk, { stream: true });
    this.#head.push(chunk);
    this.#headBytes += chunk.length;
    return this.#headBytes >= SNIFF_BYTES ? this.#start() : '';
  }

  /** The text still held (a short document, or the last bytes of a multi-byte character). */
  end(): string {
    const rest = this.#decoder === undefined ? this.#start() : '';
    return rest + (this.#decoder?.decode() ?? '');
  }

  #start(): string {
    const head = Buffer.concat(this.#head);
    this.#head = [];
    const encoding = sniffXmlEncoding(head) ?? this.#charset ?? 'utf-8';
    // `ignoreBOM: false` drops a leading BOM, which XML parsers refuse as text before the root.
    this.#decoder = new TextDecoder(encoding, { ignoreBOM: false });
    return this.#decoder.decode(head, { stream: true });
  }
}
