import { DEFAULT_MAX_NESTING_DEPTH, parseHtml } from './parse-html.js';
import { tryNormalizeUrl } from './url-scope.js';

/** Limits of {@link extractPage}: what a hostile page can cost. */
export interface ExtractOptions {
  /**
   * Elements nested deeper than this are left out, their content kept one level up (see `parseHtml`): the tree
   * builder's work per tag grows with the depth. @defaultValue 256
   */
  maxDepth?: number;
  /** Longest visible text returned; longer text is cut at a line break (see `capText`). @defaultValue 500000 */
  maxTextChars?: number;
}

/**
 * Longest title kept: a real title is a line, and a hostile one (hundreds of thousands of characters) would otherwise
 * ride in every `page` event and listing of the crawl.
 */
export const MAX_TITLE_CHARS = 1000;

function boundedTitle(text: string): string | undefined {
  if (text.length === 0) return undefined;
  if (text.length <= MAX_TITLE_CHARS) return text;
  const cut = text.slice(0, MAX_TITLE_CHARS - 1);
  // Never half of a surrogate pair.
  return `${/[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut}…`;
}

export const EXTRACT_DEFAULTS = {
  maxDepth: DEFAULT_MAX_NESTING_DEPTH,
  maxTextChars: 500_000,
} as const satisfies Required<ExtractOptions>;

/** What a page yields to the crawler and the analyser. */
export interface ExtractedPage {
  /**
   * `<title>`, trimmed and whitespace-collapsed, cut to {@link MAX_TITLE_CHARS} characters (an ellipsis marks the cut);
   * undefined when missing or empty.
   */
  title?: string;
  /** `html[lang]` (or `xml:lang`), else `<meta http-equiv="content-language">`. */
  lang?: string;
  /** Visible text: one line per block, whitespace collapsed within lines, no blank lines; at most `maxTextChars`. */
  text: string;
  /** The text was longer than `maxTextChars` and was cut. */
  textTruncated: boolean;
  /** Start tags left out because they nested deeper than `maxDepth` (0 for every page but hostile ones). */
  droppedTags: number;
  /** Absolute, normalised, de-duplicated http(s) links from a, area, frame and iframe, in document order. */
  links: string[];
  /** `<meta name="robots" content="nofollow">` (or `none`): the page's links must not be followed. */
  nofollow: boolean;
  /** The URL relative links were resolved against (`<base href>` or the page URL). */
  baseUrl: string;
}

/** A domhandler node, reduced to what we read. */
interface DomNode {
  type: string;
  name?: string;
  data?: string;
  attribs?: Record<string, string>;
  children?: DomNode[];
}

// Their text is not visible (or, for raw-text elements like iframe and noframes, is unparsed markup).
const HIDDEN = new Set([
  'script',
  'style',
  'noscript',
  'template',
  'head',
  'title',
  'iframe',
  'noframes',
  'noembed',
  'object',
  'svg',
  'math',
  'xml',
]);
const BLOCKS = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'body',
  'br',
  'caption',
  'center',
  'dd',
  'details',
  'dialog',
  'dir',
  'div',
  'dl',
  'dt',
  'fieldset',
  'figcaption',
  'figure',
  'footer',
  'form',
  'frame',
  'frameset',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hgroup',
  'hr',
  'html',
  'legend',
  'li',
  'listing',
  'main',
  'menu',
  'nav',
  'ol',
  'option',
  'p',
  'plaintext',
  'pre',
  'section',
  'summary',
  'table',
  'tbody',
  'td',
  'tfoot',
  'th',
  'thead',
  'tr',
  'ul',
  'xmp',
  'select',
  'textarea',
]);
const PREFORMATTED = new Set(['pre', 'listing', 'plaintext', 'xmp', 'textarea']);
const LINK_ATTRIBUTE: Record<string, string> = { a: 'href', area: 'href', frame: 'src', iframe: 'src' };
const IGNORED_SCHEMES = /^\s*(?:mailto|javascript|data|tel|vbscript|about|file|ftp|news):/i;

function collapse(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}

function textContent(node: DomNode): string {
  if (node.type === 'text') return node.data ?? '';
  return (node.children ?? []).map(textContent).join('');
}

function resolveBase(href: string | undefined, pageUrl: string): string {
  if (href === undefined || href.trim() === '') return pageUrl;
  try {
    const base = new URL(href.trim(), pageUrl);
    return base.protocol === 'http:' || base.protocol === 'https:' ? base.href : pageUrl;
  } catch {
    return pageUrl;
  }
}

/**
 * Parses HTML (parse5, as cheerio does, so broken markup, framesets and MS Word exports come out as browsers see
 * them) and collects title, language, visible text, links and the robots meta in a single walk of the tree.
 * Scripting is treated as disabled: `<noscript>` fallbacks are parsed, so their links count (their text does not).
 *
 * Bounded for hostile pages: time linear in the length of `html` whatever its nesting (elements deeper than
 * `maxDepth` are left out: their text and links are kept, their block structure becomes line breaks; see
 * `parseHtml`), and at most `maxTextChars` of text. The caller bounds the length of `html` (the crawler's body cap).
 */
