import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { ApiOptionError, UnauthorizedError } from '../errors.js';

declare module 'express-serve-static-core' {
  interface Request {
    /** Who owns what this request creates or reads: a hash of its API key (set by `bearerAuth`). */
    owner: string;
  }
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * True when `presented` equals one of `expected`, in time independent of where they differ: both sides are
 * hashed to 32 bytes first, so `timingSafeEqual` compares equal lengths and the key's length does not leak either.
 * Every candidate is compared (no early exit), so the position of the matching key does not leak.
 */
export function constantTimeMatch(presented: string, expectedDigests: readonly Buffer[]): number {
  const digest = sha256(presented);
  let match = -1;
  expectedDigests.forEach((expected, index) => {
    if (timingSafeEqual(digest, expected) && match === -1) match = index;
  });
  return match;
}

/** The owner id of an API key: a hash, so crawl records never hold the key itself. */
export function ownerOf(apiKey: string): string {
  return createHash('sha256').update(`kumo-owner\0${apiKey}`, 'utf8').digest('hex').slice(0, 32);
}

/** The configured API keys, kept only as digests and owner ids. */
export class ApiKeyring {
  readonly #digests: Buffer[];
  readonly #owners: string[];

  constructor(keys: readonly string[]) {
    if (keys.length === 0) throw new ApiOptionError('ApiKeyring needs at least one API key');
    this.#digests = keys.map(sha256);
    this.#owners = keys.map(ownerOf);
  }

  /** The owner id of a valid key, or null. */
  verify(presented: string): string | null {
    const index = constantTimeMatch(presented, this.#digests);
    return index === -1 ? null : (this.#owners[index] ?? null);
  }
}

const BEARER = /^Bearer[ ]+([^\s]+)\s*$/i;

/** Reads `Authorization: Bearer <token>`; undefined when absent or of another scheme. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  return BEARER.exec(header)?.[1];
}

/** `Authorization: Bearer <api key>` on every request; 401 problem otherwise. Sets `req.owner`. */
export function bearerAuth(keyring: ApiKeyring): RequestHandler {
  return (req, _res, next) => {
    const token = bearerToken(req.get('authorization'));
    if (!token) {
      return next(new UnauthorizedError('Send your API key as "Authorization: Bearer <key>".', 'Bearer realm="kumo"'));
    }
    const owner = keyring.verify(token);
    if (!owner) {
      return next(new UnauthorizedError('The API key is not valid.', 'Bearer realm="kumo", error="invalid_token"'));
    }
    req.owner = owner;
    next();
  };
}

/** A bearer token guarding one endpoint (`/metrics` with `METRICS_TOKEN`); no-op when `token` is undefined. */
export function tokenAuth(token: string | undefined, realm: string): RequestHandler {
  const digests = token === undefined ? [] : [sha256(token)];
  return (req, _res, next) => {
    if (token === undefined) return next();
    const presented = bearerToken(req.get('authorization'));
    if (presented !== undefined && constantTimeMatch(presented, digests) === 0) return next();
    next(new UnauthorizedError(`This endpoint needs "Authorization: Bearer <token>".`, `Bearer realm="${realm}"`));
  };
}

/** One HTTP Basic login and the role it signs in as. */
export interface BasicLogin<R extends string> {
  user: string;
  password: string;
  role: R;
}

/** Counts failed sign-ins per client address; `check` throws once an address has failed too often. */
export interface LoginThrottle {
  check(address: string): void;
  failed(address: string): void;
}

/**
 * HTTP Basic auth with one or more logins (Bull Board's admin and its read-only viewer); 401 with
 * `WWW-Authenticate: Basic` otherwise. The role of the login that matched goes to `res.locals.role`. With a
 * throttle, an address that failed too often is refused (429) before its credentials are even compared.
 */
export function basicAuth<R extends string>(options: {
  logins: readonly BasicLogin<R>[];
  realm: string;
  throttle?: LoginThrottle;
}): RequestHandler {
  const expected = options.logins.map((login) => sha256(`${login.user}:${login.password}`));
  const challenge = `Basic realm="${options.realm}", charset="UTF-8"`;
  return (req, res, next) => {
    const address = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    try {
      options.throttle?.check(address);
    } catch (error) {
      return next(error);
    }
    const match = /^Basic[ ]+([A-Za-z0-9+/=]+)\s*$/i.exec(req.get('authorization') ?? '');
    const decoded = match?.[1] ? Buffer.from(match[1], 'base64').toString('utf8') : undefined;
    const index = decoded === undefined ? -1 : constantTimeMatch(decoded, expected);
    if (index !== -1) {
      res.locals.role = options.logins[index]!.role;
      return next();
    }
    // A browser's first request carries no credentials at all: only a wrong password counts as a failure.
    if (decoded !== undefined) options.throttle?.failed(address);
    next(new UnauthorizedError('Sign in with the board credentials (BOARD_USER, BOARD_PASSWORD).', challenge));
  };
}
