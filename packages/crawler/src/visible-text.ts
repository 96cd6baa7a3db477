/** Accumulates the visible text of a document during the tree walk in `extract.ts`. */
export interface TextBuffer {
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
export function appendTextNode(buffer: TextBuffer, data: string): void {
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
export function finishText(buffer: TextBuffer): string {
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
