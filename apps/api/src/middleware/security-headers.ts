import type { RequestHandler } from 'express';
import helmet from 'helmet';

/** Pages that render HTML with their own scripts and styles (from this origin only). */
const UI_PREFIXES = ['/docs', '/admin/queues'];

/**
 * helmet's headers everywhere; the Content-Security-Policy differs by what is served. JSON answers get
 * `default-src 'none'` (nothing to load). The interactive docs and Bull Board load scripts, styles and images from
 * this origin only (no CDN), with inline styles that both UIs set. `upgrade-insecure-requests` is left out: on a
 * plain-HTTP local API it would send the browser to https for the assets.
 */
export function securityHeaders(): RequestHandler {
  const api = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] },
    },
  });
  const ui = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
  });
  return (req, res, next) => {
    const isUi = UI_PREFIXES.some((prefix) => req.path === prefix || req.path.startsWith(`${prefix}/`));
    (isUi ? ui : api)(req, res, next);
  };
}
