import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';

const ACCEPTED = /^[A-Za-z0-9._:-]{1,128}$/;

declare module 'express-serve-static-core' {
  interface Request {
    /** This request's id: the caller's `X-Request-Id` when it looks sane, else a new UUID. */
    id: string;
  }
}

/**
 * Gives every request an id, echoed in `X-Request-Id` and put on log lines and 500 problems, so a user's report
 * can be matched with our logs. A proxy's id is kept when it is short and plain; anything else is replaced.
 */
export function requestId(): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get('x-request-id');
    req.id = incoming && ACCEPTED.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', req.id);
    next();
  };
}
