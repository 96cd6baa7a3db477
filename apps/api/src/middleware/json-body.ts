import express, { type RequestHandler } from 'express';
import { UnsupportedMediaTypeError } from '../errors.js';

const JSON_TYPE = /^application\/json\s*(;|$)/i;
const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/**
 * JSON in, nothing else: a request that carries a body (POST/PUT/PATCH) must say `application/json` or gets a 415;
 * the body is parsed strictly (objects and arrays only) up to `limit` bytes, a larger one is a 413 before it is read.
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
  return [requireJson, express.json({ limit: options.limit, strict: true, type: 'application/json' })];
}
