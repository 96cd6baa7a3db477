import { createRequire } from 'node:module';
import path from 'node:path';
import express, { Router, type RequestHandler } from 'express';
import type { OpenApiDocument } from '../openapi/document.js';

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>kumo API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
  <link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/assets/swagger-ui-standalone-preset.js"></script>
  <script src="/docs/assets/init.js"></script>
</body>
</html>
`;

/** A file, not an inline script, so the page works under `script-src 'self'`. */
const INIT = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: 'StandaloneLayout',
});
`;

/** The files of swagger-ui-dist the page needs (served from the package: no CDN), plus the init script. */
const ASSETS = new Set([
  'swagger-ui.css',
  'swagger-ui-bundle.js',
  'swagger-ui-standalone-preset.js',
  'favicon-32x32.png',
  'favicon-16x16.png',
]);

/** swagger-ui-dist's folder (the package has no types; its files are all we need). */
function swaggerUiDir(): string {
  return path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
}

/** `/docs/assets/*`: static middleware, not routes (they are not part of the API). */
export function docsAssets(): RequestHandler {
  const serveStatic = express.static(swaggerUiDir(), { index: false, fallthrough: true, maxAge: '1h' });
  return (req, res, next) => {
    const name = req.path.replace(/^\//, '');
    if (name === 'init.js') {
      res.type('application/javascript').send(INIT);
      return;
    }
    if (!ASSETS.has(name)) return next();
    serveStatic(req, res, next);
  };
}

/** `GET /openapi.json` and `GET /docs`. */
export function docsRoutes(document: OpenApiDocument): Router {
  const router = Router();
  const body = JSON.stringify(document);
  router.get('/openapi.json', (_req, res) => {
    res.type('application/json').send(body);
  });
  router.get('/docs', (_req, res) => {
    res.type('text/html').send(PAGE);
  });
  return router;
}
