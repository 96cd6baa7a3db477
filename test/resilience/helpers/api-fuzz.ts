import fc from 'fast-check';
import { problemSchema } from '@kumo/contract';

/** One generated request: method, path with query, headers, raw body bytes. */
export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Uint8Array;
}

/** What the fuzz found wrong: the request and what came back. */
export interface FuzzFailure {
  request: FuzzRequest;
  status: number;
  contentType: string | null;
  body: string;
  reason: string;
}

const enc = new TextEncoder();

/** Numbers as JSON text, including those no double can hold and forms JSON.stringify never writes. */
const numberText = fc.oneof(
  fc.integer().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => JSON.stringify(n)),
  fc.constantFrom('1e999', '-1e999', '1e-999', '123456789012345678901234567890', '-0', '0.5', '1.0', '10000', '10001'),
  fc.constantFrom('9007199254740993', '-9007199254740993', '1E2', '0e0', '4294967297', '-1', '0', '101', '2', '11'),
);

const urlText = fc.oneof(
  fc.webUrl().map((url) => url.replace(/^https?:\/\/[^/]+/, 'http://127.0.0.1:9')),
  fc.constantFrom(
    'http://127.0.0.1:9/',
    'https://127.0.0.1:9/a?b#c',
    'ftp://127.0.0.1/',
    'javascript:alert(1)',
    'data:text/html,x',
    'file:///etc/passwd',
    'http://',
    '//127.0.0.1/',
    'http://[::1',
    'http://127.0.0.1:99999/',
    'http://ex ample.com/',
    'http://127.0.0.1:9/' + 'a'.repeat(5000),
  ),
  fc.string({ maxLength: 40 }),
);

const jsonString = (arb: fc.Arbitrary<string>) => arb.map((s) => JSON.stringify(s));

/** Keys that target prototypes or look like ours. */
const keyText = fc.oneof(
  fc.constantFrom('urls', 'maxDepth', 'maxPages', 'scope', 'analyze'),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '__defineGetter__'),
  fc.string({ maxLength: 12 }),
);

/** Arbitrary JSON text with the shapes the crawl request cares about, wrong in every way. */
const valueText: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    numberText,
    jsonString(urlText),
    fc.constantFrom('true', 'false', 'null', '""', '"same-host"', '"same-site"', '"any"', '"SAME-HOST"'),
    fc.array(tie('value'), { maxLength: 5 }).map((items) => `[${items.join(',')}]`),
    fc
      .array(fc.tuple(keyText, tie('value')), { maxLength: 5 })
      .map((entries) => `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${value}`).join(',')}}`),
  ),
})).value;

/** A crawl request object with each field right, wrong or missing, and extra (prototype) keys. */
const crawlBodyText = fc
  .record(
    {
      urls: fc.oneof(
        fc.array(jsonString(urlText), { maxLength: 4 }).map((items) => `[${items.join(',')}]`),
        fc.constant('["http://127.0.0.1:9/"]'),
        fc
          .integer({ min: 99, max: 102 })
          .map((n) => `[${Array.from({ length: n }, (_, i) => `"http://127.0.0.1:9/${i}"`).join(',')}]`),
        valueText,
      ),
      maxDepth: fc.oneof(numberText, valueText),
      maxPages: fc.oneof(numberText, valueText),
      scope: valueText,
      analyze: valueText,
      extra: fc.array(fc.tuple(keyText, valueText), { maxLength: 3 }),
    },
    { requiredKeys: [] },
  )
  .map(({ extra, ...fields }) => {
    const entries = [...Object.entries(fields), ...(extra ?? [])];
    return `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${value}`).join(',')}}`;
  });

