import fc from 'fast-check';
import { fuzzRequests, type FuzzRequest } from './api-fuzz.js';

/** What a family of hostile requests is sent against: crawls of the fuzzing key, and one of another key. */
export interface HostileTargets {
  /** A finished crawl of the fuzzing key (its event stream replays and ends). */
  ownedId: string;
  /** A crawl of the other key: 404 to the fuzzing key, like an unknown id. */
  foreignId: string;
  /** A `nextCursor` the API returned for `ownedId`. */
  realCursor: string;
  /** The id of an event of `ownedId`'s stream (e.g. its `done`). */
  realEventId: string;
}

/** One row of the hostile table: a family of generated requests and what each may answer. */
export interface HostileFamily {
  name: string;
  /** Requests generated for this family in one run. */
  runs: number;
  requests(targets: HostileTargets): fc.Arbitrary<FuzzRequest>;
  /** HTTP statuses this family may answer (besides the generic rules of `checkOne`). */
  allowed: readonly number[];
  /** When it answers 400, the `errors[].path` the problem names. */
  path?: string;
}

const HEX = '0123456789abcdefABCDEF';
const hexDigit = fc.constantFrom(...HEX.split(''));

/** Percent-encoding as a client may botch it: `%` alone, one hex digit, non-hex, overlong and invalid UTF-8. */
const percentGarbage = fc.oneof(
  fc.constantFrom('%', '%%', '%Z', '%ZZ', '%G0', '%0', '%E0%A4%A', '%C3%28', '%FF', '%FE%FF', '%ED%A0%80'),
  fc.constantFrom('%C0%AF', '%E0%80%AF', '%F8%88%80%80%80', '%F4%90%80%80', '%00', '%2F', '%5C', '%2e%2e'),
  fc
    .tuple(fc.string({ maxLength: 6 }), hexDigit, fc.string({ maxLength: 6 }))
    .map(([a, h, b]) => `${encodeURIComponent(a)}%${h}${encodeURIComponent(b)}`),
  fc
    .array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 12 })
    .map((bytes) => bytes.map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('')),
);

/** Crawl-id path segments: garbage percent-encoding, huge, unicode, look-alikes of real ids, traversal. */
const idSegment = (targets: HostileTargets) =>
  fc.oneof(
    percentGarbage,
    fc.string({ unit: 'binary', maxLength: 40 }).map(encodeURIComponent),
    fc.string({ unit: 'grapheme', maxLength: 20 }).map(encodeURIComponent),
    // Long: within Node's 16 KiB limit on the request line and headers (kumo's 404/400), and past it up to 100 KiB
    // (431, answered before the app by the server's clientError, problem+json like every other refusal).
    fc.integer({ min: 1000, max: 12_000 }).map((n) => 'c' + 'a'.repeat(n)),
    fc.integer({ min: 17 * 1024, max: 100 * 1024 }).map((n) => 'c' + 'a'.repeat(n)),
    fc.constantFrom('..', '.', '%2e', '__proto__', 'constructor', 'prototype', 'null', 'undefined', '0', '-1', 'c'),
    fc.constant(targets.foreignId),
    fc.constant(targets.ownedId.toUpperCase()),
    fc.nat({ max: targets.ownedId.length - 1 }).map((n) => targets.ownedId.slice(0, n)),
    fc.string({ maxLength: 4 }).map((tail) => targets.ownedId + encodeURIComponent(tail)),
  );

const digits = (min: number, max: number) =>
  fc.array(fc.constantFrom(...'0123456789'.split('')), { minLength: min, maxLength: max }).map((d) => d.join(''));

/** Redis-stream-id look-alikes: huge, at and past 64 bits, the maximum id, signs, leading zeros, other separators. */
const streamIdLike = fc.oneof(
  fc.tuple(digits(1, 22), digits(1, 22)).map(([ms, seq]) => `${ms}-${seq}`),
  fc.tuple(fc.bigInt({ min: 0n, max: 2n ** 70n }), fc.bigInt({ min: 0n, max: 2n ** 70n })).map(([a, b]) => `${a}-${b}`),
  fc.constantFrom(
    '18446744073709551615-18446744073709551615',
    '18446744073709551615-0',
    '18446744073709551616-0',
    '0-18446744073709551616',
    '99999999999999999999999-0',
    '0-0',
    '00-0',
    '-1-0',
    '+1-0',
    '1--1',
    '1-',
    '-',
    '$',
    '>',
    '+',
    '*',
    '1.0-0',
    '1e3-0',
    '0x10-0',
    '1_000-0',
    ' 1-0',
    '1-0 ',
    '１-０',
  ),
);