export function extractPage(html: string, pageUrl: string, options: ExtractOptions = {}): ExtractedPage {
  const parsed = parseHtml(html, options.maxDepth ?? EXTRACT_DEFAULTS.maxDepth);
  const root = parsed.document as unknown as DomNode;
  const rawLinks: string[] = [];
  const text: TextBuffer = { parts: [], hidden: 0, preformatted: 0 };
  let title: string | undefined;
  let lang: string | undefined;
  let contentLanguage: string | undefined;
  let baseHref: string | undefined;
  let nofollow = false;

  // Iterative walk: deeply nested broken HTML (thousands of unclosed <font>) must not overflow the stack.
  const stack: { node: DomNode; exit: boolean }[] = [{ node: root, exit: false }];
  while (stack.length > 0) {
    const { node, exit } = stack.pop()!;
    if (node.type === 'text') {
      appendTextNode(text, node.data ?? '');
      continue;
    }
    const name = node.name;
    const isElement = name !== undefined && (node.type === 'tag' || node.type === 'script' || node.type === 'style');
    if (exit) {
      if (isElement) {
        if (HIDDEN.has(name)) text.hidden -= 1;
        if (PREFORMATTED.has(name)) text.preformatted -= 1;
        if (BLOCKS.has(name)) text.parts.push('\n');
      }
      continue;
    }
    if (isElement) {
      const attribs = node.attribs ?? {};
      const linkAttribute = LINK_ATTRIBUTE[name];
      if (linkAttribute !== undefined && attribs[linkAttribute] !== undefined) rawLinks.push(attribs[linkAttribute]);
      switch (name) {
        case 'html':
          lang ??= collapse(attribs.lang ?? attribs['xml:lang'] ?? '') || undefined;
          break;
        case 'title':
          if (title === undefined) title = boundedTitle(collapse(textContent(node)));
          break;
        case 'base':
          if (baseHref === undefined && attribs.href !== undefined) baseHref = attribs.href;
          break;
        case 'meta': {
          const metaName = (attribs.name ?? '').trim().toLowerCase();
          const content = (attribs.content ?? '').toLowerCase();
          if (
            metaName === 'robots' &&
            content.split(/[\s,]+/).some((token) => token === 'nofollow' || token === 'none')
          ) {
            nofollow = true;
          }
          if ((attribs['http-equiv'] ?? '').trim().toLowerCase() === 'content-language') {
            contentLanguage ??= collapse((attribs.content ?? '').split(',')[0] ?? '') || undefined;
          }
          break;
        }
      }
      if (HIDDEN.has(name)) text.hidden += 1;
      if (PREFORMATTED.has(name)) text.preformatted += 1;
      if (BLOCKS.has(name)) text.parts.push('\n');
      stack.push({ node, exit: true });
    }
    const children = node.children ?? [];
    for (let i = children.length - 1; i >= 0; i -= 1) stack.push({ node: children[i]!, exit: false });
  }

  const baseUrl = resolveBase(baseHref, pageUrl);
  const links: string[] = [];
  const seen = new Set<string>();
  for (const raw of rawLinks) {
    const value = raw.trim();
    if (value === '' || value.startsWith('#') || IGNORED_SCHEMES.test(value)) continue;
    const normalized = tryNormalizeUrl(value, baseUrl);
    if (normalized === undefined || seen.has(normalized)) continue;
    seen.add(normalized);
    links.push(normalized);
  }
  const visible = capText(finishText(text), options.maxTextChars ?? EXTRACT_DEFAULTS.maxTextChars);
  return {
    ...(title === undefined ? {} : { title }),
    ...((lang ?? contentLanguage) === undefined ? {} : { lang: lang ?? contentLanguage }),
    text: visible.text,
    textTruncated: visible.truncated,
    droppedTags: parsed.droppedTags,
    links,
    nofollow,
    baseUrl,
  };
}

/** Accumulates the visible text of a document during the tree walk of {@link extractPage}. */
interface TextBuffer {
  parts: string[];
  /** Depth of elements whose text is not shown (script, style, head…); text is dropped while > 0. */
  hidden: number;
  /** Depth of elements that keep their line breaks (pre, textarea…). */
  preformatted: number;
}

// Scripts written without spaces between words: Japanese kana and kanji, CJK punctuation, full-width forms.
const CJK = /[\u2e80-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]/;
const SEGMENT_BREAK = /[\t\f ]*(?:\r\n|\r|\n)[\t\n\f\r ]*/g;

/**
 * Adds a text node. Outside preformatted elements a line break in the source is only whitespace; between two CJK
 * characters it is removed entirely (CSS Text 3 segment-break rule), so a Japanese sentence wrapped in the
 * source stays one word run for the tokenizer instead of getting a space in the middle of a compound.
 */
function appendTextNode(buffer: TextBuffer, data: string): void {
  if (buffer.hidden > 0 || data.length === 0) return;
  if (buffer.preformatted > 0) {
    buffer.parts.push(data.replace(/\r\n?/g, '\n'));
    return;
  }
  buffer.parts.push(
    data.replace(SEGMENT_BREAK, (match: string, offset: number) => {
      const before = data.charAt(offset - 1);
      const after = data.charAt(offset + match.length);
      return CJK.test(before) && CJK.test(after) ? '' : ' ';
    }),
  );
}

/** Joins the parts: one line per block, whitespace collapsed within lines, blank lines dropped. */
function finishText(buffer: TextBuffer): string {
  return buffer.parts
    .join('')
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter((line) => line.length > 0)
    .join('\n');
}

/**
 * Cuts `text` to at most `maxChars` code units: at the last line break if that keeps at least half of the allowed
 * length, else inside the line (never between the halves of a surrogate pair).
 */
export function capText(text: string, maxChars: number): { text: string; truncated: boolean } {
  if (text.length <= maxChars) return { text, truncated: false };
  let end = text.lastIndexOf('\n', maxChars);
  if (end < maxChars / 2) {
    end = maxChars;
    const last = text.charCodeAt(end - 1);
    if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  }
  return { text: text.slice(0, end), truncated: true };
}
