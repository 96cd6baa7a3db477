import { parse, serialize } from 'parse5';
import { adapter } from 'parse5-htmlparser2-tree-adapter';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_NESTING_DEPTH, MAX_ATTRIBUTES, parseHtml } from './parse-html.js';

interface Node {
  type: string;
  name?: string;
  attribs?: Record<string, string>;
  children?: Node[];
}

/** What stock parse5 builds with the htmlparser2 adapter (what cheerio.load builds), serialised. */
function stock(markup: string): string {
  return serialize(parse(markup, { treeAdapter: adapter, scriptingEnabled: false }), { treeAdapter: adapter });
}

function ours(markup: string, maxDepth?: number): string {
  return serialize(parseHtml(markup, maxDepth).document, { treeAdapter: adapter });
}

function treeDepth(root: Node): number {
  let deepest = 0;
  const stack: [Node, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    deepest = Math.max(deepest, depth);
    for (const child of node.children ?? []) stack.push([child, depth + 1]);
  }
  return deepest;
}

function elements(root: Node, name: string): Node[] {
  const found: Node[] = [];
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    // domhandler types <script> and <style> as 'script' and 'style', every other element as 'tag'.
    if (node.type !== 'text' && node.type !== 'comment' && node.name === name) found.push(node);
    for (const child of node.children ?? []) stack.push(child);
  }
  return found;
}

describe('parseHtml below the depth limit: the same tree as parse5 itself', () => {
  it.each([
    [
      'a plain page',
      '<!DOCTYPE html><html lang="ja"><head><title>題</title></head><body><p>本文<a href="/x">x</a></body>',
    ],
    [
      'text and elements misplaced in a table (foster parenting)',
      '<table>stray<b>bold</b><tr><td>cell</td>more</table>',
    ],
    ['a table preceded by many foster-parented nodes', `<table>${'x<i>y</i>'.repeat(300)}<tr><td>c</table>after`],
    ['misnested formatting (adoption agency)', '<b>1<p>2</b>3</p><a href="/a">a<div>b</a>c</div>'],
    ['unclosed <font> and <p>', `${'<font size="2">'.repeat(40)}${'<p>段落'.repeat(40)}`],
    ['a frameset', '<html><frameset cols="1,2"><frame src="a.html"><frame src="b.html"></frameset></html>'],
    [
      'noscript, template, svg and math',
      '<noscript><a href="/n">n</a></noscript><template><p>t</template><svg><title>s</title></svg><math><mi>x',
    ],
    [
      'raw text elements',
      '<script>if (a < b) document.write("<div>")</script><style>p>a{}</style><textarea><b>t</textarea>',
    ],
    ['duplicate attributes', '<div id="a" id="b" class="c">x</div>'],
  ])('%s', (_name, markup) => {
    expect(ours(markup)).toBe(stock(markup));
  });

  it('leaves nothing out of a page nested to just under the limit', () => {
    const depth = DEFAULT_MAX_NESTING_DEPTH - 10;
    const markup = `<title>t</title>${'<div>'.repeat(depth)}本文${'</div>'.repeat(depth)}`;
    expect(parseHtml(markup).droppedTags).toBe(0);
    expect(ours(markup)).toBe(stock(markup));
  });
});

