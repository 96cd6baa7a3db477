import { encodedLength } from './encoding.js';
import { escapeHtml } from './href.js';
import type { LinkElement, SiteEncoding } from './manifest.js';
import type { Prng } from './prng.js';
import type { TextGenerator } from './text-generator.js';
import { SITE_NAME } from './vocabulary.js';

/** Where a link sits on the page: the header, inside the article, the related list, the misc list. */
export type LinkPlacement = 'nav' | 'body' | 'related' | 'misc';

export interface PageLink {
  href: string;
  element: LinkElement;
  text: string;
  placement: LinkPlacement;
}

export interface PageSpec {
  title: string;
  encoding: SiteEncoding;
  /** The `<meta>` element declaring the charset, or null. It is written first so it falls in the first 1024 bytes. */
  charsetMeta: string | null;
  baseHref: string | null;
  nofollow: boolean;
  links: PageLink[];
  /** Encoded size to fill the page up to (articles only). */
  targetBytes: number;
  text: TextGenerator;
  rng: Prng;
}

const LEADS = ['つづきは', '詳しくは', '関連して、', 'あわせて', ''];
const TAILS = ['をご覧ください。', 'も読んでみてください。', 'にまとめました。', 'で紹介しています。'];

function head(spec: PageSpec): string[] {
  const lines = [];
  if (spec.charsetMeta) lines.push(spec.charsetMeta);
  if (spec.nofollow) lines.push('<meta name="robots" content="nofollow">');
  if (spec.baseHref) lines.push(`<base href="${escapeHtml(spec.baseHref)}">`);
  lines.push(`<title>${escapeHtml(spec.title)}</title>`);
  return lines;
}

/** `id` makes image-map names unique on a page. */
function linkMarkup(link: PageLink, id = 0): string {
  const href = escapeHtml(link.href);
  const text = escapeHtml(link.text);
  switch (link.element) {
    case 'a':
      return `<a href="${href}">${text}</a>`;
    case 'area':
      return `<map name="map-${id}"><area shape="rect" coords="0,0,160,40" href="${href}" alt="${text}"></map>`;
    case 'iframe':
      return `<iframe src="${href}" title="${text}" width="320" height="160"></iframe>`;
    case 'frame':
      return `<frame src="${href}" title="${text}">`;
  }
}

function linkList(className: string, links: PageLink[], idBase: number, heading?: string): string {
  if (links.length === 0) return '';
  const items = links.map((link, i) => `<li>${linkMarkup(link, idBase + i)}</li>`).join('\n');
  return `<aside class="${className}">${heading ? `<h2>${heading}</h2>` : ''}\n<ul>\n${items}\n</ul>\n</aside>`;
}

/** An article page: header, title, paragraphs up to the target size with the body links among them, lists. */
export function renderArticle(spec: PageSpec): string {
  const { rng, text } = spec;
  const byPlacement = (placement: LinkPlacement) => spec.links.filter((link) => link.placement === placement);
  const nav = byPlacement('nav')
    .map((link) => linkMarkup(link))
    .join(' | ');
  const before = [
    '<!DOCTYPE html>',
    '<html lang="ja">',
    '<head>',
    ...head(spec),
    '<link rel="stylesheet" href="/style.css">',
    '</head>',
    '<body>',
    `<header><p class="site">${escapeHtml(SITE_NAME)}</p><nav>${nav}</nav></header>`,
    '<main>',
    `<h1>${escapeHtml(spec.title)}</h1>`,
  ].join('\n');
  const linkBlocks = byPlacement('body').map((link, i) =>
    link.element === 'a' ? `<p>${rng.pick(LEADS)}${linkMarkup(link)}${rng.pick(TAILS)}</p>` : linkMarkup(link, 100 + i),
  );
  const after = [
    '</main>',
    linkList('related', byPlacement('related'), 200, '関連記事'),
    linkList('misc', byPlacement('misc'), 300, 'その他'),
    `<footer><p>${escapeHtml(SITE_NAME)}は自動生成されたサンプルサイトです。</p></footer>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');

  // Exact encoded size of the page as joined below: the fixed parts, one newline per block, two around them.
  let size = encodedLength(before + after + linkBlocks.join(''), spec.encoding) + linkBlocks.length + 1;
  const textBlocks: string[] = [];
  // At least one paragraph, then fill: whole paragraphs while far from the target, single sentences near it.
  while (textBlocks.length === 0 || size < spec.targetBytes) {
    const remaining = spec.targetBytes - size;
    let block: string;
    if (textBlocks.length % 4 === 3 && remaining > 600) block = `<h2>${escapeHtml(text.heading())}</h2>`;
    else if (textBlocks.length % 9 === 7 && remaining > 600)
      block = `<ul>\n${text
        .nounList(rng.int(3, 5))
        .map((noun) => `<li>${escapeHtml(noun)}</li>`)
        .join('\n')}\n</ul>`;
    else block = `<p>${escapeHtml(remaining > 600 ? text.paragraph() : text.paragraph(1))}</p>`;
    textBlocks.push(block);
    size += encodedLength(block, spec.encoding) + 1;
  }

  // Spread the body links evenly through the text, as articles do.
  const blocks: string[] = [];
  const every = Math.max(1, Math.floor(textBlocks.length / (linkBlocks.length + 1)));
  let nextLink = 0;
  textBlocks.forEach((block, i) => {
    blocks.push(block);
    if ((i + 1) % every === 0 && nextLink < linkBlocks.length) blocks.push(linkBlocks[nextLink++] as string);
  });
  blocks.push(...linkBlocks.slice(nextLink));
  return `${before}\n${blocks.join('\n')}\n${after}`;
}

/** A frameset page: one `<frame>` per link, and a short `<noframes>` text (raw text, so no links in it). */
export function renderFrameset(spec: PageSpec): string {
  const frames = spec.links.filter((link) => link.element === 'frame');
  const cols = frames.map((_, i) => (i === 0 ? '25%' : '*')).join(',');
  return [
    '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Frameset//EN">',
    '<html lang="ja">',
    '<head>',
    ...head(spec),
    '</head>',
    `<frameset cols="${cols}">`,
    ...frames.map((link) => linkMarkup(link)),
    `<noframes><p>${escapeHtml(spec.text.paragraph(2))}</p></noframes>`,
    '</frameset>',
    '</html>',
    '',
  ].join('\n');
}
