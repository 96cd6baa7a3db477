import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '@kumo/observability';
import { RouteNotFoundError } from '../errors.js';
import { toProblemResponse } from '../problems.js';
import { sendProblem } from './send-problem.js';

/** The last route: anything unmatched is a 404 problem, not Express's HTML "Cannot GET". */
export function notFound(): RequestHandler {
  return (req, _res, next) => next(new RouteNotFoundError(req.method, req.path));
}

/**
 * The central error handler: every error becomes RFC 9457 problem details with kumo's code; no HTML, no stack.
 * Errors of the body parser arrive here already mapped to API errors (`jsonBody`). Unexpected errors are logged
 * with the request id (the only place the stack goes).
 */
export function errorHandler(options: { logger: Logger }): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const response = toProblemResponse(error, req.id);
    if (response.status >= 500) {
      options.logger.error(
        { err: error, reqId: req.id, method: req.method, path: req.path, code: response.body.code },
        'request failed',
      );
    }
    sendProblem(res, response);
  };
}
