import { SaxesParser, type SaxesTagNS } from 'saxes';
import { SourceMalformedError, SourceTooLargeError } from './errors.js';

// The XML of a `sources` entry, read as it streams (saxes, a SAX-style parser: nothing is kept but the open
// elements and the text of the element being read). Sitemaps (sitemaps.org `urlset` and `sitemapindex`), RSS 2.0
// (and RSS 1.0) and Atom; the URLs they list are handed on one by one.

/** What a source document turned out to be (whatever its `type` in the request said). */
export type SourceFormat = 'urlset' | 'sitemapindex' | 'rss' | 'atom';

/** A page to crawl, or (in a sitemap index) another sitemap to read. */
export type SourceEntryKind = 'page' | 'sitemap';

export interface SourceParserOptions {
  /** The document's URL (after redirects): relative links and `xml:base` resolve against it. */
  baseUrl: string;
  /** Entries after which the document fails with `SourceTooLargeError`. */
  maxEntries: number;
  /** Called with each absolute http(s) URL the document lists, in document order. */
  onEntry: (url: string, kind: SourceEntryKind) => void;
}

const ATOM_NS = 'http://www.w3.org/2005/Atom';
const RSS1_NS = 'http://purl.org/rss/1.0/';
const XML_NS = 'http://www.w3.org/XML/1998/namespace';
/** Longest URL text read; longer ones are dropped (`invalid`), as browsers and the sitemap protocol (2,048) do. */
const MAX_URL_CHARS = 8192;
/**
 * Longest run of text between two tags. saxes holds a text node whole until the next tag, so without this bound a
 * document of one huge text node would be held in memory up to the byte cap. No sitemap or feed comes near it.
 */
export const MAX_TEXT_RUN_CHARS = 4 * 1024 * 1024;

interface Frame {
  local: string;
  /** True when the element is in the format's own namespace (not an extension such as `image:loc`). */
  own: boolean;
  base: string;
}