/** Bodies that attack the parser: deep nesting, long strings, invalid UTF-8 sent raw, random bytes. */
const hostileBody: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.integer({ min: 1, max: 60_000 }).map((n) => enc.encode('['.repeat(n) + ']'.repeat(n))),
  fc.integer({ min: 1, max: 20_000 }).map((n) => enc.encode('{"a":'.repeat(n) + '1' + '}'.repeat(n))),
  fc.integer({ min: 1, max: 20_000 }).map((n) => enc.encode(`{"urls":${'['.repeat(n)}"x"${']'.repeat(n)}}`)),
  fc.integer({ min: 1000, max: 200_000 }).map((n) => enc.encode(`{"urls":["http://127.0.0.1:9/${'a'.repeat(n)}"]}`)),
  fc
    .uint8Array({ minLength: 1, maxLength: 64 })
    .map((bytes) => new Uint8Array([...enc.encode('{"urls":["http://127.0.0.1:9/'), ...bytes, ...enc.encode('"]}')])),
  fc.constantFrom(
    new Uint8Array([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]), // {"\xc3(":1}
    new Uint8Array([0xef, 0xbb, 0xbf, ...enc.encode('{"urls":["http://127.0.0.1:9/"]}')]), // BOM
    new Uint8Array([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]), // UTF-16LE "{}"
    new Uint8Array([0xed, 0xa0, 0x80]), // a surrogate in UTF-8
    enc.encode('{"urls":["\\ud800"]}'),
    enc.encode('{"urls":["http://127.0.0.1:9/\\u0000"]}'),
    enc.encode('{"__proto__":{"admin":true},"urls":["http://127.0.0.1:9/"]}'),
    enc.encode('{"constructor":{"prototype":{"admin":true}},"urls":["http://127.0.0.1:9/"]}'),
    enc.encode('{"urls":["http://127.0.0.1:9/"],"urls":["http://127.0.0.1:9/b"]}'),
    enc.encode(''),
    enc.encode('null'),
    enc.encode('"string"'),
    enc.encode('[]'),
    enc.encode('{'),
    enc.encode('{"urls":'),
    enc.encode('NaN'),
    enc.encode('{"maxDepth":Infinity}'),
  ),
  fc.uint8Array({ maxLength: 512 }),
);

const body = fc.oneof(
  { weight: 4, arbitrary: crawlBodyText.map((text) => enc.encode(text)) },
  { weight: 2, arbitrary: valueText.map((text) => enc.encode(text)) },
  { weight: 3, arbitrary: hostileBody },
);

/** Header values fetch can carry: visible ASCII, spaces, tabs and Latin-1 bytes (no CR, LF or NUL). */
const headerJunk = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 300 }),
  fc.string({ unit: fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c)), maxLength: 40 }),
  fc.constantFrom('', ' ', '\t', '0', '-1', '1-0', '9999999999999999999-0', '0-18446744073709551616', 'a'.repeat(1000)),
  fc.constantFrom('${jndi:ldap://x}', '../../etc/passwd', '<script>', "' OR 1=1 --", '%00', '\u00ff\u00fe'),
);

const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=UTF-8',
  'application/json; charset="utf-8"',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'application/json; charset=x-unknown',
  'APPLICATION/JSON',
  'application/json;;;',
  'application/jsonx',
  'application/vnd.api+json',
  'application/merge-patch+json',
  'text/plain',
  'text/json',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  '',
  '*/*',
);

const contentEncoding = fc.constantFrom(
  undefined,
  undefined,
  undefined,
  'gzip',
  'deflate',
  'br',
  'identity',
  'x-unknown',
  'gzip, gzip',
);

const idText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom(
    '',
    '%00',
    '%2F',
    '..',
    '%2e%2e',
    '__proto__',
    'constructor',
    'c' + 'a'.repeat(3000),
    '%E0%A4%A',
    '%',
  ),
);

const queryText = fc.oneof(
  fc
    .record(
      {
        limit: fc.oneof(
          numberText,
          fc.string({ maxLength: 10 }),
          fc.constantFrom('', '1', '500', '501', '0', '1e3', '0x10', ' 5'),
        ),
        cursor: fc.oneof(
          headerJunk,
          fc.base64String({ maxLength: 80 }),
          fc.constantFrom('', '0-0', '$', '+', '-', '999999999999999-0'),
        ),
      },
      { requiredKeys: [] },
    )
    .map((query) =>
      Object.entries(query)
        .map(([key, value]) => `${key}=${encodeURIComponent(value)}`)
        .join('&'),
    ),
  fc.constantFrom(
    'limit=1&limit=2',
    'limit[]=1',
    'limit[a]=1',
    'cursor[__proto__]=x',
    '__proto__[limit]=1',
    'limit=%',
    'cursor=%E0%A4%A',
    'limit=1;cursor=2',
    '&&&',
    '=',
  ),
);

/**
 * Requests against the API: bodies of POST /v1/crawls, ids, query strings, Idempotency-Key, Last-Event-ID and
 * Content-Type / Content-Encoding junk. `ownedId` is a crawl of the fuzzing key (terminal, so event streams end).
 */
