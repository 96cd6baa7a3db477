import type { IncomingHttpHeaders } from 'node:http';
import type { PageResult } from '@kumo/contract';

// Conditional re-fetch (RFC 9110 §13): the validators a response carries, the headers that send them back, and what
// an earlier fetch of a page must have kept so that a `304 Not Modified` can stand in for the page.

/** A response's validators: what a later conditional request sends back. At least one is set. */
export interface Validators {
  /** The `ETag` header as received (weak tags included: `If-None-Match` compares weakly). */
  etag?: string;
  /** The `Last-Modified` header as received (an HTTP date). */
  lastModified?: string;
}

/** The page fields a `304` copies from the earlier fetch (the body that would have produced them is not sent). */
export type RevalidatedFields = Partial<
  Pick<PageResult, 'contentType' | 'charset' | 'title' | 'lang' | 'bytes' | 'textLength'>
>;

/** What a crawl knows of a page from an earlier run: sent as a conditional request, used when the answer is `304`. */
export interface Revalidation extends Validators {
  /** The page's followable links at the earlier fetch; filtered again by this crawl's scope and globs on a `304`. */
  links: readonly string[];
  /** The page result fields of the earlier fetch. */
  page: RevalidatedFields;
}

/** The skip reason `fetchPage` returns for a `304` to a conditional request (never a PageResult reason). */
export const NOT_MODIFIED = 'kumo:not-modified';

/** Longest validator kept: a longer header is unusual enough to be left out (the page is then fetched in full). */
export const MAX_VALIDATOR_LENGTH = 512;

function usable(value: string | string[] | undefined): string | undefined {
  const single = Array.isArray(value) ? value[0] : value;
  if (single === undefined) return undefined;
  const trimmed = single.trim();
  // Visible ASCII and spaces only: the value goes back verbatim as a request header.
  if (trimmed.length === 0 || trimmed.length > MAX_VALIDATOR_LENGTH || !/^[\x20-\x7e]+$/.test(trimmed)) {
    return undefined;
  }
  return trimmed;
}

/** The validators of a response, or undefined when it has neither a usable `ETag` nor `Last-Modified`. */
export function validatorsOf(headers: IncomingHttpHeaders): Validators | undefined {
  const etag = usable(headers.etag);
  const lastModified = usable(headers['last-modified']);
  if (etag === undefined && lastModified === undefined) return undefined;
  return { ...(etag === undefined ? {} : { etag }), ...(lastModified === undefined ? {} : { lastModified }) };
}

/** `If-None-Match` / `If-Modified-Since` for the validators (both when both are known: servers use the ETag first). */
export function conditionalHeaders(validators: Validators): Record<string, string> {
  const etag = usable(validators.etag);
  const lastModified = usable(validators.lastModified);
  return {
    ...(etag === undefined ? {} : { 'if-none-match': etag }),
    ...(lastModified === undefined ? {} : { 'if-modified-since': lastModified }),
  };
}
