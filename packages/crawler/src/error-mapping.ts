import { errors } from 'undici';
import {
  ConnectionError,
  CrawlerError,
  DecodeError,
  DnsError,
  FetchTimeoutError,
  TlsError,
  UnexpectedCrawlerError,
} from './errors.js';

const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
]);
// "No such host" will not change on a retry; resolver trouble might.
const DNS_PERMANENT_CODES = new Set(['ENOTFOUND', 'ENODATA', 'EAI_NONAME', 'EAI_NODATA', 'EAI_FAIL']);
const DNS_TRANSIENT_CODES = new Set(['EAI_AGAIN', 'ESERVFAIL', 'ETIMEOUT', 'EAI_SYSTEM']);

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * undici's `HTTPParserError`: llhttp refused what the server sent (not HTTP at all, a bad status line, header or
 * chunk). undici 7 leaves its `code` unset (it looks llhttp's error number up in a name→number table), so the class
 * identifies it (undici's `instanceof` works across copies of undici: it checks a registered symbol); a `code`, when
 * set, is llhttp's `HPE_*` name.
 */
function isHttpParserError(error: unknown, code: string | undefined): boolean {
  return error instanceof errors.HTTPParserError || (code?.startsWith('HPE_') ?? false);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The first kumo crawler error in the `cause` chain: undici sometimes wraps what our connector threw. */
function findCrawlerError(error: unknown): CrawlerError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth += 1) {
    if (current instanceof CrawlerError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Turns whatever undici, node:net, node:dns, node:tls or node:zlib threw into a coded crawler error, so that a
 * worker branches on `code` and `kind` only.
 */
export function toCrawlerError(error: unknown, url: string): CrawlerError {
  const known = findCrawlerError(error);
  if (known !== undefined) {
    known.url ??= url;
    return known;
  }
  const code = codeOf(error);
  const message = messageOf(error);
  const options = { cause: error, url };
  // The server spoke something other than HTTP: like a connection closed early, a retry may find it sane again.
  if (isHttpParserError(error, code)) {
    return new ConnectionError(`Not an HTTP response: ${message} (${code ?? 'HTTPParserError'})`, options);
  }
  if (code === undefined) return new UnexpectedCrawlerError(message, options);
  if (TIMEOUT_CODES.has(code)) return new FetchTimeoutError(`${message} (${code})`, options);
  if (DNS_PERMANENT_CODES.has(code)) return new DnsError(`Cannot resolve host: ${message}`, options);
  if (DNS_TRANSIENT_CODES.has(code)) {
    return new DnsError(`Resolver failure: ${message}`, { ...options, kind: 'transient' });
  }
  if (CONNECTION_CODES.has(code)) return new ConnectionError(`${message} (${code})`, options);
  if (code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || code.includes('CERT') || code.includes('SIGNED')) {
    return new TlsError(`${message} (${code})`, options);
  }
  if (code.startsWith('Z_') || code.startsWith('ERR_BROTLI') || code === 'ERR_ZLIB_INITIALIZATION_FAILED') {
    return new DecodeError(`Corrupt compressed body: ${message}`, options);
  }
  return new UnexpectedCrawlerError(`${message} (${code})`, options);
}