export function fuzzRequests(ownedId: string): fc.Arbitrary<FuzzRequest> {
  const id = fc.oneof(
    fc.constant(ownedId),
    idText.map((value) => encodeURIComponent(value)),
  );
  const post = fc
    .record({
      body,
      contentType: fc.option(contentType),
      contentEncoding,
      idempotencyKey: fc.option(headerJunk),
    })
    .map(({ body: bytes, contentType: type, contentEncoding: encoding, idempotencyKey }) => {
      const headers: Record<string, string> = {};
      if (type !== null) headers['content-type'] = type;
      if (encoding !== undefined) headers['content-encoding'] = encoding;
      if (idempotencyKey !== null) headers['idempotency-key'] = idempotencyKey;
      return { method: 'POST', path: '/v1/crawls', headers, body: bytes };
    });
  const read = fc
    .record({
      id,
      route: fc.constantFrom('', '/pages', '/report', '/events', '/pages'),
      query: fc.option(queryText),
      lastEventId: fc.option(headerJunk),
      method: fc.constantFrom('GET', 'GET', 'GET', 'DELETE', 'HEAD', 'PUT', 'PATCH', 'OPTIONS'),
    })
    .map(({ id: crawlId, route, query, lastEventId, method }) => {
      const headers: Record<string, string> = {};
      if (lastEventId !== null) headers['last-event-id'] = lastEventId;
      const path = `/v1/crawls/${crawlId}${route}${query === null ? '' : `?${query}`}`;
      return { method: route === '' ? method : 'GET', path, headers };
    });
  return fc.oneof({ weight: 3, arbitrary: post }, { weight: 2, arbitrary: read });
}

/** One answer as the checks see it: status, Content-Type and body text (empty for an event stream). */
export interface FuzzAnswer {
  status: number;
  contentType: string | null;
  text: string;
}

/** Sends one request with the key; the body is read (an event stream is cancelled). `null`: no answer at all. */
export async function sendOne(baseUrl: string, key: string, request: FuzzRequest): Promise<FuzzAnswer | string> {
  const headers = { ...request.headers, authorization: `Bearer ${key}` };
  let response: Response;
  try {
    response = await fetch(`${baseUrl}${request.path}`, {
      method: request.method,
      headers,
      ...(request.body === undefined ? {} : { body: request.body }),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (error) {
    return `no answer: ${String(error)}`;
  }
  const contentType = response.headers.get('content-type');
  if (contentType?.startsWith('text/event-stream')) {
    await response.body?.cancel();
    return { status: response.status, contentType, text: '' };
  }
  return { status: response.status, contentType, text: await response.text() };
}

/**
 * What is wrong with an answer, if anything: every answer must be a 2xx (JSON, or an event stream) or a 4xx
 * problem+json whose `status` matches; never a 5xx, never HTML or a stack trace.
 */
export function checkAnswer(request: FuzzRequest, answer: FuzzAnswer): FuzzFailure | null {
  const { status, contentType: type, text } = answer;
  const fail = (reason: string) => ({ request, status, contentType: type, body: text.slice(0, 500), reason });
  if (type?.startsWith('text/event-stream')) return status === 200 ? null : fail('event stream with a non-200 status');
  if (status >= 500) return fail('5xx');
  if (/<html|<!doctype|at .+\.(js|ts):\d+/i.test(text)) return fail('HTML or a stack trace in the answer');
  // HEAD has no body; OPTIONS gets Express's automatic `Allow` list (text/plain), which is plain HTTP.
  if (request.method === 'HEAD' || status === 204) return null;
  if (request.method === 'OPTIONS' && status >= 200 && status < 300) return null;
  if (status >= 400) {
    if (!type?.startsWith('application/problem+json')) return fail('4xx without problem+json');
    const parsed = problemSchema.safeParse(safeJson(text));
    if (!parsed.success) return fail('4xx body is not a problem document');
    if (parsed.data.status !== status) return fail('problem status differs from the HTTP status');
    if (!/^KUMO_[A-Z_]+$/.test(parsed.data.code)) return fail('problem without a kumo code');
    return null;
  }
  if (status >= 200 && status < 300) {
    if (!type?.startsWith('application/json')) return fail('2xx that is not JSON');
    return safeJson(text) === undefined ? fail('2xx body is not JSON') : null;
  }
  return fail(`unexpected status ${status}`);
}

/** Sends one request and says what is wrong with the answer, if anything (see `checkAnswer`). */
export async function checkOne(baseUrl: string, key: string, request: FuzzRequest): Promise<FuzzFailure | null> {
  const answer = await sendOne(baseUrl, key, request);
  if (typeof answer === 'string') return { request, status: 0, contentType: null, body: '', reason: answer };
  return checkAnswer(request, answer);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