describe('parseHtml past the depth limit', () => {
  it('caps 100,000 nested <div> at the limit and keeps the text, the links and the line breaks', () => {
    const levels = 100_000;
    const markup = `<title>入れ子</title>${'<div>'.repeat(levels)}<a href="/deep">深い</a>本文${'</div>'.repeat(levels)}<p>後</p>`;
    const { document, droppedTags } = parseHtml(markup);
    const root = document as unknown as Node;
    expect(treeDepth(root)).toBeLessThanOrEqual(DEFAULT_MAX_NESTING_DEPTH + 2);
    // html, body and the divs that fit; every other <div> start tag is left out.
    expect(droppedTags).toBeGreaterThan(levels - DEFAULT_MAX_NESTING_DEPTH);
    expect(droppedTags).toBeLessThan(levels);
    // The deep <a href> survives as a link-only <area href>; the text stays where the nesting was cut.
    expect(elements(root, 'area').map((node) => node.attribs?.href)).toEqual(['/deep']);
    expect(serialize(document, { treeAdapter: adapter })).toContain('深い本文');
    // The dropped end tags did not close elements that were kept: the <p> after them is a sibling of the top div.
    const paragraph = elements(root, 'p')[0]!;
    expect((paragraph as { parent?: Node }).parent?.name).toBe('body');
  });

  it.each([
    ['unclosed inline and table elements', '<b><i><table><tr><td><a href="/x">'.repeat(20_000)],
    [
      'unclosed formatting elements with distinct attributes',
      Array.from({ length: 20_000 }, (_, i) => `<font id="f${i}">`).join(''),
    ],
    [
      'formatting elements reopened after every block',
      Array.from({ length: 5_000 }, (_, i) => `<div><b id="b${i}"></div>`).join(''),
    ],
    ['nested tables', '<table><tr><td>'.repeat(20_000)],
    ['nested templates', '<template>'.repeat(20_000)],
    ['nested svg groups', `<svg>${'<g>'.repeat(20_000)}</svg>`],
  ])('%s: the tree stays within the limit (plus the formatting elements the parser reopens)', (_name, body) => {
    const maxDepth = 64;
    const { document, droppedTags } = parseHtml(`<title>t</title>${body}本文`, maxDepth);
    expect(droppedTags).toBeGreaterThan(0);
    expect(treeDepth(document as unknown as Node)).toBeLessThanOrEqual(2 * maxDepth + 2);
    expect(serialize(document, { treeAdapter: adapter })).toContain('本文');
  });

  it('never drops raw-text elements, so a deep <script> is not shown as text', () => {
    const markup = `${'<span>'.repeat(50)}<script>var s = "<b>not text</b>";</script><style>p{}</style>本文`;
    const root = parseHtml(markup, 20).document as unknown as Node;
    expect(elements(root, 'script')).toHaveLength(1);
    expect(elements(root, 'style')).toHaveLength(1);
    expect(elements(root, 'b')).toHaveLength(0);
  });

  it('turns left-out block elements into line breaks and drops their end tags', () => {
    // html and body, then four <span>: the limit of 6 is reached.
    const markup = `${'<span>'.repeat(10)}<p>一</p><li>二</li><span>三</span>`;
    const root = parseHtml(markup, 6).document as unknown as Node;
    expect(elements(root, 'span')).toHaveLength(4);
    expect(elements(root, 'p')).toHaveLength(0);
    expect(elements(root, 'li')).toHaveLength(0);
    // Start and end tag of <p> and <li> each became a <br>; <span> (inline) left nothing.
    expect(elements(root, 'br')).toHaveLength(4);
  });
});

describe('parseHtml foster parenting', () => {
  it('puts 200,000 nodes misplaced in a table before it, each found from the end of its siblings', () => {
    const root = parseHtml(`<table>${'x<i>y</i>'.repeat(100_000)}<tr><td>c</table>`).document as unknown as Node;
    const body = elements(root, 'body')[0]!;
    expect(body.children).toHaveLength(200_001);
    expect(body.children?.at(-1)?.name).toBe('table');
    expect(body.children?.[0]).toMatchObject({ type: 'text', data: 'x' });
    expect(body.children?.[1]).toMatchObject({ type: 'tag', name: 'i' });
  });
});

describe('parseHtml attributes', () => {
  it(`keeps the first ${MAX_ATTRIBUTES} attributes of a tag and ignores the rest, like duplicates`, () => {
    const attributes = Array.from({ length: 100_000 }, (_, i) => `a${i}="${i}"`).join(' ');
    const root = parseHtml(`<div ${attributes} id="late">x</div><a href="/y" href="/z">y</a>`)
      .document as unknown as Node;
    const div = elements(root, 'div')[0]!;
    expect(Object.keys(div.attribs ?? {})).toHaveLength(MAX_ATTRIBUTES);
    expect(div.attribs?.a0).toBe('0');
    expect(div.attribs?.id).toBeUndefined();
    expect(elements(root, 'a')[0]?.attribs).toEqual({ href: '/y' });
  });
});
