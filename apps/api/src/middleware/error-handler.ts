import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '@kumo/observability';
import {
  type ApiError,
  MalformedJsonError,
  PayloadTooLargeError,
  RouteNotFoundError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../errors.js';
import { toProblemResponse } from '../problems.js';
import { sendProblem } from './send-problem.js';

/** What body-parser (behind `express.json`) attaches to the errors it throws. */
interface BodyParserError extends Error {
  type?: string;
  status?: number;
  limit?: number;
}

/** Maps body-parser's error types to our codes, so a bad body never reaches Express's HTML error page. */
function fromBodyParser(error: BodyParserError, bodyLimit: number): ApiError | undefined {
  switch (error.type) {
    case 'entity.parse.failed':
      return new MalformedJsonError(error);
    case 'entity.too.large':
      return new PayloadTooLargeError(error.limit ?? bodyLimit, error);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new UnsupportedMediaTypeError('The request body must be UTF-8 encoded JSON.', error);
    case 'request.size.invalid':
    case 'request.aborted':
    case 'stream.encoding.set':
      return new ValidationError('The request body could not be read.', [{ path: '', message: error.message }]);
    default:
      return undefined;
  }
}

/** The last route: anything unmatched is a 404 problem, not Express's HTML "Cannot GET". */
export function notFound(): RequestHandler {
  return (req, _res, next) => next(new RouteNotFoundError(req.method, req.path));
}

/**
 * The central error handler: every error becomes RFC 9457 problem details with kumo's code; no HTML, no stack.
 * Unexpected errors are logged with the request id (the only place the stack goes).
 */
export function errorHandler(options: { logger: Logger; bodyLimit: number }): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const mapped =
      error instanceof Error ? (fromBodyParser(error as BodyParserError, options.bodyLimit) ?? error) : error;
    const response = toProblemResponse(mapped, req.id);
    if (response.status >= 500) {
      options.logger.error(
        { err: error, reqId: req.id, method: req.method, path: req.path, code: response.body.code },
        'request failed',
      );
    }
    sendProblem(res, response);
  };
}