/** Visible ASCII and Latin-1 only: what fetch lets into a header value. */
const headerSafe = (text: string) => /^[\t\x20-\x7e\x80-\xff]*$/.test(text);

const limitValue = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }).map(String),
  fc.constantFrom('', ' ', '1.5', '1e2', '0x10', 'NaN', 'Infinity', '-0', '500', '501', '0', '9'.repeat(400), '%00'),
  fc.string({ maxLength: 10 }).map(encodeURIComponent),
);

/**
 * The hostile table: each family aims at one input the API parses (ids, cursors, event ids, query strings, bodies),
 * with the statuses it may answer; `checkOne` adds the rules every answer obeys (never a 5xx; 4xx are problem+json
 * with a kumo code; 2xx JSON or an event stream). 5,100 requests in all.
 */
export const HOSTILE_FAMILIES: readonly HostileFamily[] = [
  {
    name: 'crawl ids in every route: percent-encoding garbage, huge, unicode, look-alikes',
    runs: 1500,
    requests: (targets) =>
      fc
        .record({
          id: idSegment(targets),
          route: fc.constantFrom('', '/pages', '/report', '/events'),
          method: fc.constantFrom('GET', 'GET', 'DELETE'),
        })
        .map(({ id, route, method }) => ({
          method: route === '' ? method : 'GET',
          path: `/v1/crawls/${id}${route}`,
          headers: {},
        })),
    // The look-alikes include the owned id itself (its report: 409, the crawl being cancelled).
    allowed: [200, 202, 204, 400, 404, 409, 431],
    path: 'id',
  },
  {
    name: 'pages cursors: base64url of stream-id look-alikes and junk, raw junk, tampered real cursors',
    runs: 1200,
    requests: (targets) =>
      fc
        .oneof(
          streamIdLike.map((id) => Buffer.from(id, 'utf8').toString('base64url')),
          streamIdLike,
          fc.string({ unit: 'binary', maxLength: 30 }).map((text) => Buffer.from(text, 'utf8').toString('base64url')),
          fc.base64String({ maxLength: 60 }),
          percentGarbage,
          fc.string({ unit: 'grapheme', maxLength: 20 }).map(encodeURIComponent),
          fc.constant(targets.realCursor),
          fc.constantFrom('=', '==', 'A', '____', '----').map((tail) => targets.realCursor + tail),
          fc.nat({ max: Math.max(0, targets.realCursor.length - 1) }).map((n) => targets.realCursor.slice(0, n)),
        )
        .map((cursor) => ({
          method: 'GET',
          path: `/v1/crawls/${targets.ownedId}/pages?cursor=${cursor.includes('%') ? cursor : encodeURIComponent(cursor)}`,
          headers: {},
        })),
    allowed: [200, 400],
    path: 'cursor',
  },
  {
    name: 'Last-Event-ID: stream-id look-alikes, header junk, the real done id and neighbours',
    runs: 1200,
    requests: (targets) =>
      fc
        .oneof(
          streamIdLike,
          fc.string({ unit: 'binary-ascii', maxLength: 40 }),
          fc.constant(targets.realEventId),
          fc.constantFrom('0', '1', '2').map((seq) => `${targets.realEventId.split('-')[0]}-${seq}`),
          fc.constant(`${BigInt(targets.realEventId.split('-')[0]!) + 1n}-0`),
        )
        .filter(headerSafe)
        .map((lastEventId) => ({
          method: 'GET',
          path: `/v1/crawls/${targets.ownedId}/events`,
          headers: { 'last-event-id': lastEventId },
        })),
    allowed: [200, 204, 400],
    path: 'Last-Event-ID',
  },
  {
    name: 'query strings: limit out of range and malformed, repeated, bracketed, prototype keys',
    runs: 600,
    requests: (targets) =>
      fc
        .oneof(
          limitValue.map((limit) => `limit=${limit}`),
          fc.constantFrom(
            'limit=1&limit=2',
            'limit[]=1',
            'limit[a]=1',
            '__proto__[limit]=1',
            'constructor[prototype][limit]=1',
            'limit=%',
            'limit=1;cursor=2',
            '&&&',
            '=',
            'cursor[]=x',
            'cursor=a&cursor=b',
          ),
          fc.string({ unit: 'binary', maxLength: 30 }).map(encodeURIComponent),
        )
        .map((query) => ({ method: 'GET', path: `/v1/crawls/${targets.ownedId}/pages?${query}`, headers: {} })),
    allowed: [200, 400],
  },
  {
    name: 'bodies and headers of POST /v1/crawls (and reads), generated by api-fuzz.ts',
    runs: 600,
    requests: (targets) => fuzzRequests(targets.ownedId),
    allowed: [200, 202, 204, 400, 404, 405, 409, 413, 415, 429],
  },
];