function resolve(raw: string, base: string): string | undefined {
  try {
    const url = new URL(raw.trim(), base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function formatOf(tag: SaxesTagNS): { format: SourceFormat; ns: string } | undefined {
  switch (tag.local) {
    case 'urlset':
      return { format: 'urlset', ns: tag.uri };
    case 'sitemapindex':
      return { format: 'sitemapindex', ns: tag.uri };
    case 'rss':
      return { format: 'rss', ns: '' };
    case 'RDF':
      return { format: 'rss', ns: RSS1_NS };
    case 'feed':
      return tag.uri === ATOM_NS ? { format: 'atom', ns: ATOM_NS } : undefined;
    default:
      return undefined;
  }
}

/**
 * Parses one sitemap or feed pushed to it in pieces of text (`write`, then `end`). Throws `SourceMalformedError` for
 * XML that is not well-formed or a root that is no sitemap or feed, and `SourceTooLargeError` past `maxEntries`;
 * entries handed on before that stay handed on. Entries that are no absolute http(s) URL once resolved are counted
 * in `invalid`, not handed on.
 */
export class SourceParser {
  format: SourceFormat | undefined;
  /** Entries handed on. */
  entries = 0;
  /** Entries that were no http(s) URL (or too long). */
  invalid = 0;
  readonly #options: SourceParserOptions;
  readonly #parser = new SaxesParser({ xmlns: true, position: true });
  readonly #stack: Frame[] = [];
  #ns = '';
  /** Characters since the last `<` seen. */
  #run = 0;
  #text: string | undefined;
  /** The current RSS item's `<link>` and permalink `<guid>`, or Atom entry's alternate link. */
  #link: string | undefined;
  #guid: string | undefined;

  constructor(options: SourceParserOptions) {
    this.#options = options;
    this.#parser.on('error', (error) => {
      throw new SourceMalformedError(`Not well-formed XML: ${error.message}`, { cause: error });
    });
    this.#parser.on('opentag', (tag) => this.#open(tag));
    this.#parser.on('closetag', () => this.#close());
    this.#parser.on('text', (text) => this.#append(text));
    this.#parser.on('cdata', (text) => this.#append(text));
  }

  /** Parses the next piece of the document. */
  write(text: string): void {
    if (text.length === 0) return;
    const lastTag = text.lastIndexOf('<');
    this.#run = lastTag === -1 ? this.#run + text.length : text.length - lastTag;
    if (this.#run > MAX_TEXT_RUN_CHARS) {
      throw new SourceTooLargeError(`A run of text longer than ${MAX_TEXT_RUN_CHARS} characters`);
    }
    this.#parser.write(text);
  }

  /** Ends the document; throws when it is incomplete or was no sitemap or feed. */
  end(): SourceFormat {
    this.#parser.close();
    if (this.format === undefined) throw new SourceMalformedError('The document is empty');
    return this.format;
  }

  #open(tag: SaxesTagNS): void {
    const parent = this.#stack.at(-1);
    const xmlBase = Object.values(tag.attributes).find((attr) => attr.uri === XML_NS && attr.local === 'base');
    const base =
      xmlBase === undefined
        ? (parent?.base ?? this.#options.baseUrl)
        : (resolve(xmlBase.value, parent?.base ?? this.#options.baseUrl) ?? parent?.base ?? this.#options.baseUrl);
    if (parent === undefined) {
      const found = formatOf(tag);
      if (found === undefined) {
        throw new SourceMalformedError(`Not a sitemap, RSS or Atom document (root element <${tag.name}>)`);
      }
      this.format = found.format;
      this.#ns = found.ns;
    }
    const frame = { local: tag.local, own: tag.uri === this.#ns, base };
    this.#stack.push(frame);
    const path = this.#path();
    if (this.format === 'atom' && path === 'entry/link' && this.#link === undefined) {
      const rel = tag.attributes.rel?.value.trim() ?? 'alternate';
      const href = tag.attributes.href?.value;
      if ((rel === '' || rel === 'alternate') && href !== undefined) this.#link = resolve(href, base) ?? '';
    } else if (this.#captures(path)) {
      this.#text = '';
      if (path === 'item/guid' && tag.attributes.isPermaLink?.value.trim() === 'false') this.#text = undefined;
    }
  }

  #close(): void {
    const path = this.#path();
    const captured = this.#captures(path);
    const frame = this.#stack.pop();
    if (frame === undefined) return;
    const text = this.#text;
    if (captured && text !== undefined) {
      this.#text = undefined;
      const url = text.length > MAX_URL_CHARS ? undefined : (resolve(text, frame.base) ?? '');
      if (path === 'url/loc') this.#emit(url, 'page');
      else if (path === 'sitemap/loc') this.#emit(url, 'sitemap');
      else if (path === 'item/link') this.#link ??= url;
      // A permalink guid must be an absolute URL on its own: `<guid>12345</guid>` is an id, not a relative link.
      else if (path === 'item/guid') this.#guid ??= resolve(text, 'kumo:/') === undefined ? undefined : url;
    } else if (frame.own && (frame.local === 'item' || frame.local === 'entry')) {
      const link = this.#link === '' || this.#link === undefined ? (this.#guid ?? this.#link) : this.#link;
      this.#link = undefined;
      this.#guid = undefined;
      if (link !== undefined) this.#emit(link, 'page');
    }
  }

  /** The last two levels of the open elements when both are the format's own (`url/loc`, `item/link`…). */
  #path(): string {
    const [parent, current] = this.#stack.slice(-2);
    if (current === undefined || parent === undefined || !current.own || !parent.own) return '';
    return `${parent.local}/${current.local}`;
  }

  #captures(path: string): boolean {
    switch (this.format) {
      case 'urlset':
        return path === 'url/loc' && this.#stack.length === 3;
      case 'sitemapindex':
        return path === 'sitemap/loc' && this.#stack.length === 3;
      case 'rss':
        return path === 'item/link' || path === 'item/guid';
      default:
        return false;
    }
  }

  #append(text: string): void {
    if (this.#text === undefined) return;
    // Kept short: a hostile `<loc>` of megabytes is dropped at the end, never held whole.
    if (this.#text.length <= MAX_URL_CHARS) this.#text += text;
  }

  /** Hands on one entry; `''` or undefined is an invalid one. */
  #emit(url: string | undefined, kind: SourceEntryKind): void {
    if (url === undefined || url === '') {
      this.invalid += 1;
      return;
    }
    if (this.entries >= this.#options.maxEntries) {
      throw new SourceTooLargeError(`More than ${this.#options.maxEntries} entries`);
    }
    this.entries += 1;
    this.#options.onEntry(url, kind);
  }
}
