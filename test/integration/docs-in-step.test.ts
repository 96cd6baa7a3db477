import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { configSchema } from '@kumo/config';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM helper shared with the generator script
import * as generated from '../scripts/generated-docs.mjs';

const { readArchitecture, readReadme, renderedArchitectureSections, renderedSections, withSections } = generated;

const root = fileURLToPath(new URL('../..', import.meta.url));

/** `KUMO_*` names that are environment variables, not error codes. */
const environmentNames = new Set([
  ...Object.keys(configSchema.shape),
  'KUMO_WORKER_SLOT',
  'KUMO_API_URL',
  'KUMO_API_KEY',
]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (name === 'node_modules' || name === 'dist' || name === '__fixtures__') return [];
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.ts$/.test(name) && !name.endsWith('.test.ts') ? [full] : [];
  });
}

describe('generated documentation stays in step with the code', () => {
  it('README configuration and key tables match the schema and the purpose registry', async () => {
    const readme: string = readReadme();
    expect(withSections(readme, await renderedSections())).toBe(readme);
  });

  it("docs/architecture.md's key table matches the key builders of every owner", async () => {
    const architecture: string = readArchitecture();
    expect(withSections(architecture, await renderedArchitectureSections())).toBe(architecture);
  });

  it('docs/errors.md lists every error code in the source, and no code that no longer exists', () => {
    const codes = new Set<string>();
    for (const top of ['packages', 'apps']) {
      for (const file of sourceFiles(path.join(root, top))) {
        for (const match of readFileSync(file, 'utf8').matchAll(/['"`](KUMO_[A-Z0-9_]+)['"`]/g)) {
          if (!environmentNames.has(match[1]!)) codes.add(match[1]!);
        }
      }
    }
    const documented = new Set(
      [...readFileSync(path.join(root, 'docs/errors.md'), 'utf8').matchAll(/^\| `(KUMO_[A-Z0-9_]+)` \|/gm)].map(
        (match) => match[1]!,
      ),
    );
    expect([...codes].filter((code) => !documented.has(code)).sort(), 'codes missing from docs/errors.md').toEqual([]);
    expect([...documented].filter((code) => !codes.has(code)).sort(), 'documented codes not in the source').toEqual([]);
  });
});
