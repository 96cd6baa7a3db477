import { html, Parser, Token, Tokenizer, type TreeAdapter } from 'parse5';
import { adapter, type Htmlparser2TreeAdapterMap } from 'parse5-htmlparser2-tree-adapter';

type Map2 = Htmlparser2TreeAdapterMap;
type ParentNode = Map2['parentNode'];
type ChildNode = Map2['childNode'];

/**
 * How deep elements may nest: 512, like the DOM depth limit of Blink's HTML parser. Real pages stay far below it
 * (a few dozen levels); hostile ones go to 100,000.
 */
export const DEFAULT_MAX_NESTING_DEPTH = 256;

/** Attributes kept per tag; later ones are ignored, as duplicates are (real tags carry a few dozen at most). */
export const MAX_ATTRIBUTES = 256;

/** What {@link parseHtml} returns: the document (domhandler nodes) and how much of the markup it left out. */
export interface ParsedHtml {
  document: Htmlparser2TreeAdapterMap['document'];
  /** Start tags left out because they would have opened an element deeper than the limit. */
  droppedTags: number;
}

/**
 * The tokenizer checks each new attribute against all earlier ones of its tag (to drop duplicates): a tag with
 * 100,000 attributes costs 10^10 comparisons. Past {@link MAX_ATTRIBUTES} an attribute is ignored the way a
 * duplicate is (its value is read and thrown away).
 */
class AttributeLimitedTokenizer extends Tokenizer {
  protected override _leaveAttrName(): void {
    const token = this.currentToken;
    if (token !== null && 'attrs' in token && token.attrs.length >= MAX_ATTRIBUTES) return;
    super._leaveAttrName();
  }
}

/** The slot of `child` in `children`, searched from the end: the nodes the parser moves are nearly always last. */
function slotOf(children: ChildNode[], child: ChildNode): number {
  return children.lastIndexOf(child);
}

function insertBefore(parentNode: ParentNode, newNode: ChildNode, referenceNode: ChildNode): void {
  const { prev } = referenceNode;
  if (prev) {
    prev.next = newNode;
    newNode.prev = prev;
  }
  referenceNode.prev = newNode;
  newNode.next = referenceNode;
  parentNode.children.splice(slotOf(parentNode.children, referenceNode), 0, newNode);
  newNode.parent = parentNode;
}

/**
 * parse5-htmlparser2-tree-adapter (what cheerio uses), except that the three operations that find a node among
 * its siblings search from the end. The adapter searches from the start, so foster parenting (text or elements
 * misplaced in a table go before the table, which is the last child) costs one scan of all earlier siblings per
 * insertion: quadratic for a table preceded by 100,000 stray nodes.
 */
const treeAdapter: TreeAdapter<Map2> = {
  ...adapter,
  insertBefore,
  insertTextBefore(parentNode, text, referenceNode) {
    const prevNode = parentNode.children[slotOf(parentNode.children, referenceNode) - 1];
    if (prevNode !== undefined && adapter.isTextNode(prevNode)) prevNode.data += text;
    else insertBefore(parentNode, adapter.createTextNode(text), referenceNode);
  },
  detachNode(node) {
    const parent = node.parent;
    if (!parent) return;
    const { prev, next } = node;
    node.prev = null;
    node.next = null;
    if (prev) prev.next = next;
    if (next) next.prev = prev;
    parent.children.splice(slotOf(parent.children, node), 1);
    node.parent = null;
  },
};

const T = html.TAG_ID;

/**
 * Never dropped: void elements (they open nothing), and elements whose start tag switches the tokenizer to raw
 * text (script, style, textarea…): without them their content would be parsed as markup and shown as text.
 * None of them can make the tree deeper than one level above the limit.
 */
const PASS_THROUGH = new Set<number>([
  T.AREA,
  T.BASE,
  T.BASEFONT,
  T.BGSOUND,
  T.BR,
  T.COL,
  T.EMBED,
  T.FRAME,
  T.HR,
  T.IMAGE,
  T.IMG,
  T.INPUT,
  T.KEYGEN,
  T.LINK,
  T.META,
  T.PARAM,
  T.SOURCE,
  T.TRACK,
  T.WBR,
  T.SCRIPT,
  T.STYLE,
  T.TEXTAREA,
  T.TITLE,
  T.XMP,
  T.IFRAME,
  T.NOEMBED,
  T.NOFRAMES,
  T.PLAINTEXT,
  // Handled specially by the parser wherever they appear (attributes merged, or ignored); they open nothing deep.
  T.HTML,
  T.BODY,
  T.HEAD,
  T.FRAMESET,
]);

