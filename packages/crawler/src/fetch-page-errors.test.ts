import { errors } from 'undici';
import { describe, expect, it } from 'vitest';
import { BlockedAddressError, CrawlerErrorCode } from './errors.js';
import { toCrawlerError } from './fetch-page.js';

// How fetchPage codes what undici and Node threw (toCrawlerError). The fetches themselves: fetch-page.test.ts and
// fetch-page-hops.test.ts.

const URL = 'http://example.com/page.html';
const C = CrawlerErrorCode;

function coded(code: string, message = `failed with ${code}`): Error {
  return Object.assign(new Error(message), { code });
}

/** An error whose message reads like undici's parser error, but which is not one: messages must not matter. */
class LookalikeError extends Error {
  override name = 'SomethingElse';
}

describe('toCrawlerError', () => {
  it.each<[name: string, thrown: unknown, code: CrawlerErrorCode, kind: 'transient' | 'permanent']>([
    // Not HTTP at all: undici 7's HTTPParserError carries no code; a later one may carry llhttp's HPE_* name.
    [
      'HTTPParserError without a code',
      new errors.HTTPParserError('Response does not match'),
      C.CONNECTION,
      'transient',
    ],
    [
      'HTTPParserError with a code',
      Object.assign(new errors.HTTPParserError('bad'), { code: 'HPE_INVALID_CONSTANT' }),
      C.CONNECTION,
      'transient',
    ],
    ['an HPE_* code on any error', coded('HPE_INVALID_HEADER_TOKEN'), C.CONNECTION, 'transient'],
    [
      'a parser-like message without the class',
      new LookalikeError('HTTPParserError: Response does not match the HTTP/1.1 protocol'),
      C.UNEXPECTED,
      'transient',
    ],
    // Connections.
    ['ECONNREFUSED', coded('ECONNREFUSED'), C.CONNECTION, 'transient'],
    ['ECONNRESET', coded('ECONNRESET'), C.CONNECTION, 'transient'],
    ['EPIPE', coded('EPIPE'), C.CONNECTION, 'transient'],
    ['EHOSTUNREACH', coded('EHOSTUNREACH'), C.CONNECTION, 'transient'],
    ["undici's SocketError", new errors.SocketError('other side closed'), C.CONNECTION, 'transient'],
    ["undici's ClientClosedError", new errors.ClientClosedError(), C.CONNECTION, 'transient'],
    ['a body shorter than Content-Length', new errors.ResponseContentLengthMismatchError(), C.CONNECTION, 'transient'],
    // Headers larger than the parser accepts (a 100 KB header): the same server sends them again.
    ["undici's HeadersOverflowError", new errors.HeadersOverflowError(), C.HEADERS_TOO_LARGE, 'permanent'],
    // Timeouts.
    ['connect timeout', new errors.ConnectTimeoutError(), C.TIMEOUT, 'transient'],
    ['headers timeout', new errors.HeadersTimeoutError(), C.TIMEOUT, 'transient'],
    ['body timeout', new errors.BodyTimeoutError(), C.TIMEOUT, 'transient'],
    ['ETIMEDOUT', coded('ETIMEDOUT'), C.TIMEOUT, 'transient'],
    // DNS: no such host is permanent, resolver trouble is not.
    ['ENOTFOUND', coded('ENOTFOUND'), C.DNS, 'permanent'],
    ['EAI_NONAME', coded('EAI_NONAME'), C.DNS, 'permanent'],
    ['EAI_AGAIN', coded('EAI_AGAIN'), C.DNS, 'transient'],
    ['ESERVFAIL', coded('ESERVFAIL'), C.DNS, 'transient'],
    // TLS.
    ['ERR_TLS_CERT_ALTNAME_INVALID', coded('ERR_TLS_CERT_ALTNAME_INVALID'), C.TLS, 'permanent'],
    ['CERT_HAS_EXPIRED', coded('CERT_HAS_EXPIRED'), C.TLS, 'permanent'],
    ['SELF_SIGNED_CERT_IN_CHAIN', coded('SELF_SIGNED_CERT_IN_CHAIN'), C.TLS, 'permanent'],
    ['ERR_SSL_WRONG_VERSION_NUMBER', coded('ERR_SSL_WRONG_VERSION_NUMBER'), C.TLS, 'permanent'],
    // Compressed bodies.
    ['Z_DATA_ERROR', coded('Z_DATA_ERROR'), C.DECODE, 'permanent'],
    ['ERR_BROTLI_DECOMPRESSION_FAILED', coded('ERR_BROTLI_DECOMPRESSION_FAILED'), C.DECODE, 'permanent'],
    // Everything else: coded, and retried a bounded number of times.
    ['an unknown code', coded('EWHATEVER'), C.UNEXPECTED, 'transient'],
    ['an Error without a code', new Error('boom'), C.UNEXPECTED, 'transient'],
    ['a thrown string', 'boom', C.UNEXPECTED, 'transient'],
    ['null', null, C.UNEXPECTED, 'transient'],
  ])('%s → %s', (_name, thrown, code, kind) => {
    const mapped = toCrawlerError(thrown, URL);
    expect({ code: mapped.code, kind: mapped.kind, url: mapped.url }).toEqual({ code, kind, url: URL });
    if (thrown !== null && typeof thrown === 'object') expect(mapped.cause).toBe(thrown);
  });

  it('passes a crawler error through, also from the cause chain, filling in the URL only when missing', () => {
    const blocked = new BlockedAddressError('evil.test', '127.0.0.1', 'loopback');
    const wrapped = Object.assign(new Error('connector failed'), { cause: blocked });
    expect(toCrawlerError(wrapped, URL)).toBe(blocked);
    expect(blocked.url).toBe(URL);
    const located = new BlockedAddressError('a.test', '10.0.0.1', 'private', { url: 'http://a.test/' });
    expect(toCrawlerError(located, URL).url).toBe('http://a.test/');
  });
});
