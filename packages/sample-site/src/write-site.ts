import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { GeneratedSite, SiteManifest } from './manifest.js';

/** The manifest's file name in a written site; the server reads it to send the right Content-Type headers. */
export const SITE_MANIFEST_FILE = 'site-manifest.json';

/** Writes every file of a generated site under `dir` (created if needed), plus `site-manifest.json`. */
export async function writeSite(site: GeneratedSite, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const made = new Set<string>();
  for (const [filePath, file] of site.files) {
    const target = path.join(dir, ...filePath.split('/'));
    const parent = path.dirname(target);
    if (!made.has(parent)) {
      await mkdir(parent, { recursive: true });
      made.add(parent);
    }
    await writeFile(target, file.body);
  }
  await writeFile(path.join(dir, SITE_MANIFEST_FILE), `${JSON.stringify(site.manifest, null, 1)}\n`);
}

/** The manifest of a site written by writeSite, or undefined when `dir` holds none (any other static site). */
export async function readSiteManifest(dir: string): Promise<SiteManifest | undefined> {
  try {
    return JSON.parse(await readFile(path.join(dir, SITE_MANIFEST_FILE), 'utf8')) as SiteManifest;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
