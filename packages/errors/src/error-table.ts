import { errorCatalogRows } from './error-codes.js';

/**
 * docs/errors.md's table of every code (`npm run docs:generate` writes it; test/integration/docs-in-step.test.ts
 * fails when it differs). A retired code keeps its row, marked *retired*.
 */
export function renderErrorTable(): string {
  const lines = ['| code | kind | where | meaning |', '|---|---|---|---|'];
  for (const { code, kind, workspace, meaning, retired } of errorCatalogRows()) {
    lines.push(`| \`${code}\` | ${kind} | \`${workspace}\` | ${retired ? '*retired* ' : ''}${meaning} |`);
  }
  return lines.join('\n');
}
