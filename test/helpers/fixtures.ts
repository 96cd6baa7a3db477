import { existsSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './processes.js';

/**
 * The shared corpus of real Japanese sites, beside the repository (`../shared/fixtures/sites`). CI has it;
 * a user's clone may not: tests that need it skip with a visible notice in their name.
 */
export const fixtureSitesDir = path.resolve(repoRoot, '../shared/fixtures/sites');
export const hasFixtureSites = existsSync(path.join(fixtureSitesDir, 'index.html'));
export const fixtureNotice = hasFixtureSites ? '' : ' [skipped: ../shared/fixtures/sites not found]';
