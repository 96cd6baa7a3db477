import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { configSchema } from '@kumo/config';
import { errorCatalogRows, errorCodesOf, type ErrorWorkspace } from '@kumo/errors';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM helper shared with the generator script
import * as generated from '../scripts/generated-docs.mjs';

const {
  readArchitecture,
  readErrors,
  readReadme,
  renderedArchitectureSections,
  renderedErrorSections,
  renderedSections,
  withSections,
} = generated;

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

  it("docs/errors.md's table is the error catalog", async () => {
    const errors: string = readErrors();
    expect(withSections(errors, await renderedErrorSections())).toBe(errors);
  });

  it('the error catalog lists every error code the source uses, and no code that no source raises', () => {
    // A code is used as a literal ('KUMO_…') or through a package's code constants (`KeyspaceErrorCode.TTL`, where
    // `errors.ts` says `export const KeyspaceErrorCode = errorCodesOf('packages/keyspace')`). The catalog itself,
    // in packages/errors, is not a use.
    const texts = ['packages', 'apps']
      .flatMap((top) => sourceFiles(path.join(root, top)))
      .filter((file) => !file.startsWith(path.join(root, 'packages/errors/')))
      .map((file) => readFileSync(file, 'utf8'));
    const constants = new Map<string, Record<string, string>>();
    for (const text of texts) {
      for (const match of text.matchAll(/export const (\w+) = errorCodesOf\('([^']+)'\)/g)) {
        constants.set(match[1]!, errorCodesOf(match[2] as ErrorWorkspace));
      }
    }
    const used = new Set<string>();
    for (const text of texts) {
      for (const match of text.matchAll(/['"`](KUMO_[A-Z0-9_]+)['"`]/g)) {
        if (!environmentNames.has(match[1]!)) used.add(match[1]!);
      }
      for (const match of text.matchAll(/\b(\w+ErrorCode)\.([A-Z0-9_]+)\b/g)) {
        const codes = constants.get(match[1]!);
        if (codes) used.add(codes[match[2]!] ?? `${match[1]}.${match[2]} (not in the catalog)`);
      }
    }
    const rows = errorCatalogRows();
    const listed = new Set(rows.map((row) => row.code));
    const live = rows.filter((row) => !row.retired).map((row) => row.code);
    const retired = rows.filter((row) => row.retired).map((row) => row.code);
    expect(constants.size, 'code constants found in errors.ts files').toBeGreaterThan(10);
    expect([...used].filter((code) => !listed.has(code)).sort(), 'codes missing from the catalog').toEqual([]);
    expect(live.filter((code) => !used.has(code)).sort(), 'catalog codes no source raises (retire them)').toEqual([]);
    expect(retired.filter((code) => used.has(code)).sort(), 'retired codes still in the source').toEqual([]);
  });
});
