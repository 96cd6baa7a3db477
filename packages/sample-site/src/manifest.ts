/** The encodings generated pages are written in (WHATWG names, what a correct crawler reports as `charset`). */
export type SiteEncoding = 'utf-8' | 'shift_jis' | 'euc-jp';

/** Where a page declares its charset: the Content-Type header, a `<meta>` element, or nowhere. */
export type CharsetDeclaration = 'header' | 'meta' | 'none';

/**
 * What a page is for.
 * - `index`: `/index.html`, the seed; links to every quirk.
 * - `article`: an ordinary page of the link tree.
 * - `base-href`: its links are written relative to a `<base href="/">`, so resolving them against the page's
 *   own URL gives wrong (404) URLs.
 * - `frameset`: a `<frameset>` whose `<frame src>` are its tree children.
 * - `nofollow`: carries `<meta name="robots" content="nofollow">`; a leaf of the tree.
 * - `private`: under `/private/`, which robots.txt disallows; linked from the index.
 * - `nofollow-target`: linked only from the nofollow page, so a correct crawler never fetches it.
 */
export type PageRole = 'index' | 'article' | 'base-href' | 'frameset' | 'nofollow' | 'private' | 'nofollow-target';

/** The element a link was written with; a crawler takes links from all four. */
export type LinkElement = 'a' | 'area' | 'frame' | 'iframe';

export interface ManifestLink {
  /** The attribute value exactly as written in the page. */
  href: string;
  element: LinkElement;
  /** The path it resolves to (against `<base href>` when present), fragment dropped; null for mailto:/javascript:. */
  target: string | null;
}

export interface ManifestPage {
  path: string;
  role: PageRole;
  encoding: SiteEncoding;
  charsetDeclaredIn: CharsetDeclaration;
  /** The label used in the declaration (e.g. `x-sjis`), null when undeclared. */
  charsetLabel: string | null;
  /** The Content-Type header the server sends. */
  contentType: string;
  title: string;
  /** Shortest number of followable links from the index; null when no correct crawl reaches the page. */
  depth: number | null;
  /** Encoded size of the body. */
  bytes: number;
  nofollow: boolean;
  baseHref: string | null;
  links: ManifestLink[];
}

/** A served file that is not an HTML page (robots.txt, the stylesheet, the CSV). */
export interface ManifestFile {
  path: string;
  contentType: string;
  bytes: number;
}

export interface SiteManifest {
  /** Bumped when the manifest shape changes. */
  version: 1;
  seed: number | string;
  options: {
    pages: number;
    bytesPerPage: number;
    linksPerPage: number;
    extraLinksPerPage: number;
    encodings: SiteEncoding[];
  };
  /** Always `/index.html`. */
  index: string;
  pages: ManifestPage[];
  files: ManifestFile[];
  /** Paths that are linked but answer 404. */
  missing: string[];
  /** The `Disallow:` prefixes robots.txt lists for every user agent. */
  robotsDisallow: string[];
}

/** One served file: the bytes, the Content-Type header, and for text the string before encoding. */
export interface SiteFile {
  body: Buffer;
  contentType: string;
  /** The source text (HTML, CSS, CSV, robots.txt) before encoding, for round-trip checks. */
  text?: string;
}

export interface GeneratedSite {
  /** Path (`/index.html`) → file. */
  files: Map<string, SiteFile>;
  manifest: SiteManifest;
}
