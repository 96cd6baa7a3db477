import type { ComponentChildren, VNode } from 'preact';

// A static renderer for unit tests of components without hooks: function components are called, elements become
// HTML (attributes that matter to the tests only), so a view's output can be checked without a browser or a DOM.

const ATTRIBUTES = ['id', 'class', 'href', 'role', 'aria-label', 'aria-labelledby', 'lang', 'title', 'scope'];

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The HTML of `node`, function components expanded. */
export function renderHtml(node: ComponentChildren): string {
  if (node === null || node === undefined || typeof node === 'boolean') return '';
  if (typeof node === 'string' || typeof node === 'number' || typeof node === 'bigint') return escape(String(node));
  if (Array.isArray(node)) return node.map((child) => renderHtml(child as ComponentChildren)).join('');
  const vnode = node as VNode<Record<string, unknown>>;
  const { children, ...props } = vnode.props;
  if (typeof vnode.type === 'function') {
    return renderHtml((vnode.type as (p: unknown) => ComponentChildren)(vnode.props));
  }
  const attributes = ATTRIBUTES.filter((name) => props[name] !== undefined && props[name] !== false)
    .map((name) => ` ${name}="${escape(String(props[name]))}"`)
    .join('');
  return `<${String(vnode.type)}${attributes}>${renderHtml(children as ComponentChildren)}</${String(vnode.type)}>`;
}

/** The visible text of `node`, whitespace collapsed. */
export function renderText(node: ComponentChildren): string {
  return renderHtml(node)
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}
