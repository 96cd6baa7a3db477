import { isUtf8 } from 'node:buffer';
import express, { type RequestHandler } from 'express';
import {
  type ApiError,
  MalformedJsonError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../errors.js';

const JSON_TYPE = /^application\/json\s*(;|$)/i;
const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/** What body-parser (behind `express.json`) attaches to the errors it raises (they are http-errors). */
export interface BodyParserError extends Error {
  type?: string;
  status?: number;
  statusCode?: number;
  /** http-errors: true for client errors (4xx), whose message is safe to show. */
  expose?: boolean;
  limit?: number;
}

function unreadableBody(message: string, path = ''): ValidationError {
  return new ValidationError('The request body could not be read.', [{ path, message: message.slice(0, 200) }]);
}

/**
 * Maps an error raised by body-parser to the API error it answers with, or undefined for one that is not the
 * client's fault (it stays a 500). Known `type`s first; then every other client error body-parser raises — an
 * http-error with `expose` and a 4xx `status` — by its status: a body that does not decompress per its
 * Content-Encoding (gzip, deflate, br), for one, comes as a bare 400 with zlib's message and no `type`.
 */
export function bodyParserProblem(
  error: BodyParserError,
  context: { bodyLimit: number; contentEncoding?: string | undefined },
): ApiError | undefined {
  switch (error.type) {
    case 'entity.parse.failed':
      return new MalformedJsonError(error);
    case 'entity.too.large':
      return new PayloadTooLargeError(error.limit ?? context.bodyLimit, error);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new UnsupportedMediaTypeError('The request body must be UTF-8 encoded JSON.', error);
    case 'request.size.invalid':
    case 'request.aborted':
    case 'stream.encoding.set':
      return unreadableBody(error.message);
    case 'entity.verify.failed':
      // requireUtf8's own answer, passed through by the parser.
      return error instanceof ValidationError ? error : unreadableBody(error.message);
  }
  const status = error.status ?? error.statusCode;
  if (error.expose !== true || typeof status !== 'number' || status < 400 || status > 499) return undefined;
  if (status === 413) return new PayloadTooLargeError(error.limit ?? context.bodyLimit, error);
  if (status === 415) return new UnsupportedMediaTypeError('The request body must be UTF-8 encoded JSON.', error);
  const encoding = context.contentEncoding?.trim().toLowerCase();
  if (encoding && encoding !== 'identity') {
    return unreadableBody(`the body does not decode as ${encoding.slice(0, 40)}: ${error.message}`, 'Content-Encoding');
  }
  return unreadableBody(error.message);
}

/**
 * Refuses a body that is not valid UTF-8 before it is parsed: decoding would turn each bad byte into U+FFFD, and a
 * crawl request would be stored with characters its client never sent.
 */
function requireUtf8(req: { headers: { 'content-type'?: string | undefined } }, _res: unknown, body: Buffer): void {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.headers['content-type'] ?? '')?.[1]?.toLowerCase();
  // Other charsets the parser accepts (UTF-16) are its to decode.
  if ((charset === undefined || charset === 'utf-8' || charset === 'utf8') && !isUtf8(body)) {
    throw unreadableBody('the body is not valid UTF-8');
  }
}

/**
 * JSON in, nothing else: a request that carries a body (POST/PUT/PATCH) must say `application/json` or gets a 415;
 * the body is parsed strictly (objects and arrays only) up to `limit` bytes, a larger one is a 413 before it is read.
 * Whatever the parser rejects as the client's fault (bad JSON, bytes that are not UTF-8, a body that does not
 * decompress per its Content-Encoding, an unsupported charset…) leaves here as a 4xx API error, never as a 500.
 */
export function jsonBody(options: {
  /** Largest accepted body in bytes (`API_BODY_LIMIT_BYTES`). */
  limit: number;
}): RequestHandler[] {
  const requireJson: RequestHandler = (req, _res, next) => {
    if (!METHODS_WITH_BODY.has(req.method)) return next();
    // The header itself decides (not `req.is`, which is null for an empty body: that is a 400, not a 415).
    if (!JSON_TYPE.test(req.get('content-type') ?? '')) return next(new UnsupportedMediaTypeError());
    next();
  };
  const parse = express.json({ limit: options.limit, strict: true, type: 'application/json', verify: requireUtf8 });
  const parseJson: RequestHandler = (req, res, next) => {
    parse(req, res, (error?: unknown) => {
      if (!error) return next();
      const mapped =
        error instanceof Error
          ? bodyParserProblem(error, { bodyLimit: options.limit, contentEncoding: req.get('content-encoding') })
          : undefined;
      next(mapped ?? error);
    });
  };
  return [requireJson, parseJson];
}
