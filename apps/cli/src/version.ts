import { readFileSync } from 'node:fs';

/**
 * The CLI's version (`kumo --version`): its package's, read once at load (`src/` and `dist/` both sit next to
 * package.json). 0.1 is the version the User-Agent (`kumo/0.1`) and the OpenAPI document announce.
 */
export const CLI_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
