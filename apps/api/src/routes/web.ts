import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import express, { Router } from 'express';

/** Where the results page's hashed assets are served. */
export const WEB_ASSETS_PATH = '/app';

/**
 * The built results page (`apps/web`, `npm run build`): its `dist/` folder, found through the package like any
 * dependency. The API imports none of its code; it serves the files.
 */
export function webDistDir(): string {
  return path.join(path.dirname(createRequire(import.meta.url).resolve('@kumo/web/package.json')), 'dist');
}

/**
 * `GET /` (the page) and `/app/*` (its script, stylesheet and chunks). The asset names carry a content hash, so
 * they are cached for good; `index.html` names the current ones and is revalidated on every load. Without a build
 * (`dist/` missing) both fall through to the API's 404 problem; `onMissing` is told once, at start.
 */
export function webRoutes(options: { dir?: string; onMissing?: (dir: string) => void } = {}): Router {
  const dir = options.dir ?? webDistDir();
  const router = Router();
  const indexFile = path.join(dir, 'index.html');
  if (!existsSync(indexFile)) {
    options.onMissing?.(dir);
    return router;
  }
  const index = readFileSync(indexFile);
  router.get('/', (_req, res) => {
    res.set('cache-control', 'no-cache').type('text/html; charset=utf-8').send(index);
  });
  router.use(
    WEB_ASSETS_PATH,
    express.static(path.join(dir, 'app'), { index: false, fallthrough: true, immutable: true, maxAge: '365d' }),
  );
  return router;
}
