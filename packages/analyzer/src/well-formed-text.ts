// kuromoji throws a TypeError on a lone surrogate (its trie cannot encode it as UTF-8) and on U+0000 (its trie then
// returns an entry the dictionary does not have). Such text only comes from broken pages, so both become U+FFFD, as
// TextDecoder would have made them. (String#toWellFormed is ES2024, not in our lib target, and misses NUL.)
// eslint-disable-next-line no-control-regex -- U+0000 is exactly what must be replaced
const UNTOKENIZABLE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]|\u0000/g;

/** `text` with lone surrogates and U+0000 replaced by U+FFFD: what both tokenizers are given. */
export function toTokenizable(text: string): string {
  return text.replace(UNTOKENIZABLE, '\uFFFD');
}
