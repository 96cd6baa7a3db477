import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import express from 'express';
import { problemSchema } from '@kumo/contract';
import { createLogger } from '@kumo/observability';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorHandler, notFound } from './error-handler.js';
import { bodyParserProblem, jsonBody } from './json-body.js';

const LIMIT = 4096;
const logLines: Record<string, unknown>[] = [];
let server: Server;
let url: string;

beforeAll(async () => {
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) logLines.push(JSON.parse(line));
      callback();
    },
  });
  const app = express();
  app.use('/v1', ...jsonBody({ limit: LIMIT }));
  app.post('/v1/echo', (req, res) => {
    res.json({ body: req.body as unknown });
  });
  app.use(notFound());
  app.use(errorHandler({ logger: createLogger({ name: 'json-body-test', destination }) }));
  server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/echo`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const payload = JSON.stringify({ urls: ['http://example.com/'] });
const compressors: Record<string, (input: Buffer) => Buffer> = {
  gzip: (input) => gzipSync(input),
  deflate: (input) => deflateSync(input),
  br: (input) => brotliCompressSync(input),
};

async function post(body: Uint8Array | string, encoding?: string) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(encoding ? { 'content-encoding': encoding } : {}) },
    body,
  });
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
}

function problemOf(answer: { type: string | null; text: string }) {
  expect(answer.type).toMatch(/^application\/problem\+json/);
  return problemSchema.parse(JSON.parse(answer.text));
}

describe('jsonBody: bodies that do not decode per their Content-Encoding', () => {
  const encodings = Object.keys(compressors);

  it.each(encodings)('%s: a valid compressed body is parsed', async (encoding) => {
    const answer = await post(compressors[encoding]!(Buffer.from(payload)), encoding);
    expect(answer.status, answer.text).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ body: JSON.parse(payload) });
  });

  const corrupt: [string, string, () => Buffer][] = encodings.flatMap((encoding): [string, string, () => Buffer][] => [
    [encoding, 'plain JSON bytes', () => Buffer.from(payload)],
    [encoding, 'a truncated stream', () => compressors[encoding]!(Buffer.from(payload.repeat(20))).subarray(0, 12)],
    [encoding, 'garbage bytes', () => Buffer.from(Array.from({ length: 64 }, (_, i) => (i * 37 + 11) % 256))],
  ]);

  it.each(corrupt)('%s with %s → 400 KUMO_API_VALIDATION naming Content-Encoding', async (encoding, _what, body) => {
    const answer = await post(body(), encoding);
    expect(answer.status, answer.text).toBe(400);
    const problem = problemOf(answer);
    expect(problem.code).toBe('KUMO_API_VALIDATION');
    expect(problem.errors?.[0]?.path).toBe('Content-Encoding');
    expect(problem.errors?.[0]?.message).toContain(encoding);
  });

  it('refuses a body that is not valid UTF-8 (a bad byte inside a JSON string) with a 400 naming it', async () => {
    const body = Buffer.concat([
      Buffer.from('{"urls":["http://example.com/'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"]}'),
    ]);
    const answer = await post(body);
    expect(answer.status).toBe(400);
    expect(problemOf(answer).errors?.[0]?.message).toMatch(/not valid UTF-8/);
    // Valid UTF-8, Japanese included, still goes through.
    const japanese = await post(JSON.stringify({ title: '東京の天気' }));
    expect(japanese.status).toBe(200);
    expect(JSON.parse(japanese.text)).toEqual({ body: { title: '東京の天気' } });
  });

  it('an unknown Content-Encoding stays a 415', async () => {
    const answer = await post(payload, 'x-unknown');
    expect(answer.status, answer.text).toBe(415);
    expect(problemOf(answer).code).toBe('KUMO_API_UNSUPPORTED_MEDIA_TYPE');
  });

  it('a compressed body larger than the limit once inflated is a 413', async () => {
    const big = JSON.stringify({ urls: ['x'.repeat(LIMIT * 4)] });
    const answer = await post(gzipSync(Buffer.from(big)), 'gzip');
    expect(answer.status, answer.text).toBe(413);
    expect(problemOf(answer).code).toBe('KUMO_API_PAYLOAD_TOO_LARGE');
  });

  it('logs none of these client errors as a failed request', () => {
    expect(logLines.filter((line) => line.msg === 'request failed')).toEqual([]);
  });
});

/** What http-errors (body-parser's errors) looks like: `status`, `statusCode`, and `expose` for a 4xx. */
function createHttpError(status: number, cause: string | Error, extra: Record<string, unknown> = {}) {
  const error = typeof cause === 'string' ? new Error(cause) : cause;
  return Object.assign(error, { status, statusCode: status, expose: status < 500, ...extra });
}

describe('bodyParserProblem', () => {
  const context = { bodyLimit: LIMIT };

  it.each([
    [createHttpError(400, 'bad'), 400, 'KUMO_API_VALIDATION'],
    [createHttpError(403, 'verify failed'), 400, 'KUMO_API_VALIDATION'],
    [createHttpError(413, 'too big'), 413, 'KUMO_API_PAYLOAD_TOO_LARGE'],
    [createHttpError(415, 'nope'), 415, 'KUMO_API_UNSUPPORTED_MEDIA_TYPE'],
    [createHttpError(400, 'Unexpected token', { type: 'entity.parse.failed' }), 400, 'KUMO_API_MALFORMED_JSON'],
  ])('maps a client error of body-parser (%s) to a 4xx API error', (error, _status, code) => {
    expect(bodyParserProblem(error, context)?.code).toBe(code);
  });

  it('names the encoding of a body that does not decompress', () => {
    const zlibError = Object.assign(new Error('incorrect header check'), { code: 'Z_DATA_ERROR', errno: -3 });
    const problem = bodyParserProblem(createHttpError(400, zlibError), { ...context, contentEncoding: 'GZIP' });
    expect(problem?.code).toBe('KUMO_API_VALIDATION');
    expect(problem?.errors).toEqual([
      { path: 'Content-Encoding', message: 'the body does not decode as gzip: incorrect header check' },
    ]);
  });

  it('leaves server errors and errors that are not safe to show alone', () => {
    expect(bodyParserProblem(createHttpError(500, 'boom'), context)).toBeUndefined();
    expect(bodyParserProblem(Object.assign(new Error('x'), { status: 400 }), context)).toBeUndefined();
    expect(bodyParserProblem(new Error('plain'), context)).toBeUndefined();
  });
});
