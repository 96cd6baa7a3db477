/** A parsed `Content-Type` header value. */
export interface ContentType {
  /** Essence, lower-case (`text/html`). */
  mime: string;
  /** The `charset` parameter as sent (unquoted, trimmed), if any. */
  charset?: string;
}

const HTML_MIMES = new Set(['text/html', 'application/xhtml+xml']);

/** Parses a `Content-Type` value; `undefined` for a missing or meaningless one (then the body is sniffed). */
export function parseContentType(header: string | undefined): ContentType | undefined {
  if (header === undefined) return undefined;
  const [essence = '', ...parameters] = header.split(';');
  const mime = essence.trim().toLowerCase();
  if (!/^[!#$%&'*+.^_`|~0-9a-z-]+\/[!#$%&'*+.^_`|~0-9a-z-]+$/.test(mime)) return undefined;
  const result: ContentType = { mime };
  for (const parameter of parameters) {
    const index = parameter.indexOf('=');
    if (index === -1) continue;
    const name = parameter.slice(0, index).trim().toLowerCase();
    if (name !== 'charset') continue;
    const value = parameter
      .slice(index + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .trim();
    if (value.length > 0) result.charset = value;
    break;
  }
  return result;
}

/** True for the types we parse as HTML. */
export function isHtmlMime(mime: string): boolean {
  return HTML_MIMES.has(mime);
}

// WHATWG MIME sniffing's HTML patterns: a tag name followed by a space or `>` (or `!--` for a comment).
const HTML_SNIFF =
  /^(?:<!doctype html|<html|<head|<script|<iframe|<h1|<div|<font|<table|<a|<style|<title|<b|<body|<br|<p|<!--)[\s>]/i;
const SNIFF_BYTES = 512;

/** How many leading bytes {@link looksLikeHtml} needs (fewer are fine when the body is shorter). */
export const HTML_SNIFF_BYTES = SNIFF_BYTES;

/**
 * Whether an unlabelled body starts like HTML (WHATWG "rules for identifying an unknown MIME type", HTML part):
 * skip a BOM and leading whitespace, then look for a well-known opening tag.
 */
export function looksLikeHtml(head: Uint8Array): boolean {
  let text = Buffer.from(head.buffer, head.byteOffset, Math.min(head.byteLength, SNIFF_BYTES)).toString('latin1');
  if (text.startsWith('\xef\xbb\xbf')) text = text.slice(3);
  // UTF-16 documents: drop the BOM and the zero bytes so the ASCII pattern still applies.
  if (text.startsWith('\xff\xfe') || text.startsWith('\xfe\xff')) text = text.slice(2).replaceAll('\0', '');
  return HTML_SNIFF.test(text.replace(/^[\t\n\f\r ]+/, '') + ' ');
}
