import path from 'node:path';

/** An origin that is never contacted: it only anchors URL resolution of paths. */
const RESOLVE_ORIGIN = 'http://sample-site.invalid';

export type HrefStyle = 'root' | 'relative' | 'dot-relative';

/**
 * How a page writes a link to `target`: root-relative (`/ryori/page-0007.html`), relative to the directory of
 * `from` (`../ryori/page-0007.html`, `page-0005.html`), or the same with a leading `./` when in the same folder.
 * `from` is the page's path, or its `<base href>` when it has one.
 */
export function hrefFor(from: string, target: string, style: HrefStyle): string {
  if (style === 'root') return target;
  const fromDir = from.endsWith('/') ? from : path.posix.dirname(from);
  const relative = path.posix.relative(fromDir, target);
  return style === 'dot-relative' && !relative.startsWith('.') ? `./${relative}` : relative;
}

/** The path a link resolves to, as a browser would: against the base (or page) URL, fragment and query dropped. */
export function resolveHref(href: string, base: string): string | null {
  if (/^(mailto|javascript|data):/i.test(href)) return null;
  return new URL(href, `${RESOLVE_ORIGIN}${base}`).pathname;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
