import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Request, RequestHandler } from 'express';
import type { KumoQueues } from '@kumo/queues';
import { ForbiddenError, LoginThrottledError } from '../errors.js';
import { basicAuth, type LoginThrottle } from '../middleware/auth.js';

/** Where the board is mounted. */
export const BOARD_PATH = '/admin/queues';

type BoardRole = 'admin' | 'viewer';

export interface BoardOptions {
  queues: Pick<KumoQueues, 'crawl' | 'analyze' | 'aggregate' | 'webhook' | 'schedule'>;
  /** `BOARD_USER`: may do everything the board offers. */
  user: string;
  /** `BOARD_PASSWORD`. */
  password: string;
  /** `BOARD_VIEWER_USER` / `BOARD_VIEWER_PASSWORD`: sees everything, changes nothing. Default: no such login. */
  viewer?: { user: string; password: string };
  /** Failed sign-ins one address may make per minute before it waits (`BOARD_LOGIN_FAILURES_PER_MINUTE`). */
  maxFailedLogins: number;
  /** Clock of the failed-login window; tests may replace it. Default `Date.now`. */
  now?: () => number;
}

/**
 * Bull Board for the crawl, analyze, aggregate, webhook and schedule queues, behind HTTP Basic auth (it has none of its own). Mount at
 * `BOARD_PATH`. Two logins: the admin's, and optionally a viewer's that gets a board whose buttons are gone and
 * whose every change is refused (403). Changes also need to come from the board's own pages when a browser sends
 * them (no cross-site request forgery), and an address that keeps failing to sign in waits. The board works
 * through the API's queue objects, so it opens no Redis connection of its own.
 */
export function boardHandlers(options: BoardOptions): RequestHandler[] {
  const boards: Record<BoardRole, RequestHandler> = {
    admin: bullBoard(options.queues, false),
    viewer: bullBoard(options.queues, true),
  };
  const logins = [
    { user: options.user, password: options.password, role: 'admin' as const },
    ...(options.viewer ? [{ ...options.viewer, role: 'viewer' as const }] : []),
  ];
  return [
    basicAuth({
      logins,
      realm: 'kumo queues',
      throttle: new FailedLoginThrottle({ max: options.maxFailedLogins, windowMs: 60_000 }, options.now),
    }),
    (req, res, next) => {
      if (SAFE_METHODS.has(req.method)) return next();
      if (res.locals.role === 'viewer') {
        return next(
          new ForbiddenError('This board login is read-only: it may look, not retry, clean, pause or remove.'),
        );
      }
      if (isCrossSite(req)) {
        return next(
          new ForbiddenError('Board changes must come from the board itself; a request from another site was refused.'),
        );
      }
      next();
    },
    (req, res, next) => boards[res.locals.role as BoardRole](req, res, next),
  ];
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Whether a browser sent this request from another site. Browsers say so in `Sec-Fetch-Site`; older ones send an
 * `Origin` that is not this host. A request with neither (curl, a script with the credentials) is not a browser's
 * forgery: it passes.
 */
function isCrossSite(req: Request): boolean {
  const site = req.get('sec-fetch-site');
  if (site !== undefined) return site !== 'same-origin' && site !== 'none';
  const origin = req.get('origin');
  if (origin === undefined) return false;
  try {
    return new URL(origin).host !== req.get('host');
  } catch {
    return true; // `Origin: null` (a sandboxed page, a redirect) or garbage
  }
}

function bullBoard(queues: BoardOptions['queues'], readOnlyMode: boolean): RequestHandler {
  const adapter = new ExpressAdapter();
  adapter.setBasePath(BOARD_PATH);
  createBullBoard({
    queues: [queues.crawl, queues.analyze, queues.aggregate, queues.webhook, queues.schedule].map(
      (queue) => new BullMQAdapter(queue, { readOnlyMode }),
    ),
    serverAdapter: adapter,
    options: { uiConfig: { boardTitle: readOnlyMode ? 'kumo queues (read-only)' : 'kumo queues' } },
  });
  const board = adapter.getRouter() as ReturnType<typeof adapter.getRouter> & { disable?: (setting: string) => void };
  // The board is an Express app of its own: it would add X-Powered-By again.
  board.disable?.('x-powered-by');
  return withoutThirdPartyFonts(board as RequestHandler);
}

/** The `<link>` to Google Fonts in the board's page (IBM Plex), which our CSP blocks, logging an error on every page. */
const GOOGLE_FONTS_LINK = /<link[^>]+href="https:\/\/fonts\.googleapis\.com\/[^"]*"[^>]*>\s*/g;

/**
 * Serves the board's page without its Google Fonts stylesheet: the board's own CSS falls back to the system fonts
 * (`"IBM Plex Sans", system-ui, …`), nothing is fetched from another origin, and the CSP stays as strict as it is.
 * The adapter renders its one page with `res.render(name, params)`; rendering with a callback lets us edit the HTML.
 */
export function withoutThirdPartyFonts(board: RequestHandler): RequestHandler {
  return (req, res, next) => {
    const render = res.render.bind(res) as (view: string, options: object, callback: RenderCallback) => void;
    res.render = ((view: string, options?: object) => {
      render(view, options ?? {}, (error, html) => {
        if (error) return next(error);
        res.send(html.replace(GOOGLE_FONTS_LINK, ''));
      });
    }) as typeof res.render;
    board(req, res, next);
  };
}

type RenderCallback = (error: Error | null, html: string) => void;

/**
 * Failed sign-ins per address in a fixed window, in this process (each API process counts its own: with P
 * processes a guesser gets at most P × max a window). Bounded: expired windows are dropped when many are held.
 */
class FailedLoginThrottle implements LoginThrottle {
  readonly #failures = new Map<string, { since: number; count: number }>();
  readonly #limit: { max: number; windowMs: number };
  readonly #now: () => number;

  constructor(limit: { max: number; windowMs: number }, now: () => number = Date.now) {
    this.#limit = limit;
    this.#now = now;
  }

  check(address: string): void {
    const entry = this.#current(address);
    if (entry && entry.count >= this.#limit.max) {
      throw new LoginThrottledError(Math.max(1, Math.ceil((entry.since + this.#limit.windowMs - this.#now()) / 1000)));
    }
  }

  failed(address: string): void {
    const entry = this.#current(address);
    if (entry) entry.count++;
    else {
      if (this.#failures.size >= 10_000) this.#dropExpired();
      this.#failures.set(address, { since: this.#now(), count: 1 });
    }
  }

  #current(address: string) {
    const entry = this.#failures.get(address);
    if (entry && this.#now() - entry.since >= this.#limit.windowMs) {
      this.#failures.delete(address);
      return undefined;
    }
    return entry;
  }

  #dropExpired(): void {
    for (const address of [...this.#failures.keys()]) this.#current(address);
    // Still full of live windows (a spray from many addresses): forget the oldest half rather than grow.
    if (this.#failures.size >= 10_000) {
      for (const address of [...this.#failures.keys()].slice(0, 5_000)) this.#failures.delete(address);
    }
  }
}
