import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { load } from 'cheerio';

/** One row of the corpus's PAGES.tsv. */
export interface CorpusPageRow {
  /** Path relative to the corpus root (`mincaml/index.html`). */
  page: string;
  /** The declared charset (`euc-jp`, `BOM:utf-8`…), empty when undeclared. */
  declared: string;
  /** What the bytes actually decode as (`ascii`, `shift_jis(cp932)`, `utf-8(bom)`…). */
  actual: string;
}

export function readPagesTsv(dir: string): Map<string, CorpusPageRow> {
  const rows = new Map<string, CorpusPageRow>();
  const [, ...lines] = readFileSync(path.join(dir, 'PAGES.tsv'), 'utf8').trim().split('\n');
  for (const line of lines) {
    const [page = '', declared = '', , actual = ''] = line.split('\t');
    rows.set(page, { page, declared, actual });
  }
  return rows;
}

/**
 * The WHATWG encoding a correct crawler decodes a corpus page with, from its PAGES.tsv row: the declaration when
 * there is one (`ascii` is windows-1252 for browsers), else what the bytes are. Null when any ASCII-compatible
 * answer is right (an undeclared pure-ASCII page).
 */
export function expectedCharset(row: CorpusPageRow): string | null {
  const label = row.declared.startsWith('BOM:') ? 'utf-8' : row.declared || row.actual;
  if (!row.declared && row.actual === 'ascii') return null;
  return new TextDecoder(label.replace(/\(.*\)$/, '')).encoding;
}

/** True when the page's bytes decode cleanly (no malformed sequence) in the encoding they really are in. */
export function decodesCleanly(bytes: Buffer, row: CorpusPageRow): boolean {
  const label = row.actual.replace(/\(.*\)$/, '') === 'ascii' ? 'windows-1252' : row.actual.replace(/\(.*\)$/, '');
  try {
    new TextDecoder(label, { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

export interface CorpusPage {
  url: string;
  depth: number;
  status: 'fetched' | 'failed' | 'skipped';
  reason?: 'content-type';
  httpStatus: number;
  /** The HTML file served for a fetched page (relative to the corpus root). */
  file?: string;
}

export interface CorpusCrawl {
  /** Every URL a correct crawl records, by URL. */
  pages: Map<string, CorpusPage>;
  /** Requests the static server should see per path, as the server counts them (`/robots.txt` excluded). */
  requests: Map<string, number>;
  /** The deepest depth of a recorded URL. */
  maxDepth: number;
}

const HTML_FILE = /\.html?$/i;

type Served = { kind: 'file'; file: string } | { kind: 'redirect'; location: string } | { kind: 'missing' };

/** What the sample-site server answers for a URL path (see its dirLookup): files, `/dir/` → index, `/dir` → 301. */
function serve(root: string, pathname: string): Served {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return { kind: 'missing' };
  }
  const file = path.join(root, ...decoded.split('/'));
  if (file !== root && !file.startsWith(root + path.sep)) return { kind: 'missing' };
  if (!existsSync(file)) return { kind: 'missing' };
  const info = statSync(file);
  if (info.isDirectory()) {
    if (!decoded.endsWith('/')) return { kind: 'redirect', location: `${decoded}/` };
    const index = path.join(file, 'index.html');
    return existsSync(index) && statSync(index).isFile() ? { kind: 'file', file: index } : { kind: 'missing' };
  }
  return info.isFile() ? { kind: 'file', file } : { kind: 'missing' };
}

function decodePage(bytes: Buffer, row: CorpusPageRow | undefined): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return new TextDecoder('utf-8').decode(bytes);
  const label = row ? (row.declared && !row.declared.startsWith('BOM:') ? row.declared : row.actual) : 'utf-8';
  const clean = label.replace(/\(.*\)$/, '');
  return new TextDecoder(clean === 'ascii' ? 'windows-1252' : clean).decode(bytes);
}

/** Followable links of a page, written independently of the crawler: a/area/frame/iframe, `<base href>`, nofollow. */
function linksOf(html: string, pageUrl: string, host: string): string[] {
  const $ = load(html);
  const robots = $('meta[name]')
    .filter((_, element) => ($(element).attr('name') ?? '').toLowerCase() === 'robots')
    .map((_, element) => ($(element).attr('content') ?? '').toLowerCase())
    .get()
    .join(',');
  if (/(^|[\s,])(nofollow|none)([\s,]|$)/.test(robots)) return [];
  let base = pageUrl;
  const baseHref = $('base[href]').first().attr('href');
  if (baseHref !== undefined) {
    try {
      base = new URL(baseHref, pageUrl).href;
    } catch {
      // an unusable <base href> is ignored, as browsers do
    }
  }
  const links: string[] = [];
  for (const [selector, attribute] of [
    ['a[href]', 'href'],
    ['area[href]', 'href'],
    ['frame[src]', 'src'],
    ['iframe[src]', 'src'],
  ] as const) {
    $(selector).each((_, element) => {
      const value = $(element).attr(attribute);
      if (value === undefined) return;
      let url: URL;
      try {
        url = new URL(value, base);
      } catch {
        return;
      }
      if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.host !== host) return;
      url.hash = '';
      links.push(url.href);
    });
  }
  return links;
}

/**
 * The ground truth of crawling a static directory served by the sample-site server from `startPath`, computed
 * from the files on disk: a breadth-first walk that follows links of fetched HTML pages up to `maxDepth`, with the
 * server's answers (HTML files fetched, other files skipped as `content-type`, missing paths failed with 404,
 * directories redirected to `dir/`), and the requests per server path that result (a redirect costs one request
 * on each hop). Depths are shortest distances: a concurrent crawl may discover a page later and deeper.
 */
export function crawlCorpus(options: {
  dir: string;
  baseUrl: string;
  startPath: string;
  maxDepth: number;
}): CorpusCrawl {
  const root = path.resolve(options.dir);
  const rows = readPagesTsv(root);
  const host = new URL(options.baseUrl).host;
  const start = new URL(options.startPath, options.baseUrl).href;
  const pages = new Map<string, CorpusPage>();
  const requests = new Map<string, number>();
  const count = (pathname: string) => requests.set(pathname, (requests.get(pathname) ?? 0) + 1);
  const queue: { url: string; depth: number }[] = [{ url: start, depth: 0 }];
  const seen = new Set([start]);
  let maxDepth = 0;

  for (let next = queue.shift(); next; next = queue.shift()) {
    const { url, depth } = next;
    maxDepth = Math.max(maxDepth, depth);
    let current = new URL(url);
    count(current.pathname);
    let served = serve(root, current.pathname);
    if (served.kind === 'redirect') {
      current = new URL(served.location, current);
      count(current.pathname);
      served = serve(root, current.pathname);
    }
    if (served.kind !== 'file') {
      pages.set(url, { url, depth, status: 'failed', httpStatus: 404 });
      continue;
    }
    const relative = path.relative(root, served.file).split(path.sep).join('/');
    if (!HTML_FILE.test(served.file)) {
      pages.set(url, { url, depth, status: 'skipped', reason: 'content-type', httpStatus: 200 });
      continue;
    }
    pages.set(url, { url, depth, status: 'fetched', httpStatus: 200, file: relative });
    if (depth >= options.maxDepth) continue;
    const html = decodePage(readFileSync(served.file), rows.get(relative));
    for (const link of linksOf(html, current.href, host)) {
      if (seen.has(link)) continue;
      seen.add(link);
      queue.push({ url: link, depth: depth + 1 });
    }
  }
  return { pages, requests, maxDepth };
}