/** Dropped block elements become a line break, so the text of a too-deep list or table keeps its lines. */
const BLOCK_TAGS = new Set<number>([
  T.ADDRESS,
  T.ARTICLE,
  T.ASIDE,
  T.BLOCKQUOTE,
  T.CAPTION,
  T.CENTER,
  T.DD,
  T.DETAILS,
  T.DIALOG,
  T.DIR,
  T.DIV,
  T.DL,
  T.DT,
  T.FIELDSET,
  T.FIGCAPTION,
  T.FIGURE,
  T.FOOTER,
  T.FORM,
  T.H1,
  T.H2,
  T.H3,
  T.H4,
  T.H5,
  T.H6,
  T.HEADER,
  T.HGROUP,
  T.LI,
  T.LISTING,
  T.MAIN,
  T.MENU,
  T.NAV,
  T.OL,
  T.P,
  T.PRE,
  T.SECTION,
  T.SUMMARY,
  T.TABLE,
  T.TBODY,
  T.TD,
  T.TFOOT,
  T.TH,
  T.THEAD,
  T.TR,
  T.UL,
]);

function syntheticStartTag(tagName: string, tagID: html.TAG_ID, attrs: Token.Attribute[]): Token.TagToken {
  return {
    type: Token.TokenType.START_TAG,
    tagName,
    tagID,
    selfClosing: false,
    ackSelfClosing: false,
    attrs,
    location: null,
  };
}

/**
 * parse5's tree builder with a cap on nesting depth. parse5 scans its stack of open elements for every tag (the
 * "has an element in scope" checks, the list of active formatting elements), so its work grows with the square of
 * the nesting depth: 100,000 nested `<div>` take minutes. Here a start tag that would open an element deeper than
 * `maxDepth` (open elements plus active formatting elements, which the parser may reopen) is left out, and so is the
 * matching end tag; its content stays, attached to the deepest element allowed. So the parser's work per token is
 * bounded by the limit, and a page is parsed in time linear in its length. What a left-out element still yields:
 * `<a href>` becomes an `<area href>` (a void element: the link is kept, in document order), a block element (div,
 * p, li, td…) a `<br>` (the text keeps its line breaks); anything else is dropped.
 */
class DepthLimitedParser extends Parser<Map2> {
  readonly #maxDepth: number;
  /** Start tags dropped per tag name whose end tags have not been seen yet. */
  readonly #unclosed = new Map<string, number>();
  droppedTags = 0;

  constructor(maxDepth: number) {
    super({ treeAdapter, scriptingEnabled: false });
    this.#maxDepth = maxDepth;
    this.tokenizer = new AttributeLimitedTokenizer(this.options, this);
  }

  #depth(): number {
    // stackTop is the index of the current element (-1 when empty); formatting elements may be reopened on top.
    return this.openElements.stackTop + 1 + this.activeFormattingElements.entries.length;
  }

  override onStartTag(token: Token.TagToken): void {
    if (this.#depth() < this.#maxDepth || PASS_THROUGH.has(token.tagID)) {
      super.onStartTag(token);
      return;
    }
    this.droppedTags += 1;
    this.#unclosed.set(token.tagName, (this.#unclosed.get(token.tagName) ?? 0) + 1);
    if (token.tagID === T.A) {
      const href = token.attrs.find((attribute) => attribute.name === 'href');
      if (href !== undefined) super.onStartTag(syntheticStartTag('area', T.AREA, [href]));
    } else if (BLOCK_TAGS.has(token.tagID)) {
      super.onStartTag(syntheticStartTag('br', T.BR, []));
    }
  }

  override onEndTag(token: Token.TagToken): void {
    const unclosed = this.#unclosed.get(token.tagName) ?? 0;
    if (unclosed === 0) {
      super.onEndTag(token);
      return;
    }
    if (unclosed === 1) this.#unclosed.delete(token.tagName);
    else this.#unclosed.set(token.tagName, unclosed - 1);
    if (BLOCK_TAGS.has(token.tagID)) super.onStartTag(syntheticStartTag('br', T.BR, []));
  }
}

/**
 * Parses a whole HTML document as browsers do (parse5, scripting disabled, so `<noscript>` content is parsed) into
 * domhandler nodes — what `cheerio.load` builds — with the nesting depth capped (see {@link DepthLimitedParser}).
 */
export function parseHtml(markup: string, maxDepth: number = DEFAULT_MAX_NESTING_DEPTH): ParsedHtml {
  const parser = new DepthLimitedParser(maxDepth);
  parser.tokenizer.write(markup, true);
  return { document: parser.document, droppedTags: parser.droppedTags };
}
