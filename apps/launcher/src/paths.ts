import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is apps/launcher/{src,dist}/paths.*). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** The apps `npm start` runs, in start order. */
export const APPS = ['api', 'crawl-worker', 'analysis-worker'] as const;
export type AppName = (typeof APPS)[number];

/** The built entry point of an app. */
export function appEntry(app: AppName, root = repoRoot): string {
  return path.join(root, 'apps', app, 'dist', 'main.js');
}

/** KUMO_DATA_DIR, relative to the repository root when relative (so `.data` is the same wherever npm runs). */
export function dataDir(kumoDataDir: string, root = repoRoot): string {
  return path.resolve(root, kumoDataDir);
}
